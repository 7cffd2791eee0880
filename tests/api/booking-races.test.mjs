// Room booking under concurrency: 64 clients (each on a connection of its own) racing for
// one slot, for overlapping slots, and for their organisations' quotas; the same across two
// servers on one PostgreSQL database; a room moved to another station while a booking of
// it is in flight; and a seeded property-based run of random booking operations whose
// every outcome is checked against a model of the rules (src/domain/booking*.c,
// calendar.c) and whose every state keeps the invariants. Every server must stop cleanly
// with no sanitizer report in its stderr.
//
// Replay a property run with LOUYU_PROP_SEED=<seed> (printed by every run);
// LOUYU_PROP_OPS=<n> changes its number of operations (default 1500).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { PG, psql, startServer, freshDb, signIn, assertStopsCleanly, connection } from './lib.mjs';

const MIN = 60 * 1000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
const LOCAL = 8 * HOUR; // the server answers in +08:00
const MONTH = 30 * DAY; // the rolling window of the hours quota
const STATUSES = ['waiting', 'offered', 'pending', 'confirmed', 'rejected', 'cancelled', 'released', 'declined', 'expired'];
const ACTIVE = new Set(['offered', 'pending', 'confirmed']);
const OPEN = new Set(['waiting', 'offered', 'pending', 'confirmed']);
// The moves a booking may make (the sweep's included, though none is due in these tests).
const NEXT = {
  waiting: ['offered', 'cancelled', 'expired'],
  offered: ['confirmed', 'pending', 'declined', 'cancelled', 'expired'],
  pending: ['confirmed', 'rejected', 'cancelled'],
  confirmed: ['cancelled', 'released'],
};
// Where a booking may be after any number of moves.
const REACHABLE = Object.fromEntries(STATUSES.map((s) => {
  const seen = new Set([s]);
  const queue = [s];
  while (queue.length) for (const n of NEXT[queue.pop()] || []) if (!seen.has(n)) { seen.add(n); queue.push(n); }
  return [s, seen];
}));

// ---- time ----

