// The generated network (louyu demo --scale): exact sizes, the same network from the same
// seed, every rule the server keeps holding in the data, and a server that serves it.
// The town size (a hundredth of the city) keeps this quick; on SQLite and PostgreSQL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { louyu, PG, freshDb, startServer, signIn, assertStopsCleanly } from './lib.mjs';

// Today in +08:00: the server test below books in the year ahead of it.
const ANCHOR = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);

// A database generated at town size; { db, out, sql(query) -> rows as arrays of text,
// one(query) -> a number, cleanup }.
function generate(seed) {
  const fresh = freshDb({ demoArgs: ['--scale', 'town', '--seed', String(seed), '--anchor', ANCHOR] });
  const sql = (query) => {
    const out = PG
      ? spawnSync('psql', [fresh.db, '-qAtX', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-c', query], { encoding: 'utf8' })
      : spawnSync('sqlite3', ['-bail', fresh.db, query], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(`${query}: ${out.stderr}`);
    return out.stdout.trim() === '' ? [] : out.stdout.trim().split('\n').map((l) => l.split('|'));
  };
  const one = (query) => Number(sql(query)[0][0]);
  return { ...fresh, sql, one };
}

// What the seed decides (nothing that depends on the clock), as one text per table.
const FINGERPRINT = [
  "SELECT count(*), sum(room_id * 7 + org_id), sum(start_at % 100003), sum(end_at - start_at) FROM bookings WHERE title <> ''",
  'SELECT count(*), sum(length(name)), sum(CAST(substr(phone, 4) AS BIGINT) % 9973), count(admitted_on) FROM members',
  'SELECT count(*), sum(host_org_id), sum(start_at % 100003), sum(capacity) FROM activities',
  "SELECT count(*), sum(activity_id % 9973), sum(length(person)) FROM checkins",
  'SELECT count(*), sum(times), sum(volunteer_minutes), sum(org_id % 9973) FROM attendees',
];

// Generated once, for the checks of its rules below and for the server test.
const town = generate(7);
process.on('exit', () => town.cleanup());

test('a town is generated with exactly its sizes, and the same seed gives the same network', () => {
  const a = town;
  const b = generate(7);
  const c = generate(8);
  try {
    assert.match(a.out, /20 towers, 50 organisations, 5 stations, 15 rooms/);
    assert.match(a.out, /3000 people, 55 users, 10000 bookings, 500 activities/);
    assert.match(a.out, /30000 check-ins/);
    // the demo is there too, and the generated network hangs under its district
    assert.equal(a.one("SELECT count(*) FROM users WHERE username IN ('admin', 'xita', 'member')"), 3);
    assert.equal(a.one("SELECT count(*) FROM orgs WHERE kind = 'joint_committee' AND name LIKE '%街楼宇联合党委'"), 1);
    for (const q of FINGERPRINT) {
      assert.deepEqual(a.sql(q), b.sql(q), `same seed, different data: ${q}`);
      assert.notDeepEqual(a.sql(q), c.sql(q), `another seed, the same data: ${q}`);
    }
  } finally {
    b.cleanup();
    c.cleanup();
  }
});

test('the generated data keeps the rules: no overlaps, opening hours, capacity, attendees', () => {
  const g = town;
  {
    const live = "('confirmed', 'pending', 'offered')";
    assert.equal(g.one(`SELECT count(*) FROM bookings a JOIN bookings b ON a.room_id = b.room_id
      AND a.id < b.id AND a.start_at < b.end_at AND b.start_at < a.end_at
      WHERE a.status IN ${live} AND b.status IN ${live}`), 0, 'overlapping bookings');
    // 08:30 to 21:30 in +08:00, the generated stations' hours
    assert.equal(g.one(`SELECT count(*) FROM bookings b JOIN stations s ON s.id = b.station_id
      WHERE s.name LIKE '%座党群服务站' AND ((b.start_at + 28800) % 86400 < 30600
        OR (b.end_at + 28800) % 86400 > 77400 OR (b.end_at + 28800) / 86400 <> (b.start_at + 28800) / 86400)`), 0,
    'bookings outside opening hours');
    assert.equal(g.one(`SELECT count(*) FROM activities a JOIN bookings b ON b.id = a.booking_id
      WHERE b.room_id <> a.room_id OR b.start_at <> a.start_at OR b.end_at <> a.end_at`), 0,
    "activities off their bookings");
    assert.equal(g.one(`SELECT count(*) FROM registrations a JOIN registrations b ON a.person = b.person
      AND a.id < b.id AND a.start_at < b.end_at AND b.start_at < a.end_at
      WHERE a.status <> 'cancelled' AND b.status <> 'cancelled'`), 0, 'overlapping sign-ups');
    assert.equal(g.one(`SELECT count(*) FROM (SELECT a.id FROM activities a JOIN registrations r
      ON r.activity_id = a.id AND r.status = 'registered' GROUP BY a.id, a.capacity
      HAVING count(*) > a.capacity) x`), 0, 'more places than capacity');
    assert.equal(g.one(`SELECT count(*) FROM checkins c JOIN activities a ON a.id = c.activity_id
      WHERE a.status <> 'held'`), 0, 'check-ins at activities not held');
    assert.equal(g.one(`SELECT count(*) FROM checkins c JOIN registrations r ON r.id = c.registration_id
      WHERE r.person <> c.person OR r.activity_id <> c.activity_id`), 0, 'check-ins off their sign-ups');
    // The attendees table adds up the check-ins, for every organisation on the host's
    // path: its all-time person-times per organisation equal the check-ins under it.
    const orgs = g.sql("SELECT id, path FROM orgs WHERE kind IN ('district_department', 'joint_committee', 'building_committee') ORDER BY id LIMIT 8");
    assert.ok(orgs.length >= 4);
    for (const [id, path] of orgs) {
      const counted = g.one(`SELECT COALESCE(sum(times), 0) FROM attendees WHERE org_id = ${id} AND period = 0`);
      const checkins = g.one(`SELECT count(*) FROM checkins c JOIN activities a ON a.id = c.activity_id
        WHERE c.undone_at IS NULL AND a.host_path LIKE '${path}%'`);
      assert.equal(counted, checkins, `attendees of org ${id}`);
      const yearly = g.one(`SELECT COALESCE(sum(times), 0) FROM attendees WHERE org_id = ${id} AND period > 0`);
      assert.equal(yearly, checkins, `yearly attendees of org ${id}`);
    }
  }
});

test('a server on a generated town serves it: stations, availability, a booking, attendance', async () => {
  const g = town;
  const srv = await startServer({ db: g.db, as: 'gen-committee-0001' });
  try {
    const stations = await srv.request('GET', '/api/v1/stations?limit=100');
    assert.equal(stations.status, 200);
    const generated = stations.json.items.filter((s) => s.name.endsWith('座党群服务站'));
    assert.equal(generated.length, 5);
    // station 1 stands in tower 1, run by its committee, whose admin this is
    const station = generated.find((s) => s.org_id === g.one("SELECT org_id FROM stations WHERE name LIKE '%1座党群服务站' ORDER BY id LIMIT 1"));
    assert.ok(station);
    const week = await srv.request('GET', `/api/v1/stations/${station.id}/availability?days=7`);
    assert.equal(week.status, 200, week.text);

    // 12:30 to 13:30 is never taken in a generated room: book it, then cancel it
    const room = g.one(`SELECT id FROM rooms WHERE station_id = ${station.id} ORDER BY id LIMIT 1`);
    const day = new Date(Date.now() + 8 * 3600e3 + 3 * 86400e3).toISOString().slice(0, 10);
    const made = await srv.request('POST', '/api/v1/bookings', {
      room_id: room, org_id: station.org_id, start: `${day}T12:30:00+08:00`, end: `${day}T13:30:00+08:00`,
      title: '支部委员会', attendance: 8,
    });
    assert.equal(made.status, 201, made.text);
    const gone = await srv.request('POST', `/api/v1/bookings/${made.json.id}/cancel`,
      { version: made.json.version, reason: '改期' });
    assert.equal(gone.status, 200, gone.text);

    // the committee's attendance is the check-ins under it
    const path = g.sql(`SELECT path FROM orgs WHERE id = ${station.org_id}`)[0][0];
    const sum = await srv.request('GET', `/api/v1/orgs/${station.org_id}/attendance?year=all`);
    assert.equal(sum.status, 200, sum.text);
    assert.equal(sum.json.person_times, g.one(`SELECT count(*) FROM checkins c JOIN activities a
      ON a.id = c.activity_id WHERE c.undone_at IS NULL AND a.host_path LIKE '${path}%'`));
    assert.ok(sum.json.person_times > 0);

    // a generated member's account is that member
    const m = await signIn(srv.url, 'gen-member-00001');
    assert.ok(m.user.member_id > 0, JSON.stringify(m.user));
  } finally {
    await assertStopsCleanly(srv);
  }
});

test('demo --scale refuses an unknown size, a bad seed and a bad anchor', () => {
  for (const args of [['--scale', 'village'], ['--scale', 'town', '--seed', '-3'], ['--scale', 'town', '--anchor', '2026-13-01']]) {
    const r = louyu(['demo', '--db', join(tmpdir(), `louyu-never-${process.pid}.db`), ...args]);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /scale|seed|anchor/);
  }
});
