// Activities under concurrency (issue 7): sign-ups racing for the last places, one person
// signing up many times at once, cancellations racing sign-ups on a full activity, a storm
// of check-ins (each person's sent three times at once, by scan and at the desk), and
// concurrent undoing of one check-in. Every race runs over real HTTP against the real
// binary, each request on a connection of its own; on PostgreSQL (LOUYU_TEST_PG) against
// two servers sharing one database, the clients split between them. Every outcome is
// read back through the API: the sign-ups and check-ins themselves, the activity's
// registered/waiting counts, GET /activities/{id}/attendance and GET /orgs/3/attendance.
//
// Sign-ups lock the activity's row (SQLite: the write lock; PostgreSQL: SELECT ... FOR
// UPDATE under READ COMMITTED), so they queue: the places go to the first 150 in the
// order of their ids, and the rest wait in that order. Check-ins take no lock: the partial
// unique index (activity_id, person) WHERE undone_at IS NULL makes a second check-in of a
// person the first one.
//
// The clock: the servers run with LOUYU_CLOCK_OFFSET so that their "now" is 01:40 local
// time, three days from today; the activity whose check-ins are stormed runs 02:00-04:00
// that night (its check-in window opened at 01:30), and the activities of the sign-up
// races run on the nights after it. Station 1 is open round the clock, and its room 1
// holds 250 (the demo's rooms hold at most 60), so that an activity can offer 150 places.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { PG, freshDb, startServer, assertStopsCleanly, connection, signIn } from './lib.mjs';

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const LOCAL = 8 * HOUR; // Guangzhou time, +08:00

const PEOPLE = 200;
const ROUND_THE_CLOCK = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '00:00', close: '24:00' }));

// ---- time ----