const pad = (n) => String(n).padStart(2, '0');
// RFC 3339 in the given offset (minutes east of UTC).
function fmt(ms, offsetMin = 480) {
  const d = new Date(ms + offsetMin * MIN);
  const sign = offsetMin < 0 ? '-' : '+';
  const off = Math.abs(offsetMin);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:` +
    `${pad(d.getUTCMinutes())}:00${sign}${pad(Math.floor(off / 60))}:${pad(off % 60)}`;
}
// The local (+08:00) midnight that starts the day of ms.
const localMidnight = (ms) => Math.floor((ms + LOCAL) / DAY) * DAY - LOCAL;
// A local midnight at least a day from now: slots from there on are never in the past.
const anchor = (days) => localMidnight(Date.now()) + days * DAY;
const hhmm = (ms) => fmt(ms).slice(5, 16);

// ---- a seeded PRNG (mulberry32) ----

function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)); // lo..hi inclusive
  const pick = (arr) => arr[Math.floor(next() * arr.length)];
  return { next, int, pick, chance: (p) => next() < p };
}

// ---- HTTP: one client = one keep-alive connection of its own ----


// Opens n connections spread over the servers, each signed in by its server's admin token,
// and waits until every one has answered once, so that what follows starts together.
async function connections(servers, n) {
  const conns = Array.from({ length: n }, (_, i) => connection(servers[i % servers.length].url, servers[i % servers.length].token));
  const warm = await Promise.all(conns.map((c) => c.request('GET', '/api/v1/session')));
  assert.deepEqual([...new Set(warm.map((r) => r.status))], [200]);
  return conns;
}

// ---- servers ----

// Stops the server, asserting a clean exit and no sanitizer report in its stderr.
async function finish(srv) {
  if (!srv) return;
  await assertStopsCleanly(srv);
  const { stderr } = srv.logs();
  assert.doesNotMatch(stderr, /AddressSanitizer|LeakSanitizer|runtime error|UndefinedBehavior/, stderr);
}

// Stops every server (even when one fails), then drops the shared database.
async function finishAll(servers, fresh) {
  const errors = [];
  for (const srv of servers) {
    try { await finish(srv); } catch (e) { errors.push(e); }
  }
  if (fresh) fresh.cleanup();
  if (errors.length) throw errors[0];
}

const RULES = { max_open_bookings: 6, vip_max_open_bookings: 9, max_hours_per_month: 10, vip_max_hours_per_month: 14 };

const ROUND_THE_CLOCK = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '00:00', close: '24:00' }));

// Clears station 1's calendar of the demo's bookings and closures: a test starts from
// free rooms.
async function clearCalendar(srv) {
  // An activity's booking goes with the activity: cancel the demo's activities first.
  const acts = (await srv.request('GET', '/api/v1/activities?station_id=1&limit=500')).json.items;
  for (const a of acts.filter((x) => x.status === 'draft' || x.status === 'published')) {
    const r = await srv.request('POST', `/api/v1/activities/${a.id}/cancel`, { version: a.version, reason: '测试清场' });
    assert.equal(r.status, 200, r.text);
  }
  for (let round = 0; round < 10; round++) {
    const open = (await allBookings(srv)).filter((b) => OPEN.has(b.status));
    if (!open.length) break;
    for (const b of open) {
      const r = await srv.request('POST', `/api/v1/bookings/${b.id}/cancel`, { version: b.version, reason: '测试清场' });
      assert.ok(r.status === 200 || r.status === 409, r.text); // 409: an offer moved it on meanwhile
    }
  }
  assert.deepEqual((await allBookings(srv)).filter((b) => OPEN.has(b.status)).map((b) => b.id), []);
  for (const c of (await srv.request('GET', '/api/v1/closures?station_id=1&limit=500')).json.items) {
    const r = await srv.request('DELETE', `/api/v1/closures/${c.id}`);
    assert.equal(r.status, 204, r.text);
  }
}

// Clears station 1's calendar and sets its opening hours (round the clock by default) and
// booking rules (a full set: absent keys take the defaults); resolves with the station.
async function openStation(srv, rules = {}, hours = ROUND_THE_CLOCK) {
  await clearCalendar(srv);
  const st = (await srv.request('GET', '/api/v1/stations/1')).json;
  const r = await srv.request('PATCH', '/api/v1/stations/1', { version: st.version, opening_hours: hours, booking_rules: rules });
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// Every booking of the station (or other filter), following the cursor.
async function allBookings(srv, filter = 'station_id=1') {
  const items = [];
  let cursor = null;
  do {
    const r = await srv.request('GET', `/api/v1/bookings?${filter}&limit=500${cursor ? `&cursor=${cursor}` : ''}`);
    assert.equal(r.status, 200, r.text);
    items.push(...r.json.items);
    cursor = r.json.next;
  } while (cursor);
  return items;
}

const overlaps = (a, b) => a.s < b.e && b.s < a.e;
const tally = (xs) => xs.reduce((m, x) => { m[x] = (m[x] || 0) + 1; return m; }, {});

// ---- 1 and 3: one slot, 64 clients ----

async function raceOneSlot(servers, { room = 1, day = 3 } = {}) {
  const s = anchor(day) + 10 * HOUR + 30 * MIN;
  const e = s + 90 * MIN;
  const conns = await connections(servers, 64);
  try {
    // The same instants, written in two offsets: they are the same slot.
    const answers = await Promise.all(conns.map((c, i) => c.request('POST', '/api/v1/bookings', {
      room_id: room, org_id: [3, 4, 5][i % 3], start: fmt(s, i % 2 ? 0 : 480), end: fmt(e, i % 2 ? 0 : 480),
      title: `抢占 ${i}`, attendance: 5,
    })));
    const ports = new Set(conns.flatMap((c) => [...c.ports]));
    // (more than 64 when a keep-alive connection was closed and opened again)
    assert.ok(ports.size >= 64, `every client had a connection of its own: ${ports.size}`);
    const codes = tally(answers.map((a) => a.status));
    assert.deepEqual(codes, { 201: 1, 409: 63 }, JSON.stringify(answers.filter((a) => a.status !== 409 && a.status !== 201).map((a) => a.text)));
    for (const a of answers.filter((x) => x.status === 409)) assert.equal(a.json.rule, 'overlap', a.text);
    const won = answers.find((a) => a.status === 201).json;
    assert.equal(won.status, 'confirmed');
    assert.equal(Date.parse(won.start), s);
    const held = (await allBookings(servers[0], `room_id=${room}`)).filter((b) => ACTIVE.has(b.status));
    assert.deepEqual(held.map((b) => b.id), [won.id]);
  } finally {
    conns.forEach((c) => c.close());
  }
}

for (const [what, args] of [['8 threads', ['--threads', '8']], ['the default 4 threads', []]]) {
  test(`64 clients book the same slot at once (${what}): one 201, 63 × 409 overlap`, async () => {
    let srv;
    try {
      srv = await startServer({ args });
      await openStation(srv);
      await raceOneSlot([srv]);
    } finally {
      await finish(srv);
    }
  });
}

// ---- 2: 64 overlapping but unequal intervals ----

async function raceOverlapping(servers, rnd, room) {
  const base = anchor(4) + 13 * HOUR; // a 3-hour window: 13:00-16:00 local
  const asked = Array.from({ length: 64 }, () => {
    const s = base + rnd.int(0, 150) * MIN;
    const e = Math.min(base + 3 * HOUR, s + rnd.int(10, 60) * MIN);
    return { s, e };
  });
  const conns = await connections(servers, 64);
  let answers;
  try {
    answers = await Promise.all(conns.map((c, i) => c.request('POST', '/api/v1/bookings', {
      room_id: room, org_id: 3, start: fmt(asked[i].s), end: fmt(asked[i].e), title: `交叠 ${i}`, attendance: 2,
    })));
  } finally {
    conns.forEach((c) => c.close());
  }
  const why = () => asked.map((a, i) => `${hhmm(a.s)}-${hhmm(a.e)} → ${answers[i].status} ${answers[i].json && answers[i].json.rule}`).join('\n');
  for (const a of answers) {
    assert.ok(a.status === 201 || a.status === 409, `${a.status} ${a.text}\n${why()}`);
    if (a.status === 409) assert.equal(a.json.rule, 'overlap', a.text);
  }
  const won = answers.filter((a) => a.status === 201).map((a) => a.json.id).sort((x, y) => x - y);
  assert.ok(won.length >= 1, why());
  const held = (await allBookings(servers[0], `room_id=${room}`)).filter((b) => ACTIVE.has(b.status))
    .map((b) => ({ id: b.id, s: Date.parse(b.start), e: Date.parse(b.end) }));
  assert.deepEqual(held.map((b) => b.id).sort((x, y) => x - y), won, 'the held bookings are those that got 201');
  for (let i = 0; i < held.length; i++)
    for (let j = i + 1; j < held.length; j++)
      assert.ok(!overlaps(held[i], held[j]), `bookings ${held[i].id} and ${held[j].id} overlap\n${why()}`);
  // Nothing was cancelled: each refused request meets a booking that holds its slot now.
  asked.forEach((a, i) => {
    if (answers[i].status === 409) assert.ok(held.some((h) => overlaps(h, a)), `${hhmm(a.s)}-${hhmm(a.e)} was refused, but is free\n${why()}`);
  });
  return won.length;
}

test('64 clients book overlapping, unequal intervals at once: no two held bookings overlap', async () => {
  const seed = Number(process.env.LOUYU_PROP_SEED) || Math.floor(Math.random() * 2 ** 31);
  console.log(`overlapping intervals: seed ${seed}`);
  let srv;
  try {
    srv = await startServer({ args: ['--threads', '8'] });
    await openStation(srv);
    const won = await raceOverlapping([srv], prng(seed), 2);
    console.log(`overlapping intervals: ${won} of 64 booked`);
  } finally {
    await finish(srv);
  }
});

// ---- 2b: quotas under a race ----

// 64 clients, two organisations, 64 different free slots at once: the quotas still hold
// exactly. Org 4 (max 6 open, 10 h a month) asks for 2-hour slots: its hours run out
// after 5. Org 5, a partner (max 9 open, 14 h), asks for 90-minute slots: its open
// bookings run out after 9.
async function raceQuotas(servers) {
  const base = anchor(7) + 6 * HOUR;
  const conns = await connections(servers, 64);
  let answers;
  try {
    answers = await Promise.all(conns.map((c, i) => {
      const org = i % 2 ? 5 : 4;
      const s = base + i * 150 * MIN; // 2.5 h apart: never overlapping
      return c.request('POST', '/api/v1/bookings', {
        room_id: 3, org_id: org, start: fmt(s), end: fmt(s + (org === 4 ? 120 : 90) * MIN), title: `配额 ${i}`, attendance: 4,
      });
    }));
  } finally {
    conns.forEach((c) => c.close());
  }
  const outcome = (org) => tally(answers.filter((_, i) => (i % 2 ? 5 : 4) === org).map((a) => `${a.status} ${a.status === 201 ? a.json.status : a.json && a.json.rule}`));
  assert.deepEqual(outcome(4), { '201 confirmed': 5, '422 quota_hours': 27 });
  assert.deepEqual(outcome(5), { '201 confirmed': 9, '422 quota_open': 23 });
  const held = (await allBookings(servers[0], 'room_id=3')).filter((b) => ACTIVE.has(b.status));
  assert.deepEqual(tally(held.map((b) => b.org_id)), { 4: 5, 5: 9 });
}

test('64 clients of two organisations book free slots at once: the quotas hold exactly', async () => {
  let srv;
  try {
    srv = await startServer({ args: ['--threads', '8'] });
    await openStation(srv, RULES);
    await raceQuotas([srv]);
  } finally {
    await finish(srv);
  }
});

// ---- 3: two servers, one PostgreSQL database ----

test('two servers on one PostgreSQL database: 64 clients split across both, one winner', { skip: PG ? false : 'PostgreSQL only (LOUYU_TEST_PG unset)' }, async () => {
  const fresh = freshDb();
  let a;
  let b;
  try {
    a = await startServer({ db: fresh.db, args: ['--threads', '8'] });
    b = await startServer({ db: fresh.db, args: ['--threads', '8'] });
    await openStation(a);
    await raceOneSlot([a, b], { room: 3, day: 5 });
    const seed = Number(process.env.LOUYU_PROP_SEED) || Math.floor(Math.random() * 2 ** 31);
    console.log(`two servers, overlapping intervals: seed ${seed}`);
    await raceOverlapping([a, b], prng(seed), 1);
    await openStation(a, RULES); // the races' bookings cancelled: the quotas start from nothing
    await raceQuotas([a, b]);
  } finally {
    await finishAll([a, b], fresh);
  }
});

// ---- 3b: a room that changes station while it is being booked ----

// A psql session of its own that holds a row lock until released.
function holdRowLock(db, sql) {
  const p = spawn('psql', [db, '-qAtX', '-v', 'ON_ERROR_STOP=1'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  const locked = new Promise((resolve, reject) => {
    p.stdout.on('data', (d) => { out += d; if (out.trim()) resolve(); });
    p.stderr.on('data', (d) => reject(new Error(`psql: ${d}`)));
  });
  const exited = new Promise((resolve) => p.on('exit', resolve));
  p.stdin.write(`BEGIN; ${sql};\n`);
  return { locked, release: () => { p.stdin.end('COMMIT;\n'); return exited; } };
}

const settledFlag = (promise) => {
  const box = { done: false };
  box.value = promise.finally(() => { box.done = true; });
  return box;
};

test('a room moved to another station while a booking of it is in flight: still one booking per slot', { skip: PG ? false : 'PostgreSQL only (LOUYU_TEST_PG unset)' }, async () => {
  // Booking writes lock the room's station (SELECT ... FROM stations FOR UPDATE), read
  // before the lock. Were a room's station_id changeable, a booking that read station 1
  // and one that read station 2 would take different locks, and neither would see the
  // other's uncommitted row (this test found it so). A room now stays in its station: the
  // move is refused (400) and both bookings lock station 1. The interleaving is forced,
  // not hoped for: a psql session
  // holds organisation 4's row, so that booking X (org 4) stops in its INSERT's foreign-key
  // check, after its overlap check and with station 1 locked.
  const fresh = freshDb();
  const name = fresh.db.slice(fresh.db.lastIndexOf('/') + 1);
  const waiting = () => Number(psql(`SELECT count(*) FROM pg_stat_activity WHERE datname = '${name}' AND wait_event_type = 'Lock'`));
  // Bounded by the clock, not by a number of tries: on a loaded machine each psql call of
  // waiting() is slow. A failure says who was waiting for what, to read the interleaving.
  const until = async (what, fn) => {
    for (const deadline = Date.now() + 60000; Date.now() < deadline;) {
      if (await fn()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    const who = psql(`SELECT pid, state, wait_event_type, wait_event, left(query, 80) FROM pg_stat_activity WHERE datname = '${name}'`);
    throw new Error(`gave up waiting: ${what}; sessions:\n${who}`);
  };
  let srv;
  let lock;
  try {
    srv = await startServer({ db: fresh.db, args: ['--threads', '8'] });
    await openStation(srv);
    const st2 = (await srv.request('GET', '/api/v1/stations/2')).json;
    assert.equal((await srv.request('PATCH', '/api/v1/stations/2', { version: st2.version, opening_hours: ROUND_THE_CLOCK })).status, 200);
    const s = anchor(6) + 10 * HOUR;
    const slot = { room_id: 1, start: fmt(s), end: fmt(s + HOUR), attendance: 3 };

    lock = holdRowLock(fresh.db, 'SELECT id FROM orgs WHERE id = 4 FOR UPDATE');
    await lock.locked;
    const x = settledFlag(srv.request('POST', '/api/v1/bookings', { ...slot, org_id: 4, title: '先到' }));
    await until('booking X waits for the row lock', () => x.done || waiting() >= 1);
    // The room moves to station 2 (a server that locked the room with its bookings would
    // make this wait for X: also fine).
    // Each on a connection of its own, opened now: libmicrohttpd serves a connection on
    // one worker thread, and a kept-alive connection of the thread that X holds would not
    // be read until X is answered, which waits for this test (a new connection is
    // accepted by a thread that is free).
    const own = [];
    const onNew = (method, path, body) => {
      const c = connection(srv.url, srv.token);
      own.push(c);
      return c.request(method, path, body);
    };
    const room = (await onNew('GET', '/api/v1/rooms/1')).json;
    const move = settledFlag(onNew('PATCH', '/api/v1/rooms/1', { version: room.version, station_id: 2 }));
    await until('the move is done or waits', () => move.done || waiting() >= 2);
    const y = settledFlag(onNew('POST', '/api/v1/bookings', { ...slot, org_id: 3, title: '后到' }));
    // Y waits for X's lock on station 1 (and for the move, were it still waiting).
    await until('booking Y is answered or waits', () => y.done || waiting() >= (move.done ? 2 : 3));
    await lock.release();
    lock = null;
    const [rx, rmove, ry] = [await x.value, await move.value, await y.value];
    own.forEach((c) => c.close());
    assert.equal(rmove.status, 400, `a room stays in its station: ${rmove.text}`);
    const held = (await allBookings(srv, 'room_id=1')).filter((b) => ACTIVE.has(b.status));
    const codes = [rx.status, ry.status].sort();
    assert.deepEqual(codes, [201, 409],
      `booking X (org 4, station 1's lock) → ${rx.status}, booking Y (org 3, after the room moved to station 2) → ${ry.status}; ` +
      `active bookings of room 1: ${held.map((b) => `#${b.id} ${b.start}-${b.end} station ${b.station_id} ${b.status}`).join('; ')}`);
    assert.equal(held.length, 1);
  } finally {
    if (lock) await lock.release();
    await finishAll([srv], fresh);
  }
});

// ---- 4: property-based ----

const HOUSE = 3; // station 1's own organisation: no quotas
const VIP = 5; // a co-building partner
const ORGS = [3, 4, 5];
const ROOMS = [1, 2];
const CAPACITY = { 1: 60, 2: 6 };
// Round the clock but Sundays only 08:00-20:00, so that some bookings run into closed
// time. Spans that meet are one opening: a booking may run across midnight into Monday.
const PROP_HOURS = [1, 2, 3, 4, 5, 6].map((day) => ({ day, open: '00:00', close: '24:00' }))
  .concat([{ day: 7, open: '08:00', close: '20:00' }]);
const QUARTER = 15 * MIN; // every time of the run lies on this grid, every span edge too
const minutes = (hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
function isOpen(t) {
  const days = Math.floor((t + LOCAL) / DAY);
  const weekday = (((days % 7) + 7 + 3) % 7) + 1; // 1970-01-01 was a Thursday
  const minute = (t + LOCAL - days * DAY) / MIN;
  return PROP_HOURS.some((sp) => sp.day === weekday && minutes(sp.open) <= minute && minute < minutes(sp.close));
}
const covered = (s, e) => { for (let t = s; t < e; t += QUARTER) if (!isOpen(t)) return false; return true; };

const norm = (b) => ({
  id: b.id, room_id: b.room_id, org_id: b.org_id, station_id: b.station_id, s: Date.parse(b.start), e: Date.parse(b.end),
  status: b.status, version: b.version, offer_expires_at: b.offer_expires_at ? Date.parse(b.offer_expires_at) : null,
  series_id: b.series_id,
});
const show = (b) => `#${b.id} r${b.room_id} o${b.org_id} ${hhmm(b.s)}-${hhmm(b.e)} ${b.status} v${b.version}`;

// The most time the bookings hold in any rolling 30-day window: its sum changes only
// where a window edge meets a booking edge.
function worstMonth(held) {
  let worst = 0;
  for (const w of held.flatMap((b) => [b.s, b.e - MONTH])) {
    let sum = 0;
    for (const b of held) sum += Math.max(0, Math.min(b.e, w + MONTH) - Math.max(b.s, w));
    worst = Math.max(worst, sum);
  }
  return worst;
}
const limits = (org) => (org === VIP
  ? { open: RULES.vip_max_open_bookings, hours: RULES.vip_max_hours_per_month }
  : { open: RULES.max_open_bookings, hours: RULES.max_hours_per_month });

// What the quotas say of org holding [s, e) besides its other active bookings: null or a rule.
function quotaRule(state, org, s, e, except) {
  if (org === HOUSE) return null;
  const now = Date.now();
  const held = [...state.values()].filter((b) => b.org_id === org && ACTIVE.has(b.status) && b.id !== except);
  if (held.filter((b) => b.e > now).length + 1 > limits(org).open) return 'quota_open';
  if (worstMonth([...held, { s, e }]) > limits(org).hours * HOUR) return 'quota_hours';
  return null;
}
const clash = (state, room, s, e, except = 0) =>
  [...state.values()].find((b) => b.room_id === room && ACTIVE.has(b.status) && b.id !== except && b.s < e && s < b.e);

// The broken invariants of a state of the station, as sentences.
function violations(state) {
  const bad = [];
  const now = Date.now();
  for (const b of state.values()) {
    if (!STATUSES.includes(b.status)) bad.push(`${show(b)}: no such status`);
    if (b.station_id !== 1 || ![1, 2, 3].includes(b.room_id)) bad.push(`${show(b)}: not in station 1's rooms`);
    if (!(b.s < b.e) || b.s % MIN || b.e % MIN || b.e - b.s > 480 * MIN) bad.push(`${show(b)}: bad interval`);
    if (b.status === 'waiting' && b.offer_expires_at !== null) bad.push(`${show(b)}: waiting with an offer expiry`);
    if (b.status === 'offered' && (b.offer_expires_at === null || b.offer_expires_at > b.s)) bad.push(`${show(b)}: offered without an expiry before its start`);
  }
  for (const room of [1, 2, 3]) {
    const held = [...state.values()].filter((b) => b.room_id === room && ACTIVE.has(b.status)).sort((x, y) => x.s - y.s);
    for (let i = 1; i < held.length; i++)
      if (held[i].s < held[i - 1].e) bad.push(`room ${room}: ${show(held[i - 1])} and ${show(held[i])} overlap`);
  }
  for (const org of ORGS.filter((o) => o !== HOUSE)) {
    const held = [...state.values()].filter((b) => b.org_id === org && ACTIVE.has(b.status));
    const open = held.filter((b) => b.e > now).length;
    if (open > limits(org).open) bad.push(`org ${org} holds ${open} open bookings, quota ${limits(org).open}`);
    const worst = worstMonth(held);
    if (worst > limits(org).hours * HOUR) bad.push(`org ${org} holds ${worst / HOUR} h in 30 days, quota ${limits(org).hours}`);
  }
  return bad;
}

// What may have changed between two states: bookings stay, their room, organisation and
// times never change, their status moves only forward, and a move bumps the version.
function badMoves(before, after) {
  const bad = [];
  for (const [id, b] of before) {
    const a = after.get(id);
    if (!a) { bad.push(`${show(b)} disappeared`); continue; }
    if (a.room_id !== b.room_id || a.org_id !== b.org_id || a.s !== b.s || a.e !== b.e) bad.push(`${show(b)} became ${show(a)}`);
    if (!REACHABLE[b.status].has(a.status)) bad.push(`${show(b)} moved to ${a.status}`);
    if (a.version < b.version || (a.status !== b.status && a.version === b.version)) bad.push(`${show(b)}: version ${a.version} after the move`);
  }
  return bad;
}

// Touching intervals joined, in order.
function merge(xs) {
  const out = [];
  for (const x of [...xs].sort((a, b) => a.s - b.s)) {
    const last = out[out.length - 1];
    if (last && x.s <= last.e) last.e = Math.max(last.e, x.e);
    else out.push({ s: x.s, e: x.e });
  }
  return out;
}

test('property: random booking operations keep every invariant and meet the model', async () => {
  const seed = Number(process.env.LOUYU_PROP_SEED) || Math.floor(Math.random() * 2 ** 31);
  const OPS = Number(process.env.LOUYU_PROP_OPS) || 1500;
  console.log(`property run: seed ${seed} (replay with LOUYU_PROP_SEED=${seed}), ${OPS} operations` +
    `${PG ? ', on two servers sharing one PostgreSQL database' : ''}`);
  const rnd = prng(seed);
  // Slots lie in the 10 days from a local Monday midnight a day or more ahead (so that a
  // seed replays the same on any day), and a few 20-50 days ahead, so that the rolling
  // month of the hours quota does not hold all of them.
  let T0 = anchor(1);
  while (new Date(T0 + LOCAL).getUTCDay() !== 1) T0 += DAY;
  const counts = {};
  const count = (k) => { counts[k] = (counts[k] || 0) + 1; };
  const history = [];
  const fresh = freshDb();
  const servers = [];
  try {
    // On PostgreSQL two servers share the database, and the operations alternate between them.
    servers.push(await startServer({ db: fresh.db }));
    if (PG) servers.push(await startServer({ db: fresh.db }));
    const srv = servers[0];
    let station = await openStation(srv, { ...RULES, approval: 'none' }, PROP_HOURS);
    let approval = 'none';
    // Who acts: the admin and the station's manager run the station; zhongke is branch
    // secretary of org 4; a new user is branch secretary of the partner org 5.
    const user = await srv.request('POST', '/api/v1/users', { username: 'partner5', password: 'partner-pass-5' });
    assert.equal(user.status, 201, user.text);
    const grant = await srv.request('POST', '/api/v1/grants', { user_id: user.json.id, role: 'branch_secretary', org_id: 5 });
    assert.equal(grant.status, 201, grant.text);
    const tokens = {
      admin: srv.token,
      xita_station: (await signIn(srv.url, 'xita_station')).token,
      zhongke: (await signIn(srv.url, 'zhongke')).token,
      partner5: (await signIn(srv.url, 'partner5', 'partner-pass-5')).token,
    };
    const MANAGERS = new Set(['admin', 'xita_station']);
    const ownUser = { 3: 'xita_station', 4: 'zhongke', 5: 'partner5' };
    let turn = 0;
    const next = () => servers[turn++ % servers.length];
    const call = (who, method, path, body) => next().request(method, path, body, { authorization: `Bearer ${tokens[who]}` });

    const fetchState = async () => new Map((await allBookings(next())).map((b) => [b.id, norm(b)]));
    let state = await fetchState(); // the demo's bookings, all cancelled by openStation()
    const clone = (m) => new Map([...m].map(([id, b]) => [id, { ...b }]));
    const context = () => `seed ${seed}; the last operations:\n${history.slice(-12).join('\n')}`;
    const check = (cond, msg) => assert.ok(cond, `${msg}\n${context()}`);
    const ofStatus = (pred) => [...state.values()].filter(pred);
    const asks = (org) => approval === 'all' || (approval === 'outsiders' && org === VIP);

    // The waiting list after [s, e) of a room came free (calendar_offer_freed): the oldest
    // waiting bookings that meet it, whose slot is free and whose organisation is within
    // its quotas, are offered, one after the other.
    const offerFreed = (m, room, s, e) => {
      const now = Date.now();
      const waiters = [...m.values()].filter((b) => b.room_id === room && b.status === 'waiting' && b.s < e && s < b.e && b.s > now)
        .sort((x, y) => x.id - y.id);
      for (const w of waiters) {
        if (clash(m, w.room_id, w.s, w.e, w.id) || quotaRule(m, w.org_id, w.s, w.e, w.id)) continue;
        w.status = 'offered';
        count('offer made');
      }
    };
    // What the rules say of one booking asked for in state m, in the order the server
    // checks them: opening hours, capacity, the room's calendar, the quotas.
    const verdict = (m, { room, org, s, e, attendance, wait, who }) => {
      if (!covered(s, e)) return { status: 422, rule: 'opening_hours' };
      if (attendance > CAPACITY[room]) return { status: 422, rule: 'capacity' };
      if (clash(m, room, s, e)) return wait ? { status: 201, as: 'waiting' } : { status: 409, rule: 'overlap' };
      const q = quotaRule(m, org, s, e, 0);
      if (q) return { status: 422, rule: q };
      return { status: 201, as: asks(org) && !MANAGERS.has(who) ? 'pending' : 'confirmed' };
    };

    // Random operations. Each is { label, run() → the response, expect(response) → the
    // model's next state, or fails the test }; null when there is nothing to do it on.
    const book = () => {
      const org = rnd.pick([3, 3, 4, 4, 5, 5, 3]);
      const who = rnd.chance(0.35) ? 'admin' : ownUser[org];
      const room = rnd.pick(ROOMS);
      let s = T0 + (rnd.chance(0.15) ? rnd.int(20 * 48, 50 * 48 - 1) : rnd.int(0, 10 * 48 - 1)) * 30 * MIN;
      const len = (30 + rnd.int(0, 14) * 15) * MIN;
      const near = ofStatus((b) => b.room_id === room && OPEN.has(b.status));
      if (near.length && rnd.chance(0.35)) { // aim at a booking's time: its start, or inside it
        const b = rnd.pick(near);
        s = rnd.chance(0.5) ? b.s : b.s + Math.floor(rnd.int(0, Math.max(0, (b.e - b.s) / MIN - 1)) / 30) * 30 * MIN;
      }
      const e = s + len;
      const wait = rnd.chance(0.25);
      const attendance = rnd.chance(0.03) ? rnd.int(7, 12) : rnd.int(1, 6);
      const n = rnd.chance(0.12) ? rnd.int(2, 4) : 0; // a daily series of n
      const mode = n ? rnd.pick(['skip', 'fail', undefined]) : undefined;
      const body = { room_id: room, org_id: org, start: fmt(s, rnd.chance(0.2) ? 0 : 480), end: fmt(e), title: `随机 ${history.length}`, attendance };
      if (wait) body.wait = true;
      if (n) body.recurrence = { rrule: `FREQ=DAILY;COUNT=${n}`, ...(mode ? { on_conflict: mode } : {}) };
      return {
        label: `${who} books r${room} o${org} ${hhmm(s)}-${hhmm(e)} (${len / MIN} min, ${attendance} people` +
          `${wait ? ', wait' : ''}${n ? `, daily ×${n} ${mode || ''}` : ''})`,
        series: n > 0,
        run: () => call(who, 'POST', '/api/v1/bookings', body),
        expect: (res) => {
          // Each occurrence in turn, against the state with the occurrences made before it.
          const work = clone(state);
          const made = [];
          const skipped = [];
          let want = null;
          for (let k = 0; k < Math.max(n, 1) && !want; k++) {
            const occ = { room, org, s: s + k * DAY, e: e + k * DAY, attendance, wait, who };
            const v = verdict(work, occ);
            if (v.status === 201) {
              made.push({ ...occ, as: v.as });
              work.set(-1 - k, { id: -1 - k, room_id: room, org_id: org, s: occ.s, e: occ.e, status: v.as });
            } else if (mode === 'skip' && n > 1) skipped.push({ ...occ, rule: v.rule });
            else want = v;
          }
          if (!want && !made.length) want = { status: 409, rule: skipped[0].rule };
          const items = !n ? [res.json] : (res.json && res.json.items) || [];
          const got = res.status === 201 ? items.map((b) => b.status).join('+') + (n ? ` (${res.json.skipped.length} skipped)` : '') : res.json && res.json.rule;
          count(`${n ? 'series' : 'book'} → ${res.status} ${n && res.status === 201 ? '' : got}`.trim());
          if (want) {
            check(res.status === want.status && res.json.rule === want.rule, `expected ${want.status} ${want.rule}, got ${res.status} ${res.text}`);
            return state;
          }
          const expected = made.map((m) => m.as).join('+') + (n ? ` (${skipped.length} skipped)` : '');
          check(res.status === 201 && got === expected, `expected 201 ${expected}, got ${res.status} ${res.text}`);
          const next = clone(state);
          items.forEach((b, k) => {
            check(b.station_id === 1 && b.room_id === room && b.org_id === org && Date.parse(b.start) === made[k].s &&
              Date.parse(b.end) === made[k].e && b.series_id === (n ? res.json.series_id : null), `the booking as stored: ${JSON.stringify(b)}`);
            next.set(b.id, norm(b));
          });
          if (n) {
            check(JSON.stringify(res.json.skipped.map((x) => [Date.parse(x.start), x.rule])) === JSON.stringify(skipped.map((x) => [x.s, x.rule])),
              `expected skipped ${JSON.stringify(skipped.map((x) => [hhmm(x.s), x.rule]))}, got ${JSON.stringify(res.json.skipped)}`);
          }
          return next;
        },
      };
    };
    const cancel = () => {
      const open = ofStatus((b) => OPEN.has(b.status));
      if (!open.length) return null;
      const b = rnd.pick(open);
      const who = rnd.chance(0.5) ? 'admin' : ownUser[b.org_id];
      const following = b.series_id !== null && rnd.chance(0.5);
      const body = { version: b.version, reason: '随机取消' };
      if (following) body.scope = 'following';
      else if (rnd.chance(0.3)) body.scope = 'one';
      return {
        label: `${who} cancels ${show(b)}${following ? ` and the rest of series ${b.series_id}` : ''}`,
        run: () => call(who, 'POST', `/api/v1/bookings/${b.id}/cancel`, body),
        expect: (res) => {
          count(`cancel${following ? ' following' : ''} ${b.status} → ${res.status}`);
          const next = clone(state);
          const ids = following
            ? ofStatus((x) => x.series_id === b.series_id && x.s >= b.s && OPEN.has(x.status)).sort((x, y) => x.s - y.s).map((x) => x.id)
            : [b.id];
          check(res.status === 200 && JSON.stringify(res.json.items.map((x) => [x.id, x.status])) === JSON.stringify(ids.map((id) => [id, 'cancelled'])),
            `expected 200 cancelling ${ids.join(', ')}, got ${res.status} ${res.text}`);
          for (const id of ids) {
            const x = next.get(id);
            const held = ACTIVE.has(x.status);
            x.status = 'cancelled';
            if (held) offerFreed(next, x.room_id, x.s, x.e);
          }
          return next;
        },
      };
    };
    const decide = () => {
      const pending = ofStatus((b) => b.status === 'pending');
      if (!pending.length) return null;
      const b = rnd.pick(pending);
      const yes = rnd.chance(0.6);
      const who = rnd.pick(['admin', 'xita_station']);
      return {
        label: `${who} ${yes ? 'approves' : 'rejects'} ${show(b)}`,
        run: () => call(who, 'POST', `/api/v1/bookings/${b.id}/${yes ? 'approve' : 'reject'}`, yes ? { version: b.version } : { version: b.version, reason: '随机驳回' }),
        expect: (res) => {
          count(`${yes ? 'approve' : 'reject'} → ${res.status}`);
          const want = yes ? 'confirmed' : 'rejected';
          check(res.status === 200 && res.json.id === b.id && res.json.status === want, `expected 200 ${want}, got ${res.status} ${res.text}`);
          const next = clone(state);
          next.get(b.id).status = want;
          if (!yes) offerFreed(next, b.room_id, b.s, b.e);
          return next;
        },
      };
    };
    const answer = () => {
      const offered = ofStatus((b) => b.status === 'offered');
      if (!offered.length) return null;
      const b = rnd.pick(offered);
      const yes = rnd.chance(0.6);
      const who = rnd.chance(0.3) ? 'admin' : ownUser[b.org_id];
      return {
        label: `${who} ${yes ? 'accepts' : 'declines'} ${show(b)}`,
        run: () => call(who, 'POST', `/api/v1/bookings/${b.id}/${yes ? 'accept' : 'decline'}`, { version: b.version }),
        expect: (res) => {
          const want = !yes ? 'declined' : asks(b.org_id) && !MANAGERS.has(who) ? 'pending' : 'confirmed';
          count(`${yes ? 'accept' : 'decline'} → ${res.status} ${res.json && res.json.status}`);
          check(res.status === 200 && res.json.id === b.id && res.json.status === want, `expected 200 ${want}, got ${res.status} ${res.text}`);
          const next = clone(state);
          next.get(b.id).status = want;
          if (!yes) offerFreed(next, b.room_id, b.s, b.e);
          return next;
        },
      };
    };
    // A verb with a version that is no longer the booking's: 409, nothing changes.
    const stale = () => {
      const old = ofStatus((b) => OPEN.has(b.status) && b.version > 1);
      if (!old.length) return null;
      const b = rnd.pick(old);
      return {
        label: `admin cancels ${show(b)} with the stale version ${b.version - 1}`,
        run: () => call('admin', 'POST', `/api/v1/bookings/${b.id}/cancel`, { version: b.version - 1 }),
        expect: (res) => {
          count(`stale version → ${res.status}`);
          check(res.status === 409, `expected 409, got ${res.status} ${res.text}`);
          return state;
        },
      };
    };
    // A verb the booking's status does not allow: 409 rule "status", nothing changes.
    const wrongStatus = () => {
      const b = rnd.pick([...state.values()]);
      if (!b) return null;
      const verbs = [];
      if (!OPEN.has(b.status)) verbs.push('cancel');
      if (b.status !== 'pending') verbs.push('approve');
      if (b.status !== 'offered') verbs.push('accept', 'decline');
      const verb = rnd.pick(verbs);
      return {
        label: `admin tries to ${verb} ${show(b)}`,
        run: () => call('admin', 'POST', `/api/v1/bookings/${b.id}/${verb}`, { version: b.version }),
        expect: (res) => {
          count(`${verb} a booking ${b.status} → ${res.status} ${res.json && res.json.rule}`);
          check(res.status === 409 && res.json.rule === 'status', `expected 409 status, got ${res.status} ${res.text}`);
          return state;
        },
      };
    };
    const generate = () => {
      const r = rnd.next();
      if (r < 0.46) return book();
      if (r < 0.64) return cancel();
      if (r < 0.76) return decide();
      if (r < 0.88) return answer();
      if (r < 0.93) return stale();
      if (r < 0.96) return wrongStatus();
      return book();
    };

    // A burst: twelve operations sent at once (over separate connections, alternating
    // between the servers). Their outcomes depend on the order the server takes them in,
    // so only what holds in any order is checked.
    const burst = async () => {
      const ops = [];
      for (let k = 0; k < 12; k++) ops.push(rnd.chance(0.6) ? book() : rnd.pick([cancel, decide, answer])() || book());
      const answers = await Promise.all(ops.map((op) => op.run()));
      const made = new Map();
      answers.forEach((res, k) => {
        count(`burst → ${res.status}${res.json && res.json.rule ? ` ${res.json.rule}` : ''}`);
        check([200, 201, 409, 422].includes(res.status), `burst: ${ops[k].label} → ${res.status} ${res.text}`);
        if (res.status === 409 && res.json.rule === undefined) check(/changed by someone else/.test(res.json.detail), res.text);
        if (res.status === 201) for (const b of ops[k].series ? res.json.items : [res.json]) made.set(b.id, b.status);
      });
      history.push(`burst: ${ops.map((op, k) => `${op.label} → ${answers[k].status}`).join('; ')}`);
      return made;
    };

    // The station's availability is its opening hours less the bookings that hold their
    // slot: waiting ones hold none.
    const availability = async () => {
      const lo = T0;
      const hi = T0 + 12 * DAY;
      const r = await next().request('GET', `/api/v1/stations/1/availability?from=${fmt(T0).slice(0, 10)}&days=12&duration_min=15`);
      check(r.status === 200, `availability: ${r.status} ${r.text}`);
      for (const room of ROOMS) {
        const free = merge(r.json.rooms.find((x) => x.room_id === room).free.map((f) => ({ s: Date.parse(f.start), e: Date.parse(f.end) })));
        const held = ofStatus((b) => b.room_id === room && ACTIVE.has(b.status) && b.s < hi && b.e > lo);
        const quarters = [];
        for (let t = lo; t < hi; t += QUARTER)
          if (isOpen(t) && !held.some((b) => b.s <= t && t < b.e)) quarters.push({ s: t, e: t + QUARTER });
        const want = merge(quarters);
        const text = (xs) => xs.map((x) => `${hhmm(x.s)}-${hhmm(x.e)}`).join(' ');
        check(text(free) === text(want), `room ${room} free:\n server ${text(free)}\n model  ${text(want)}`);
      }
      count('availability checked');
    };

    const approvals = ['outsiders', 'all', 'none'];
    for (let i = 0; i < OPS; i++) {
      if (i > 0 && i % 100 === 0) {
        // A new phase: approval by the station for outsiders, for everyone, or for nobody.
        approval = approvals[(i / 100 - 1) % 3];
        const r = await srv.request('PATCH', '/api/v1/stations/1', { version: station.version, booking_rules: { ...RULES, approval } });
        assert.equal(r.status, 200, r.text);
        station = r.json;
        history.push(`#${i} approval → ${approval}`);
        await availability();
      }
      if (rnd.chance(0.02)) {
        const made = await burst();
        const after = await fetchState();
        const moves = badMoves(state, after);
        check(moves.length === 0, `after a burst: ${moves.join('; ')}`);
        for (const [id, status] of made) check(after.has(id) && REACHABLE[status].has(after.get(id).status), `burst: booking ${id} made ${status} is ${after.has(id) ? show(after.get(id)) : 'missing'}`);
        for (const id of after.keys()) check(state.has(id) || made.has(id), `booking ${id} came from nowhere`);
        state = after;
      } else {
        const op = generate() || book();
        const res = await op.run();
        history.push(`#${i} ${op.label} → ${res.status} ${res.json && (res.json.rule || res.json.status || '')}`);
        check(res.status < 500, `${res.status} ${res.text}`);
        const predicted = op.expect(res);
        const after = await fetchState();
        const moves = badMoves(state, after);
        check(moves.length === 0, moves.join('; '));
        // The model's next state is the server's, booking for booking.
        const diff = [];
        for (const id of new Set([...predicted.keys(), ...after.keys()])) {
          const p = predicted.get(id);
          const a = after.get(id);
          if (!p || !a || p.status !== a.status) diff.push(`#${id}: model ${p ? p.status : 'none'}, server ${a ? show(a) : 'none'}`);
          else if (a.status === state.get(id)?.status && a.version !== state.get(id).version) diff.push(`#${id}: version moved without a change`);
        }
        check(diff.length === 0, `the state after the operation differs from the model's: ${diff.join('; ')}`);
        state = after;
      }
      const bad = violations(state);
      check(bad.length === 0, `broken invariants: ${bad.join('; ')}`);
    }
    await availability();
    const final = tally([...state.values()].map((b) => b.status));
    console.log(`property run: seed ${seed}: ${state.size} bookings, final statuses ${JSON.stringify(final)}`);
    console.log(`property run: outcomes ${JSON.stringify(Object.fromEntries(Object.entries(counts).sort()), null, 1)}`);
    // The run exercised what it is about (a full-length run always does).
    if (OPS >= 1000) for (const k of ['book → 201 confirmed', 'book → 201 waiting', 'book → 201 pending', 'book → 409 overlap', 'offer made', 'series → 201'])
      assert.ok(counts[k] > 0, `seed ${seed}: no "${k}" in the run`);
    if (OPS >= 1000) assert.ok(Object.keys(counts).some((k) => /^book → 422 quota_/.test(k)), `seed ${seed}: no quota refusal in the run`);
  } finally {
    await finishAll(servers, fresh);
  }
});