const pad = (n, w = 2) => String(n).padStart(w, '0');
// RFC 3339 in +08:00.
function fmt(ms) {
  const d = new Date(ms + LOCAL);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:` +
    `${pad(d.getUTCMinutes())}:00+08:00`;
}
const localMidnight = (ms) => Math.floor((ms + LOCAL) / DAY) * DAY - LOCAL;
// Night D: the local midnight three days from today. The servers' clock stands at 01:40
// of it when they start.
const NIGHT = localMidnight(Date.now()) + 3 * DAY;
const SERVER_NOW = NIGHT + 100 * MIN;
const YEAR = new Date(NIGHT + LOCAL).getUTCFullYear(); // the local year of the check-in activity

// ---- HTTP: one client = one keep-alive connection of its own ----


// Opens one connection per [server, token], and waits until every one has answered once,
// so that the requests that follow start together.
async function connections(pairs) {
  const conns = pairs.map(([srv, token]) => connection(srv.url, token));
  const warm = await Promise.all(conns.map((c) => c.request('GET', '/api/v1/session')));
  assert.deepEqual([...new Set(warm.map((r) => r.status))], [200], warm.find((r) => r.status !== 200)?.text);
  return conns;
}

// Sends one request on each connection at once; resolves with the answers in order.
// Every connection had one of its own.
async function fire(conns, make) {
  try {
    const answers = await Promise.all(conns.map((c, i) => { const [m, p, b] = make(i); return c.request(m, p, b); }));
    const ports = new Set(conns.flatMap((c) => [...c.ports]));
    assert.ok(ports.size >= conns.length, `every client had a connection of its own: ${ports.size} of ${conns.length}`);
    return answers;
  } finally {
    conns.forEach((c) => c.close());
  }
}

const tally = (xs) => xs.reduce((m, x) => { m[x] = (m[x] || 0) + 1; return m; }, {});
const outcome = (r) => `${r.status} ${r.json && (r.json.rule || r.json.status || '')}`.trim();

// Runs fn over the items with at most n at a time.
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i], i);
    }
  }));
  return out;
}

// ---- the servers and the people ----

let fresh;
const servers = [];
let people = []; // [{ i, member_id, user_id, username, token, srv }]
let organiser = []; // per server: the admin's token there (the admin runs every activity)

// Starts a server on the shared database with the clock at SERVER_NOW.
function movedServer(db) {
  const saved = process.env.LOUYU_CLOCK_OFFSET;
  process.env.LOUYU_CLOCK_OFFSET = String(Math.round((SERVER_NOW - Date.now()) / 1000));
  try {
    // 300 connections at once from 127.0.0.1 in the check-in storm: more than the default 256 per address
    return startServer({ db, args: ['--threads', '8', '--max-per-ip', '1000'] }); // spawns at once, with this environment
  } finally {
    if (saved === undefined) delete process.env.LOUYU_CLOCK_OFFSET;
    else process.env.LOUYU_CLOCK_OFFSET = saved;
  }
}

// What the servers wrote to stderr: the evidence when something broke.
const logs = () => servers.map((s, k) => `--- server ${k} stderr (last 4000 chars) ---\n${s.logs().stderr.slice(-4000)}`).join('\n');

// No 5xx, ever: each one names the request and the servers' logs.
function no5xx(answers, what) {
  const bad = answers.filter((a) => a.status >= 500);
  assert.equal(bad.length, 0, `${what}: ${bad.length} answers 5xx: ${bad.slice(0, 3).map((a) => a.text).join(' | ')}\n${logs()}`);
}

before(async () => {
  const t0 = Date.now();
  fresh = freshDb();
  servers.push(await movedServer(fresh.db));
  if (PG) servers.push(await movedServer(fresh.db));
  organiser = servers.map((s) => s.token);
  const srv = servers[0];
  // Station 1 open round the clock, room 1 holding 250.
  const st = (await srv.request('GET', '/api/v1/stations/1')).json;
  let r = await srv.request('PATCH', '/api/v1/stations/1', { version: st.version, opening_hours: ROUND_THE_CLOCK });
  assert.equal(r.status, 200, r.text);
  const room = (await srv.request('GET', '/api/v1/rooms/1')).json;
  r = await srv.request('PATCH', '/api/v1/rooms/1', { version: room.version, capacity: 250 });
  assert.equal(r.status, 200, r.text);
  // 200 members of branch 4 (under committee 3), each with an account, each signed in on
  // one of the servers. Made through the API, eight at a time (hashing a password costs).
  people = await pool(Array.from({ length: PEOPLE }, (_, i) => i), 8, async (i) => {
    const on = servers[i % servers.length];
    const m = await on.request('POST', '/api/v1/members', {
      name: `抢位${pad(i, 3)}`, branch_id: 4, phone: `1395500${pad(i, 4)}`, applied_on: '2020-03-01', admitted_on: '2021-06-01',
    });
    assert.equal(m.status, 201, m.text);
    const username = `racer${pad(i, 3)}`;
    const password = `race-pass-${pad(i, 3)}`;
    const u = await on.request('POST', '/api/v1/users', { username, password, member_id: m.json.id });
    assert.equal(u.status, 201, u.text);
    const s = await signIn(on.url, username, password);
    return { i, member_id: m.json.id, user_id: u.json.id, username, token: s.token, srv: on };
  });
  const me = await srv.request('GET', `/api/v1/users/${people[0].user_id}`);
  assert.equal(me.json.member_id, people[0].member_id, me.text);
  console.log(`setup: ${servers.length} server(s) on ${PG ? 'PostgreSQL' : 'SQLite'}, ${PEOPLE} members with accounts signed in, in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
});

after(async () => {
  const errors = [];
  for (const srv of servers) {
    try {
      await assertStopsCleanly(srv);
      assert.doesNotMatch(srv.logs().stderr, /AddressSanitizer|LeakSanitizer|runtime error|UndefinedBehavior/, srv.logs().stderr);
    } catch (e) { errors.push(e); }
  }
  if (fresh) fresh.cleanup();
  if (errors.length) throw errors[0];
});

// ---- helpers over the API ----

// A published activity of committee 3 in station 1 (the admin makes it).
async function makeActivity({ room = 1, start, minutes = 120, capacity, title, walk_ins = true }) {
  const r = await servers[0].request('POST', '/api/v1/activities', {
    title, kind: 'study', host_org_id: 3, room_id: room, start: fmt(start), end: fmt(start + minutes * MIN),
    capacity, audience: 'committee', walk_ins, publish: true,
  });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.status, 'published', r.text);
  return r.json;
}

// Every item of a list, following the cursor (as the admin, who runs every activity).
async function all(path, srv = servers[servers.length - 1]) {
  const items = [];
  let cursor = null;
  do {
    const r = await srv.request('GET', `${path}${path.includes('?') ? '&' : '?'}limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    items.push(...r.json.items);
    cursor = r.json.next;
  } while (cursor);
  return items;
}

const registrations = (activity) => all(`/api/v1/registrations?activity_id=${activity}`);
const checkins = (activity) => all(`/api/v1/checkins?activity_id=${activity}`);
async function activity(id) {
  const r = await servers[0].request('GET', `/api/v1/activities/${id}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}
async function attendance(id) {
  const r = await servers[servers.length - 1].request('GET', `/api/v1/activities/${id}/attendance`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}
async function orgAttendance(org) {
  const r = await servers[0].request('GET', `/api/v1/orgs/${org}/attendance?year=${YEAR}`);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// The sign-ups of an activity, by id, and what must hold of any such list: one open sign-up
// per person, the waiting numbered 1..k in the order of their ids, the counts of the
// activity and of its attendance equal to those of the list.
async function checkList(act, { registered, waiting, cancelled }) {
  const list = (await registrations(act.id)).sort((x, y) => x.id - y.id);
  const open = list.filter((r) => r.status !== 'cancelled');
  const persons = tally(open.map((r) => r.member_id));
  const twice = Object.entries(persons).filter(([, n]) => n > 1).map(([m]) => m);
  assert.deepEqual(twice, [], `members with more than one open sign-up (registered and waiting at once?) for activity ${act.id}`);
  const byStatus = tally(list.map((r) => r.status));
  assert.deepEqual({ registered: byStatus.registered || 0, waiting: byStatus.waiting || 0, cancelled: byStatus.cancelled || 0 },
    { registered, waiting, cancelled }, `sign-ups of activity ${act.id}`);
  const queue = list.filter((r) => r.status === 'waiting');
  assert.deepEqual(queue.map((r) => r.position), queue.map((_, k) => k + 1), 'the waiting list is numbered 1..k without gaps, in the order of the sign-ups');
  for (const r of list.filter((x) => x.status !== 'waiting')) assert.equal(r.position, null, `sign-up ${r.id} is ${r.status} and has no position`);
  const a = await activity(act.id);
  assert.deepEqual([a.registered, a.waiting], [registered, waiting], `activity ${act.id}'s counts`);
  const at = await attendance(act.id);
  assert.deepEqual([at.registered, at.waiting, at.cancelled], [registered, waiting, cancelled], `activity ${act.id}'s attendance: ${JSON.stringify(at)}`);
  return list;
}

// ---- 1: 200 people, 150 places ----

test(`200 people sign up at once for 150 places: exactly 150 in, 50 waiting${PG ? ' (two servers, one PostgreSQL database)' : ''}`, { timeout: 180000 }, async () => {
  const act = await makeActivity({ start: NIGHT + DAY + HOUR, capacity: 150, title: '抢位学习会' });
  assert.deepEqual([act.registered, act.waiting, act.capacity], [0, 0, 150]);
  const conns = await connections(people.map((p) => [p.srv, p.token]));
  const t0 = Date.now();
  const answers = await fire(conns, () => ['POST', '/api/v1/registrations', { activity_id: act.id }]);
  const took = Date.now() - t0;
  no5xx(answers, '200 sign-ups');
  assert.deepEqual(tally(answers.map(outcome)), { '201 registered': 150, '201 waiting': 50 },
    JSON.stringify(answers.filter((a) => a.status !== 201).slice(0, 5).map((a) => a.text)));
  answers.forEach((a, i) => {
    assert.equal(a.json.activity_id, act.id);
    assert.equal(a.json.member_id, people[i].member_id, 'each signed up as their own member');
    assert.equal(a.json.source, 'self');
  });
  // The places went in the order the sign-ups were made (their ids): the first 150 are in,
  // the other 50 wait in that order, each told a place of their own on the list.
  const made = answers.map((a) => a.json).sort((x, y) => x.id - y.id);
  assert.deepEqual(made.map((r) => r.status), [...Array(150).fill('registered'), ...Array(50).fill('waiting')],
    'the first 150 sign-ups by id have the places');
  assert.deepEqual(made.slice(150).map((r) => r.position), Array.from({ length: 50 }, (_, k) => k + 1),
    'the waiting were told positions 1..50, distinct, in the order of their sign-ups');
  // Read back: the same 200 sign-ups, as they were answered.
  const list = await checkList(act, { registered: 150, waiting: 50, cancelled: 0 });
  assert.deepEqual(list.map((r) => [r.id, r.member_id, r.status, r.position]), made.map((r) => [r.id, r.member_id, r.status, r.position]));
  console.log(`200 sign-ups for 150 places answered in ${took} ms`);
});

// ---- 2: the same person, 20 times at once ----

test('the same person signs up 20 times at once: one 201, 19 × 409 already_registered', { timeout: 120000 }, async () => {
  const act = await makeActivity({ start: NIGHT + 3 * DAY + HOUR, minutes: 60, capacity: 10, title: '重复报名' });
  const p = people[7];
  // The same session, on 20 connections (split between the servers on PostgreSQL).
  const conns = await connections(Array.from({ length: 20 }, (_, k) => [servers[k % servers.length], p.token]));
  const answers = await fire(conns, () => ['POST', '/api/v1/registrations', { activity_id: act.id }]);
  no5xx(answers, '20 sign-ups of one person');
  assert.deepEqual(tally(answers.map(outcome)), { '201 registered': 1, '409 already_registered': 19 },
    JSON.stringify(answers.filter((a) => a.status !== 409).map((a) => a.text)));
  const won = answers.find((a) => a.status === 201).json;
  for (const a of answers.filter((x) => x.status === 409)) assert.match(a.json.detail, new RegExp(`registration ${won.id}\\b`), a.text);
  const list = await checkList(act, { registered: 1, waiting: 0, cancelled: 0 });
  assert.deepEqual(list.map((r) => [r.id, r.member_id]), [[won.id, p.member_id]]);
});

// ---- 3: cancellations racing sign-ups on a full activity ----

test('a full activity: 20 cancellations and 20 new sign-ups at once keep every place taken and the waiting list in order', { timeout: 180000 }, async () => {
  const act = await makeActivity({ start: NIGHT + 2 * DAY + HOUR, capacity: 50, title: '退补名额' });
  // People 0..79 sign up at once: 50 in, 30 waiting.
  const first = await fire(await connections(people.slice(0, 80).map((p) => [p.srv, p.token])),
    () => ['POST', '/api/v1/registrations', { activity_id: act.id }]);
  no5xx(first, '80 sign-ups');
  assert.deepEqual(tally(first.map(outcome)), { '201 registered': 50, '201 waiting': 30 });
  const before = await checkList(act, { registered: 50, waiting: 30, cancelled: 0 });
  const owner = new Map(people.map((p) => [p.member_id, p]));
  const held = before.filter((r) => r.status === 'registered');
  const queue = before.filter((r) => r.status === 'waiting');

  // Every other registered place is given up (half by the person, half by the organiser
  // on the other server), while people 80..99 sign up.
  const leaving = held.filter((_, k) => k % 2 === 0).slice(0, 20);
  assert.equal(leaving.length, 20);
  const newcomers = people.slice(80, 100);
  const pairs = [
    ...leaving.map((r, k) => {
      const p = owner.get(r.member_id);
      const s = k % 2 ? servers[(servers.indexOf(p.srv) + 1) % servers.length] : p.srv;
      return [s, k % 2 ? organiser[servers.indexOf(s)] : p.token];
    }),
    ...newcomers.map((p) => [p.srv, p.token]),
  ];
  const answers = await fire(await connections(pairs), (i) => (i < 20
    ? ['POST', `/api/v1/registrations/${leaving[i].id}/cancel`, { version: leaving[i].version, reason: '临时有事' }]
    : ['POST', '/api/v1/registrations', { activity_id: act.id }]));
  no5xx(answers, 'cancellations and sign-ups');
  const cancels = answers.slice(0, 20);
  const signups = answers.slice(20);
  assert.deepEqual(tally(cancels.map(outcome)), { '200 cancelled': 20 }, JSON.stringify(cancels.filter((a) => a.status !== 200).map((a) => a.text)));
  // The activity was full whenever a newcomer came: each freed place went to the first
  // waiting in the same transaction, and the waiting list (30) outlasts the 20 freed.
  assert.deepEqual(tally(signups.map(outcome)), { '201 waiting': 20 }, JSON.stringify(signups.map((a) => outcome(a))));

  const after = await checkList(act, { registered: 50, waiting: 30, cancelled: 20 });
  const status = new Map(after.map((r) => [r.id, r.status]));
  for (const r of leaving) assert.equal(status.get(r.id), 'cancelled');
  const promoted = queue.slice(0, 20);
  for (const r of promoted) assert.equal(status.get(r.id), 'registered', `the 20 first waiting moved up: sign-up ${r.id}`);
  const stillWaiting = after.filter((r) => r.status === 'waiting');
  assert.deepEqual(stillWaiting.map((r) => r.id),
    [...queue.slice(20).map((r) => r.id), ...signups.map((a) => a.json.id).sort((x, y) => x - y)],
    'the ten left of the old list first, then the newcomers in the order of their sign-ups');
  assert.deepEqual(after.filter((r) => r.status === 'registered').map((r) => r.id).sort((x, y) => x - y),
    [...held.filter((r) => !leaving.includes(r)), ...promoted].map((r) => r.id).sort((x, y) => x - y));

  // Then 40 of the 50 places are given up at once: the 30 waiting move up and the list
  // runs out, leaving 40 registered.
  const current = after.filter((r) => r.status === 'registered').slice(0, 40);
  const more = await fire(await connections(current.map((r) => { const p = owner.get(r.member_id); return [p.srv, p.token]; })),
    (i) => ['POST', `/api/v1/registrations/${current[i].id}/cancel`, { version: current[i].version }]);
  no5xx(more, '40 cancellations');
  assert.deepEqual(tally(more.map(outcome)), { '200 cancelled': 40 }, JSON.stringify(more.filter((a) => a.status !== 200).map((a) => a.text)));
  const last = await checkList(act, { registered: 40, waiting: 0, cancelled: 60 });
  assert.deepEqual(last.filter((r) => r.status === 'registered').map((r) => r.id).sort((x, y) => x - y),
    [...after.filter((r) => r.status === 'registered').slice(40), ...stillWaiting].map((r) => r.id).sort((x, y) => x - y));
});

// ---- 4 and 5: check-ins ----

let storm = null; // { act, byPerson: Map(member_id → check-in), base } for test 5

test('a check-in storm: 100 people, each checked in three times at once by scan and at the desk, count 100', { timeout: 180000 }, async () => {
  const act = await makeActivity({ start: NIGHT + 2 * HOUR, capacity: 150, title: '签到风暴' });
  const crowd = people.slice(100, 200);
  // People 100..149 signed up; 150..199 walk in.
  const signed = await fire(await connections(crowd.slice(0, 50).map((p) => [p.srv, p.token])),
    () => ['POST', '/api/v1/registrations', { activity_id: act.id }]);
  assert.deepEqual(tally(signed.map(outcome)), { '201 registered': 50 });
  const regOf = new Map(signed.map((a) => [a.json.member_id, a.json.id]));
  const org3 = await orgAttendance(3);
  const org1 = await orgAttendance(1);
  const code = await servers[0].request('GET', `/api/v1/activities/${act.id}/checkin-code`);
  assert.equal(code.status, 200, code.text);
  assert.match(code.headers.get('cache-control'), /no-store/);

  // Each person's three requests: scan ×3, desk ×2 + scan, desk ×3, scan ×2 + desk, by quarter.
  const plans = [['scan', 'scan', 'scan'], ['desk', 'desk', 'scan'], ['desk', 'desk', 'desk'], ['scan', 'scan', 'desk']];
  const sends = crowd.flatMap((p, k) => plans[Math.floor(k / 25)].map((how, j) => ({ p, how, j })));
  const pairs = sends.map(({ p, how, j }) => {
    if (how === 'scan') return [p.srv, p.token];
    const s = servers[(j + p.i) % servers.length];
    return [s, organiser[servers.indexOf(s)]];
  });
  const conns = await connections(pairs);
  const t0 = Date.now();
  const answers = await fire(conns, (i) => ['POST', '/api/v1/checkins', sends[i].how === 'scan'
    ? { activity_id: act.id, code: code.json.code }
    : { activity_id: act.id, member_id: sends[i].p.member_id }]);
  const took = Date.now() - t0;
  no5xx(answers, '300 check-ins');
  assert.deepEqual(tally(answers.map((a) => a.status)), { 201: 100, 200: 200 },
    JSON.stringify(answers.filter((a) => a.status !== 200 && a.status !== 201).slice(0, 5).map((a) => a.text)));
  const byPerson = new Map();
  crowd.forEach((p, k) => {
    const mine = answers.slice(3 * k, 3 * k + 3);
    assert.deepEqual(mine.map((a) => a.status).sort(), [200, 200, 201], `${p.username}: ${mine.map((a) => a.text).join(' | ')}`);
    const ids = new Set(mine.map((a) => a.json.id));
    assert.equal(ids.size, 1, `${p.username}'s three answers name one check-in: ${[...ids]}`);
    const made = mine.find((a) => a.status === 201).json;
    assert.equal(made.member_id, p.member_id);
    assert.equal(made.activity_id, act.id);
    assert.equal(made.registration_id, regOf.get(p.member_id) ?? null, `${p.username}: the check-in names the sign-up, if any`);
    const methods = new Set(plans[Math.floor(k / 25)]);
    if (k >= 50) assert.equal(made.method, 'walk_in');
    else assert.ok(methods.has(made.method), `${p.username}: method ${made.method} is one of those sent`);
    byPerson.set(p.member_id, made);
  });

  // Read back: 100 live check-ins, one per person, those answered.
  const list = await checkins(act.id);
  assert.equal(list.length, 100);
  assert.deepEqual(list.map((k) => k.id).sort((x, y) => x - y), [...byPerson.values()].map((k) => k.id).sort((x, y) => x - y));
  assert.equal(new Set(list.map((k) => k.member_id)).size, 100);
  for (const k of list) assert.equal(k.undone_at, null);
  const at = await attendance(act.id);
  assert.equal(at.checked_in, 100, JSON.stringify(at));
  assert.deepEqual([at.registered, at.waiting, at.members, at.guests, at.walk_ins, at.no_shows], [50, 0, 100, 0, 50, 0], JSON.stringify(at));
  assert.equal(at.scanned + at.at_desk + at.walk_ins, 100, JSON.stringify(at));
  assert.ok(at.scanned >= 25 && at.at_desk >= 0, JSON.stringify(at));
  assert.equal((await activity(act.id)).checked_in, 100);
  // The committee and the organisations above it count each person once, 100 times in all.
  for (const [org, base] of [[3, org3], [1, org1]]) {
    const now = await orgAttendance(org);
    assert.equal(now.person_times - base.person_times, 100, `org ${org}: ${JSON.stringify(base)} → ${JSON.stringify(now)}`);
    assert.equal(now.people - base.people, 100, `org ${org}: ${JSON.stringify(base)} → ${JSON.stringify(now)}`);
    assert.equal(now.members - base.members, 100, `org ${org}: ${JSON.stringify(base)} → ${JSON.stringify(now)}`);
  }
  storm = { act, byPerson, crowd };
  console.log(`300 check-ins of 100 people answered in ${took} ms`);
});

test('10 clients undo the same check-in at once: one 200, nine 409; the counts drop by exactly one', { timeout: 120000 }, async (t) => {
  if (!storm) return t.skip('needs the check-in storm');
  const { act, byPerson, crowd } = storm;
  // Person A attended another activity of committee 3 this year as well (so the
  // committee counts A twice); person B only the storm's.
  const [a, b] = [crowd[0], crowd[60]];
  const other = await makeActivity({ room: 3, start: NIGHT + 2 * HOUR, minutes: 60, capacity: 10, title: '另一场' });
  const k = await servers[0].request('POST', '/api/v1/checkins', { activity_id: other.id, member_id: a.member_id });
  assert.equal(k.status, 201, k.text);
  const base = { act: await attendance(act.id), org3: await orgAttendance(3), org1: await orgAttendance(1) };

  // Ten organiser clients on each check-in, all twenty at once, split between the servers.
  const targets = [...Array(10).fill(byPerson.get(a.member_id)), ...Array(10).fill(byPerson.get(b.member_id))];
  const conns = await connections(targets.map((_, i) => [servers[i % servers.length], organiser[i % servers.length]]));
  const answers = await fire(conns, (i) => ['POST', `/api/v1/checkins/${targets[i].id}/undo`]);
  no5xx(answers, '20 undos');
  for (const x of answers.filter((y) => y.status === 200)) assert.notEqual(x.json.undone_at, null, x.text);
  // Everything observed, then compared at once with what must be: each check-in undone
  // once; each undo takes one time off its person, so A (twice this year) is still one
  // of the people and B is no longer.
  const at = await attendance(act.id);
  const delta = async (org, was) => {
    const now = await orgAttendance(org);
    return { person_times: now.person_times - was.person_times, people: now.people - was.people, members: now.members - was.members };
  };
  const observed = {
    [`undo A's check-in ${targets[0].id} ×10`]: tally(answers.slice(0, 10).map(outcome)),
    [`undo B's check-in ${targets[10].id} ×10`]: tally(answers.slice(10).map(outcome)),
    'activity checked_in change': at.checked_in - base.act.checked_in,
    'org 3 attendance change': await delta(3, base.org3),
    'org 1 attendance change': await delta(1, base.org1),
  };
  assert.deepEqual(observed, {
    [`undo A's check-in ${targets[0].id} ×10`]: { 200: 1, '409 status': 9 },
    [`undo B's check-in ${targets[10].id} ×10`]: { 200: 1, '409 status': 9 },
    'activity checked_in change': -2,
    'org 3 attendance change': { person_times: -2, people: -1, members: -1 },
    'org 1 attendance change': { person_times: -2, people: -1, members: -1 },
  }, `undoing A's (${a.username}, who also attended activity ${other.id}) and B's (${b.username}) check-ins of activity ${act.id}, ` +
    `ten organiser clients each, at once: ${JSON.stringify(observed)}`);
  const mine = await servers[0].request('GET', `/api/v1/members/${a.member_id}/attendance?year=${YEAR}`);
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual(mine.json.items.map((x) => x.activity_id), [other.id], mine.text);

  // Undone, A checks in again (three times at once): a new check-in, counted once more.
  const again = await fire(await connections([0, 1, 2].map((j) => [servers[j % servers.length], organiser[j % servers.length]])),
    () => ['POST', '/api/v1/checkins', { activity_id: act.id, member_id: a.member_id }]);
  no5xx(again, 'checking in again');
  assert.deepEqual(again.map((x) => x.status).sort(), [200, 200, 201], again.map((x) => x.text).join(' | '));
  assert.equal(new Set(again.map((x) => x.json.id)).size, 1);
  assert.notEqual(again[0].json.id, byPerson.get(a.member_id).id, 'a new check-in, not the undone one');
  assert.equal((await attendance(act.id)).checked_in, base.act.checked_in - 1);
  const org3 = await orgAttendance(3);
  assert.deepEqual([org3.person_times - base.org3.person_times, org3.people - base.org3.people], [-1, -1]);
});
