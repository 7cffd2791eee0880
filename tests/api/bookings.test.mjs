// Room booking, black-box: making a booking against every rule (each refusal names its
// rule and writes nothing), closures, approval, series by RRULE, the waiting list and
// its offers, check-in and the release of no-shows, free time and slots, iCalendar
// feeds, changing a booking, and who sees which bookings.
//
// The demo (src/domain/demo.c): station 1 西塔党群服务站 belongs to org 3 (西塔楼宇党委)
// and has rooms 1 (capacity 60), 2 (6) and 3 (30); station 2 富力盈凯 belongs to org 6
// (富力物业党委) and has rooms 4 (20), 5 (40) and 6 (16), with the demo opening hours
// (Mon-Fri 09:00-21:30, Sat 09:30-17:30, closed on Sunday). Org 4 (中科科创) is a branch
// under org 3, org 5 a co-building partner (managed "partner": VIP), orgs 7-13 branches
// under org 6. Users: admin, xita (committee_admin@3), fuli (committee_admin@6),
// xita_station (station_manager@station 1), zhongke (branch_secretary@4), member.
//
// Dates are computed from now, in Guangzhou time (+08:00), never from a fixed weekday:
// the tests book Tuesdays more than two weeks ahead, one week per test, after opening
// station 1 every day from 08:00 to 22:00. The checks that need the clock moved
// (release of no-shows, lapsed offers) run `louyu bookings sweep` or a second server
// with LOUYU_CLOCK_OFFSET; those that move it by days run on a database of their own.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signIn, assertStopsCleanly, louyu } from './lib.mjs';
import { MIN, HOUR, DAY, RFC3339_CN, localDate, addDays, weekday, nextWeekday, at, ms } from './dates.mjs';
import { events, assertCalendar } from './ical.mjs';

// ---- days and times, in Guangzhou time ----

// The local date and time of an instant the server wrote.
const localOf = (t) => new Date(ms(t) + 8 * HOUR).toISOString().slice(0, 16).replace('T', ' ');
// '20270112T020000Z', as an iCalendar feed writes an instant.
const icalUtc = (t) => new Date(ms(t)).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');

// Each test books its own Tuesday: week(k) is the k-th Tuesday after the first one that
// is at least 15 days ahead, clear of any calendar a demo database may hold for the
// coming two weeks.
const TUESDAY = nextWeekday(2, 15);
const week = (k) => addDays(TUESDAY, 7 * k);

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '08:00', close: '22:00' }));
// Settings with room for every test: quotas no test reaches unless it means to. Absent
// keys take their defaults (horizon 365 days, 540 for partners, 480 minutes at most,
// grace 15 minutes, offers 120 minutes, approval "none").
const ROOMY = {
  max_hours_per_month: 744, vip_max_hours_per_month: 744,
  max_open_bookings: 1000, vip_max_open_bookings: 1000,
};

// ---- the server ----

let srv;
const tokens = {};
// The admin's session on servers other than the shared one, when signed in again.
const otherTokens = new Map();
before(async () => {
  srv = await startServer();
  tokens.admin = srv.token;
  for (const u of ['xita', 'xita_station', 'zhongke', 'fuli', 'member']) tokens[u] = (await signIn(srv.url, u)).token;
  await setStation(1, { opening_hours: EVERY_DAY, booking_rules: ROOMY });
});
after(() => assertStopsCleanly(srv));

// Sends as a demo user (null: nobody) to the given server; on another server than the
// shared one, only as that server's own session (the admin).
function send(user, method, path, body, server = srv) {
  if (server !== srv) {
    assert.ok(user === 'admin' || user === null, `no session of ${user} on that server`);
    const token = otherTokens.get(server) || server.token;
    return server.request(method, path, body, { authorization: user ? `Bearer ${token}` : '' });
  }
  return server.request(method, path, body, { authorization: user ? `Bearer ${tokens[user]}` : '' });
}

async function setStation(id, patch, server = srv, user = 'admin') {
  const cur = await send(user, 'GET', `/api/v1/stations/${id}`, undefined, server);
  assert.equal(cur.status, 200, cur.text);
  const r = await send(user, 'PATCH', `/api/v1/stations/${id}`, { version: cur.json.version, ...patch }, server);
  assert.equal(r.status, 200, r.text);
  return r.json;
}
const setRules = (rules, server = srv) => setStation(1, { booking_rules: { ...ROOMY, ...rules } }, server);

let serial = 0;
// A booking's body: room 3 for org 4 unless told.
function booking(start, end, extra = {}) {
  return { room_id: 3, org_id: 4, start, end, title: `测试预约${++serial}`, attendance: 5, ...extra };
}

// Books and expects 201; returns the booking (or the series answer).
async function book(user, body, server = srv) {
  const r = await send(user, 'POST', '/api/v1/bookings', body, server);
  assert.equal(r.status, 201, `booking ${JSON.stringify(body)}: ${r.text}`);
  return r.json;
}

async function get(id, server = srv) {
  const r = await send('admin', 'GET', `/api/v1/bookings/${id}`, undefined, server);
  assert.equal(r.status, 200, r.text);
  return r.json;
}

// Every booking a user can list, page by page.
async function listAll(user, query = '', server = srv) {
  const items = [];
  let cursor = null;
  for (let pages = 0; pages < 100; pages++) {
    const r = await send(user, 'GET', `/api/v1/bookings?limit=100${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, undefined, server);
    assert.equal(r.status, 200, r.text);
    items.push(...r.json.items);
    if (r.json.next === null) return items;
    cursor = r.json.next;
  }
  throw new Error('pagination never ended');
}
const countBookings = async (server = srv) => (await listAll('admin', '', server)).length;

function assertProblem(r, status, rule, what = '') {
  assert.equal(r.status, status, `${what}: ${r.text}`);
  assert.match(r.headers.get('content-type') || '', /^application\/problem\+json/, what);
  assert.equal(r.json.status, status, what);
  if (rule !== undefined) assert.equal(r.json.rule, rule, `${what}: rule in ${r.text}`);
}

// Sends a booking that must be refused with 'status' and 'rule', and writes nothing.
async function refused(user, body, status, rule, what) {
  const before = await countBookings();
  const r = await send(user, 'POST', '/api/v1/bookings', body);
  assertProblem(r, status, rule, what);
  assert.equal(await countBookings(), before, `${what}: a refused booking was written`);
  return r;
}

// A verb on a booking, with its current version unless given.
async function verb(user, id, name, body = {}, server = srv) {
  const version = body.version ?? (await get(id, server)).version;
  return send(user, 'POST', `/api/v1/bookings/${id}/${name}`, { ...body, version }, server);
}

async function cancel(user, id, body = {}) {
  const r = await verb(user, id, 'cancel', body);
  assert.equal(r.status, 200, r.text);
  return r.json.items;
}

// Runs `louyu bookings sweep` on a database with the clock moved by 'offset' seconds.
function sweep(db, offset) {
  const r = louyu(['bookings', 'sweep', '--db', db], { env: { ...process.env, LOUYU_CLOCK_OFFSET: String(offset) } });
  assert.equal(r.status, 0, `sweep: ${r.stderr}`);
  return r;
}

// Starts a second server on a database with the clock moved by 'offset' seconds.
function movedServer(db, offset, args = []) {
  const saved = process.env.LOUYU_CLOCK_OFFSET;
  process.env.LOUYU_CLOCK_OFFSET = String(offset);
  try {
    return startServer({ db, args }); // spawns at once, with this environment
  } finally {
    if (saved === undefined) delete process.env.LOUYU_CLOCK_OFFSET;
    else process.env.LOUYU_CLOCK_OFFSET = saved;
  }
}
// Seconds from now until the instant t (plus 'plus' seconds).
const secondsUntil = (t, plus = 0) => Math.ceil((ms(t) - Date.now()) / 1000) + plus;

// ---- making a booking ----

test('a booking is confirmed, stored as sent and listed', async () => {
  const d = week(0);
  const before = await countBookings();
  const body = booking(at(d, '10:00'), at(d, '11:00'), {
    purpose: '支部党员大会', contact_name: '李明', contact_phone: '+86 139-0000-0000', attendance: 12,
  });
  const r = await send('zhongke', 'POST', '/api/v1/bookings', body);
  assert.equal(r.status, 201, r.text);
  const b = r.json;
  assert.equal(r.headers.get('location'), `/api/v1/bookings/${b.id}`);
  assert.equal(b.status, 'confirmed');
  assert.equal(b.station_id, 1);
  assert.equal(b.version, 1);
  assert.equal(b.series_id, null);
  assert.equal(b.flag, null);
  assert.equal(b.checked_in_at, null);
  assert.equal(b.offer_expires_at, null);
  assert.equal(b.reason, null);
  for (const k of ['room_id', 'org_id', 'start', 'end', 'title', 'purpose', 'attendance', 'contact_name', 'contact_phone'])
    assert.equal(b[k], body[k], k);
  assert.match(b.created_at, RFC3339_CN);
  assert.deepEqual(await get(b.id), b, 'what was made reads back the same');
  assert.equal(await countBookings(), before + 1);
  const listed = await listAll('zhongke', `&room_id=3&from=${encodeURIComponent(at(d, '00:00'))}&to=${encodeURIComponent(at(d, '23:59'))}`);
  assert.deepEqual(listed.map((x) => x.id), [b.id]);
});

test('who may book: a member, and a branch secretary for an organisation outside the subtree, may not', async () => {
  const d = week(0);
  await refused('member', booking(at(d, '14:00'), at(d, '15:00')), 403, undefined, 'a member');
  await refused('zhongke', booking(at(d, '14:00'), at(d, '15:00'), { org_id: 7 }), 403, undefined, 'zhongke for org 7');
  await refused(null, booking(at(d, '14:00'), at(d, '15:00')), 401, undefined, 'nobody');
  await refused('xita_station', booking(at(d, '14:00'), at(d, '15:00'), { room_id: 4, org_id: 7 }), 403, undefined, 'a station manager at another station');
  // A station manager books for anyone at the station, and a committee admin for a branch.
  await book('xita_station', booking(at(d, '14:00'), at(d, '15:00'), { org_id: 7 }));
  await book('xita', booking(at(d, '15:00'), at(d, '16:00')));
});

test('every rule refuses with its name and writes nothing', async () => {
  const d = week(2);
  const yesterday = localDate(-1);
  const cases = [
    ['order: end before start', booking(at(d, '11:00'), at(d, '10:00')), 422, 'order'],
    ['order: end equal to start', booking(at(d, '11:00'), at(d, '11:00')), 422, 'order'],
    ['whole_minutes: seconds in the start', booking(`${d}T10:00:30+08:00`, at(d, '11:00')), 422, 'whole_minutes'],
    ['whole_minutes: seconds in the end', booking(at(d, '10:00'), `${d}T11:00:01+08:00`), 422, 'whole_minutes'],
    ['past: yesterday', booking(at(yesterday, '10:00'), at(yesterday, '11:00')), 422, 'past'],
    ['length: 481 minutes', booking(at(d, '08:00'), at(d, '16:01')), 422, 'length'],
    ['horizon: 367 days ahead', booking(at(localDate(367), '10:00'), at(localDate(367), '11:00')), 422, 'horizon'],
    ['opening_hours: past closing', booking(at(d, '21:30'), at(d, '22:30')), 422, 'opening_hours'],
    ['opening_hours: before opening', booking(at(d, '07:30'), at(d, '08:30')), 422, 'opening_hours'],
    ['opening_hours: Sunday at station 2', booking(at(nextWeekday(7), '10:00'), at(nextWeekday(7), '11:00'), { room_id: 5, org_id: 6 }), 422, 'opening_hours'],
    ['opening_hours: Saturday past 17:30 at station 2', booking(at(nextWeekday(6), '17:00'), at(nextWeekday(6), '18:00'), { room_id: 5, org_id: 6 }), 422, 'opening_hours'],
    ['capacity: 7 in a room for 6', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 2, attendance: 7 }), 422, 'capacity'],
  ];
  for (const [what, body, status, rule] of cases) {
    const r = await refused('admin', body, status, rule, what);
    assert.equal(typeof r.json.detail, 'string', what);
  }
  // Just inside each rule: accepted.
  await book('admin', booking(at(d, '08:00'), at(d, '16:00'), { room_id: 1 })); // 480 minutes
  await book('admin', booking(at(d, '21:00'), at(d, '22:00'))); // up to closing
  await book('admin', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 2, attendance: 6 }));
  // (the afternoon: the demo's free haircut has room 5 on Saturday morning)
  await book('admin', booking(at(nextWeekday(6), '15:00'), at(nextWeekday(6), '16:00'), { room_id: 5, org_id: 6 }));
  await book('admin', booking(at(localDate(360), '10:00'), at(localDate(360), '11:00')));
});

// RFC 3339 allows a fraction of a second; a booking's start must still be on a whole
// minute, so 17:00:00.5 is refused (422 whole_minutes, or 400), not booked as 17:00:00.
test('whole_minutes: a start with a fraction of a second is refused, not silently cut off', async () => {
  const d = week(2);
  const before = await countBookings();
  const r = await send('admin', 'POST', '/api/v1/bookings', booking(`${d}T17:00:00.5+08:00`, at(d, '18:00')));
  assert.ok(r.status === 422 || r.status === 400, `a start of 17:00:00.5: ${r.status} ${r.text}`);
  if (r.status === 422) assert.equal(r.json.rule, 'whole_minutes');
  assert.equal(await countBookings(), before, 'a start with a fraction of a second was written');
});

test('horizon: a co-building partner (VIP) books further ahead, up to vip_horizon_days', async () => {
  const far = localDate(367), farther = localDate(542);
  const vip = await book('admin', booking(at(far, '12:00'), at(far, '13:00'), { org_id: 5, room_id: 2 }));
  assert.equal(vip.status, 'confirmed');
  const r = await refused('admin', booking(at(farther, '12:00'), at(farther, '13:00'), { org_id: 5, room_id: 2 }), 422, 'horizon', 'VIP past 540 days');
  assert.match(r.json.detail, /540/);
  // The VIP horizon follows the setting.
  await setRules({ vip_horizon_days: 600 });
  try {
    await book('admin', booking(at(farther, '12:00'), at(farther, '13:00'), { org_id: 5, room_id: 2 }));
    await refused('admin', booking(at(farther, '14:00'), at(farther, '15:00'), { org_id: 4 }), 422, 'horizon', 'non-VIP at 542 days');
  } finally {
    await setRules({});
  }
});

test('a room that is not lent out refuses with not_bookable; an unknown room is 422', async () => {
  const made = await send('admin', 'POST', '/api/v1/rooms', { station_id: 1, name: '档案室', kind: 'multi_purpose', capacity: 10, bookable: false });
  assert.equal(made.status, 201, made.text);
  const d = week(2);
  await refused('admin', booking(at(d, '12:00'), at(d, '13:00'), { room_id: made.json.id }), 422, 'not_bookable', 'not bookable');
  const r = await refused('admin', booking(at(d, '12:00'), at(d, '13:00'), { room_id: 99999 }), 422, undefined, 'no such room');
  assert.ok((r.json.errors || []).some((e) => e.pointer === '/room_id'), r.text);
  const noOrg = await refused('admin', booking(at(d, '12:00'), at(d, '13:00'), { org_id: 99999 }), 422, undefined, 'no such org');
  assert.ok((noOrg.json.errors || []).some((e) => e.pointer === '/org_id'), noOrg.text);
  await refused('admin', { ...booking(at(d, '12:00'), at(d, '13:00')), title: undefined }, 400, undefined, 'no title');
  await refused('admin', booking(at(d, '12:00'), at(d, '13:00'), { attendance: 0 }), 400, undefined, 'attendance 0');
  await refused('admin', booking(at(d, '12:00'), at(d, '13:00'), { status: 'confirmed' }), 400, undefined, 'status is read-only');
});

test('overlap: any meeting interval is 409 overlap, in any offset; touching intervals are fine', async () => {
  const d = week(1);
  const held = await book('admin', booking(at(d, '10:00'), at(d, '12:00'), { room_id: 1 }));
  const cases = [
    ['the same interval', at(d, '10:00'), at(d, '12:00')],
    ['overlapping the end', at(d, '11:00'), at(d, '13:00')],
    ['overlapping the start', at(d, '09:00'), at(d, '10:30')],
    ['inside', at(d, '10:30'), at(d, '11:00')],
    ['containing', at(d, '09:00'), at(d, '13:00')],
    ['one minute of it', at(d, '11:59'), at(d, '12:30')],
    ['the same instants in UTC', `${d}T02:00:00Z`, `${d}T04:00:00Z`],
    ['a meeting interval in +09:00', `${d}T12:30:00+09:00`, `${d}T13:30:00+09:00`],
  ];
  for (const [what, start, end] of cases) {
    const r = await refused('admin', booking(start, end, { room_id: 1 }), 409, 'overlap', what);
    assert.match(r.json.detail, new RegExp(`booking ${held.id}\\b`), `${what}: the detail names the booking`);
  }
  // [10,11) and [11,12) touch: both fine; and just before and after the held one.
  const a = await book('admin', booking(at(d, '14:00'), at(d, '15:00'), { room_id: 1 }));
  const b = await book('admin', booking(at(d, '15:00'), at(d, '16:00'), { room_id: 1 }));
  assert.equal(a.status, 'confirmed');
  assert.equal(b.status, 'confirmed');
  await book('admin', booking(at(d, '09:00'), at(d, '10:00'), { room_id: 1 }));
  await book('admin', booking(`${d}T04:00:00Z`, `${d}T05:00:00Z`, { room_id: 1 })); // 12:00-13:00 local
  // Another room at the same time is free.
  await book('admin', booking(at(d, '10:00'), at(d, '12:00'), { room_id: 3 }));
  // A cancelled booking holds nothing.
  await cancel('admin', held.id);
  const again = await book('admin', booking(at(d, '10:30'), at(d, '11:30'), { room_id: 1 }));
  assert.equal(again.status, 'confirmed');
});

test('quotas: open bookings and hours per 30 days, VIP limits, the station\'s own org exempt', async () => {
  // Orgs 9 and 10 book nowhere else in this file.
  await setRules({ max_open_bookings: 2, vip_max_open_bookings: 2, max_hours_per_month: 3, vip_max_hours_per_month: 3 });
  try {
    const [d1, d2, d3] = [week(20), week(21), week(22)];
    await book('admin', booking(at(d1, '10:00'), at(d1, '11:00'), { org_id: 9, room_id: 2 }));
    await book('admin', booking(at(d2, '10:00'), at(d2, '11:00'), { org_id: 9, room_id: 2 }));
    const open = await refused('admin', booking(at(d3, '10:00'), at(d3, '11:00'), { org_id: 9, room_id: 2 }), 422, 'quota_open', 'third open booking');
    assert.match(open.json.detail, /2/);
    // The station's own organisation is exempt from both.
    for (const [i, d] of [d1, d2, d3].entries())
      await book('admin', booking(at(d, '12:00'), at(d, '14:00'), { org_id: 3, room_id: 2, title: `本站${i}` }));
    await book('admin', booking(at(d1, '15:00'), at(d1, '19:00'), { org_id: 3, room_id: 2 }));
  } finally {
    await setRules({});
  }
  await setRules({ max_hours_per_month: 3, vip_max_hours_per_month: 3 });
  try {
    const [d1, d2] = [week(20), week(21)];
    await book('admin', booking(at(d1, '14:00'), at(d1, '16:00'), { org_id: 10, room_id: 3 }));
    await refused('admin', booking(at(d2, '14:00'), at(d2, '16:00'), { org_id: 10, room_id: 3 }), 422, 'quota_hours', '4 hours in 7 days');
    await refused('admin', booking(at(d1, '17:00'), at(d1, '18:01'), { org_id: 10, room_id: 3 }), 422, 'quota_hours', '3 hours and a minute');
    await book('admin', booking(at(d2, '14:00'), at(d2, '15:00'), { org_id: 10, room_id: 3 })); // 3 hours: at the limit
    // 35 days after the last: no 30-day window holds both.
    const later = addDays(d2, 35);
    await book('admin', booking(at(later, '14:00'), at(later, '16:00'), { org_id: 10, room_id: 3 }));
  } finally {
    await setRules({});
  }
});

test('concurrent requests for one slot: exactly one is booked, the others are 409 overlap', async () => {
  const d = week(24);
  const before = await countBookings();
  const answers = await Promise.all(Array.from({ length: 12 }, (_, i) =>
    send(i % 2 ? 'zhongke' : 'admin', 'POST', '/api/v1/bookings',
      booking(at(d, i % 3 ? '10:00' : '10:30'), at(d, i % 3 ? '11:00' : '11:30'), { room_id: 1 }))));
  const made = answers.filter((r) => r.status === 201);
  assert.equal(made.length, 1, answers.map((r) => `${r.status} ${r.json && r.json.rule}`).join(', '));
  for (const r of answers.filter((x) => x.status !== 201)) assertProblem(r, 409, 'overlap', 'a concurrent loser');
  assert.equal(await countBookings(), before + 1);
  const held = (await listAll('admin', `&room_id=1&from=${encodeURIComponent(at(d, '00:00'))}&to=${encodeURIComponent(at(d, '23:59'))}`));
  assert.deepEqual(held.map((b) => b.id), [made[0].json.id]);
});

// The free time merges opening-hours spans that meet (across midnight, or two spans of one
// day), and /slots offers slots across the seam; a slot the server offers must be bookable.
test('a slot offered across touching opening-hours spans can be booked', async () => {
  const hours = [];
  for (const day of [1, 2, 3, 4, 5, 6, 7])
    hours.push({ day, open: '00:00', close: '02:00' }, { day, open: '08:00', close: '12:00' }, { day, open: '12:00', close: '24:00' });
  const st = await send('admin', 'POST', '/api/v1/stations', { building_id: 1, name: '夜间测试站', area_m2: 50, org_id: 3, opening_hours: hours });
  assert.equal(st.status, 201, st.text);
  const room = await send('admin', 'POST', '/api/v1/rooms', { station_id: st.json.id, name: '通宵室', kind: 'meeting_room', capacity: 10 });
  assert.equal(room.status, 201, room.text);
  const d = week(1), next = addDays(d, 1);
  const av = await send(null, 'GET', `/api/v1/stations/${st.json.id}/availability?from=${d}&days=2&duration_min=15`);
  assert.equal(av.status, 200, av.text);
  assert.deepEqual(av.json.rooms[0].free.map((f) => [f.start, f.end]).slice(0, 2),
    [[at(d, '00:00'), at(d, '02:00')], [at(d, '08:00'), at(next, '02:00')]], 'one free interval over the seams');
  const failures = [];
  for (const [after, start, end] of [[at(d, '11:00'), at(d, '11:00'), at(d, '13:00')], [at(d, '23:00'), at(d, '23:00'), at(next, '01:00')]]) {
    const sl = await send(null, 'GET', `/api/v1/stations/${st.json.id}/slots?after=${encodeURIComponent(after)}&duration_min=120&count=1`);
    assert.equal(sl.status, 200, sl.text);
    assert.deepEqual(sl.json.items.map((s) => [s.start, s.end]), [[start, end]], 'the slot offered');
    const r = await send('admin', 'POST', '/api/v1/bookings', booking(start, end, { room_id: room.json.id, org_id: 3 }));
    if (r.status !== 201) failures.push(`booking the offered slot ${start} - ${end}: ${r.status} ${r.json && r.json.rule}`);
  }
  assert.deepEqual(failures, [], 'every slot /slots offers can be booked');
});

test('waiting list: a waiter whose organisation is over its quota is passed over', async () => {
  const d = week(23);
  // Orgs 11 and 12 book nowhere else in this file.
  await book('admin', booking(at(d, '14:00'), at(d, '15:00'), { room_id: 1, org_id: 11 }));
  const holder = await book('admin', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 1, org_id: 3 }));
  await setRules({ max_open_bookings: 1, vip_max_open_bookings: 1 });
  try {
    const over = await book('admin', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 1, org_id: 11, wait: true }));
    assert.equal(over.status, 'waiting', 'a waiting booking counts towards no quota');
    const next = await book('admin', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 1, org_id: 12, wait: true }));
    await cancel('admin', holder.id);
    assert.equal((await get(over.id)).status, 'waiting');
    assert.equal((await get(next.id)).status, 'offered');
  } finally {
    await setRules({});
  }
});

test('booking_rules: partial settings take the defaults, vip_ may not be below the others, unknown keys are 400', async () => {
  const cur = (await send('admin', 'GET', '/api/v1/stations/1')).json;
  for (const [what, rules] of [
    ['vip horizon below the horizon', { horizon_days: 600 }],
    ['vip hours below the hours', { max_hours_per_month: 50, vip_max_hours_per_month: 40 }],
    ['an unknown key', { foo: 1 }],
    ['an unknown approval', { approval: 'some' }],
    ['a grace out of range', { grace_minutes: -1 }],
    ['not an object', 'none'],
  ]) {
    const r = await send('admin', 'PATCH', '/api/v1/stations/1', { version: cur.version, booking_rules: rules });
    assertProblem(r, 400, undefined, what);
    assert.ok((r.json.errors || []).some((e) => e.pointer === '/booking_rules'), `${what}: ${r.text}`);
  }
  const after = (await send('admin', 'GET', '/api/v1/stations/1')).json;
  assert.deepEqual(after, cur, 'refused settings change nothing');
  assert.equal(cur.booking_rules.max_open_bookings, 1000);
  const set = await setStation(1, { booking_rules: { grace_minutes: 30 } });
  assert.deepEqual(set.booking_rules, {
    horizon_days: 365, vip_horizon_days: 540, max_hours_per_month: 20, vip_max_hours_per_month: 40,
    max_open_bookings: 20, vip_max_open_bookings: 40, max_booking_minutes: 480, grace_minutes: 30,
    offer_minutes: 120, release_no_shows: true, approval: 'none',
  }, 'absent keys take their defaults, not the stored values');
  // The station manager runs the station and its settings; a branch secretary does not.
  assertProblem(await send('zhongke', 'PATCH', '/api/v1/stations/1', { version: set.version, booking_rules: ROOMY }), 403, undefined, 'zhongke edits the settings');
  const byManager = await send('xita_station', 'PATCH', '/api/v1/stations/1', { version: set.version, booking_rules: ROOMY });
  assert.equal(byManager.status, 200, byManager.text);
  assert.equal(byManager.json.booking_rules.max_open_bookings, 1000);
});

// An offer lapses at offer_expires_at: accepting it later is refused even when no sweep
// has run yet (the server sweeps once a minute; here, once an hour).
test('waiting list: an offer cannot be accepted after offer_expires_at, swept or not', async () => {
  const t = await startServer();
  let moved = null;
  try {
    await setStation(1, { opening_hours: EVERY_DAY, booking_rules: { ...ROOMY, offer_minutes: 5 } }, t);
    const d = week(1);
    const mk = async (body) => {
      const r = await send('admin', 'POST', '/api/v1/bookings', body, t);
      assert.equal(r.status, 201, r.text);
      return r.json;
    };
    const holder = await mk(booking(at(d, '10:00'), at(d, '11:00'), { org_id: 3 }));
    const w = await mk(booking(at(d, '10:00'), at(d, '11:00'), { wait: true }));
    assert.equal((await send('admin', 'POST', `/api/v1/bookings/${holder.id}/cancel`, { version: holder.version }, t)).status, 200);
    const offered = await get(w.id, t);
    assert.equal(offered.status, 'offered');
    // A server whose clock is 5 seconds before the offer's end, sweeping at start only.
    moved = await movedServer(t.db, secondsUntil(offered.offer_expires_at, -5), ['--sweep-every', '3600']);
    assert.equal((await get(w.id, moved)).status, 'offered', 'not lapsed yet');
    await new Promise((resolve) => setTimeout(resolve, 7000));
    const late = await send('admin', 'POST', `/api/v1/bookings/${w.id}/accept`, { version: offered.version }, moved);
    assert.equal(late.status, 409, `accepting an offer past ${offered.offer_expires_at}: ${late.status} ${late.text}`);
    assert.notEqual((await get(w.id, moved)).status, 'confirmed');
  } finally {
    if (moved) await assertStopsCleanly(moved);
    await assertStopsCleanly(t);
  }
});

// ---- closures ----

test('closures: bookings already made for the closed time are flagged, not cancelled; others are left alone', async () => {
  const d = week(30);
  const inside = await book('admin', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 2, attendance: 2 }));
  const otherRoom = await book('admin', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 3, attendance: 2 }));
  const touching = await book('admin', booking(at(d, '12:00'), at(d, '13:00'), { room_id: 2, attendance: 2 }));
  const r = await send('xita_station', 'POST', '/api/v1/closures',
    { station_id: 1, room_id: 2, start: at(d, '09:00'), end: at(d, '12:00'), reason: '空调检修' });
  assert.equal(r.status, 201, r.text);
  const flagged = await get(inside.id);
  assert.equal(flagged.flag, `closure ${r.json.id}: 空调检修`);
  assert.equal(flagged.status, 'confirmed', 'the staff decide with the booker: nothing is cancelled');
  assert.equal(flagged.version, inside.version + 1);
  assert.equal((await get(otherRoom.id)).flag, null, 'a room\'s closure flags only that room');
  assert.equal((await get(touching.id)).flag, null, 'a booking from the closure\'s end on is not in it');
});

test('closures: refuse (409 closure), flag (201 with flag), a room\'s closure only that room; availability shows them', async () => {
  const d = week(3);
  const mk = async (user, body) => {
    const r = await send(user, 'POST', '/api/v1/closures', body);
    assert.equal(r.status, 201, r.text);
    return r.json;
  };
  for (const [what, body, status] of [
    ['a room of another station', { station_id: 1, room_id: 4, start: at(d, '08:00'), end: at(d, '09:00'), reason: '错站' }, 422],
    ['end before start', { station_id: 1, start: at(d, '09:00'), end: at(d, '08:00'), reason: '倒序' }, 422],
    ['an unknown effect', { station_id: 1, start: at(d, '08:00'), end: at(d, '09:00'), reason: '未知', effect: 'maybe' }, 400],
  ]) assertProblem(await send('admin', 'POST', '/api/v1/closures', body), status, undefined, what);
  assert.equal((await send('fuli', 'POST', '/api/v1/closures', { station_id: 1, start: at(d, '08:00'), end: at(d, '09:00'), reason: '别站' })).status, 403);
  const nope = await send('zhongke', 'POST', '/api/v1/closures', { station_id: 1, start: at(d, '08:00'), end: at(d, '12:00'), reason: '不行' });
  assert.equal(nope.status, 403, nope.text);
  const whole = await mk('xita_station', { station_id: 1, room_id: null, start: at(d, '08:00'), end: at(d, '12:00'), reason: '消防检查' });
  assert.equal(whole.effect, 'refuse', 'refuse is the default effect');
  const flag = await mk('admin', { station_id: 1, room_id: 3, start: at(d, '14:00'), end: at(d, '18:00'), reason: '装修噪音', effect: 'flag' });
  const room2 = await mk('admin', { station_id: 1, room_id: 2, start: at(d, '14:00'), end: at(d, '18:00'), reason: '设备维修', effect: 'refuse' });

  for (const room of [1, 2, 3]) {
    const r = await refused('admin', booking(at(d, '10:00'), at(d, '11:00'), { room_id: room, attendance: 2 }), 409, 'closure', `whole-station closure, room ${room}`);
    assert.match(r.json.detail, /消防检查/);
  }
  await refused('admin', booking(at(d, '11:30'), at(d, '12:30'), { room_id: 1 }), 409, 'closure', 'meeting the closure\'s end');
  await refused('admin', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 1, wait: true }), 409, 'closure', 'no waiting list for a closure');
  await refused('admin', booking(at(d, '15:00'), at(d, '16:00'), { room_id: 2, attendance: 2 }), 409, 'closure', 'room 2\'s closure');
  // Room 2's closure leaves room 1 alone; the flag lets room 3 through, flagged.
  const r1 = await book('admin', booking(at(d, '14:00'), at(d, '15:00'), { room_id: 1 }));
  assert.equal(r1.flag, null);
  const r3 = await book('admin', booking(at(d, '15:00'), at(d, '16:00'), { room_id: 3 }));
  assert.equal(r3.status, 'confirmed');
  assert.equal(r3.flag, `closure ${flag.id}: 装修噪音`);
  assert.equal((await get(r3.id)).flag, r3.flag);
  // Touching a closure is fine.
  await book('admin', booking(at(d, '12:00'), at(d, '13:00'), { room_id: 2, attendance: 2 }));

  const closures = await send(null, 'GET', `/api/v1/closures?station_id=1&from=${encodeURIComponent(at(d, '00:00'))}&to=${encodeURIComponent(at(d, '23:59'))}`);
  assert.equal(closures.status, 200, closures.text);
  assert.deepEqual(closures.json.items.map((c) => c.id).sort((a, b) => a - b), [whole.id, flag.id, room2.id]);

  const av = await send(null, 'GET', `/api/v1/stations/1/availability?from=${d}&days=1&duration_min=15`);
  assert.equal(av.status, 200, av.text);
  const free = Object.fromEntries(av.json.rooms.map((r) => [r.room_id, r.free.map((f) => [f.start, f.end])]));
  assert.deepEqual(free[1], [[at(d, '12:00'), at(d, '14:00')], [at(d, '15:00'), at(d, '22:00')]]);
  assert.deepEqual(free[2], [[at(d, '13:00'), at(d, '14:00')], [at(d, '18:00'), at(d, '22:00')]]);
  assert.deepEqual(free[3], [[at(d, '12:00'), at(d, '15:00')], [at(d, '16:00'), at(d, '22:00')]], 'a flag closure leaves the room free');

  // Deleting the closure frees the time.
  const del = await send('admin', 'DELETE', `/api/v1/closures/${room2.id}`);
  assert.ok(del.status === 204 || del.status === 200, del.text);
  await book('admin', booking(at(d, '15:00'), at(d, '16:00'), { room_id: 2, attendance: 2 }));
});

// ---- approval ----

test('approval "all": a branch secretary\'s booking waits for the station; managers decide', async () => {
  const d = week(4);
  await setRules({ approval: 'all' });
  try {
    const p = await book('zhongke', booking(at(d, '10:00'), at(d, '11:00')));
    assert.equal(p.status, 'pending');
    assert.equal((await get(p.id)).status, 'pending');
    // A pending booking holds its slot.
    await refused('admin', booking(at(d, '10:30'), at(d, '11:30')), 409, 'overlap', 'over a pending booking');
    // The feed shows it as tentative.
    const feed = await send(null, 'GET', '/api/v1/rooms/3/calendar.ics');
    const ev = events(feed.text).find((e) => e.UID === `booking-${p.id}@louyu`);
    assert.ok(ev, 'a pending booking is in the feed');
    assert.equal(ev.STATUS, 'TENTATIVE');

    // zhongke cannot approve; the station manager can.
    const self = await verb('zhongke', p.id, 'approve');
    assertProblem(self, 403, undefined, 'zhongke approves');
    assert.equal((await get(p.id)).status, 'pending');
    const ok = await verb('xita_station', p.id, 'approve');
    assert.equal(ok.status, 200, ok.text);
    assert.equal(ok.json.status, 'confirmed');
    assert.equal(ok.json.version, p.version + 1);
    assert.equal((await get(p.id)).status, 'confirmed');
    // Approving what is confirmed: 409 rule status.
    assertProblem(await verb('xita_station', p.id, 'approve'), 409, 'status', 'approve twice');
    assertProblem(await verb('xita_station', p.id, 'reject', { reason: '晚了' }), 409, 'status', 'reject a confirmed one');

    // Reject needs a reason, and frees the slot.
    const q = await book('zhongke', booking(at(d, '14:00'), at(d, '15:00')));
    assert.equal(q.status, 'pending');
    const waiter = await book('zhongke', booking(at(d, '14:30'), at(d, '15:00'), { wait: true }));
    assert.equal(waiter.status, 'waiting');
    const bare = await verb('xita_station', q.id, 'reject');
    assertProblem(bare, 400, undefined, 'reject without a reason');
    assert.ok((bare.json.errors || []).some((e) => e.pointer === '/reason'), bare.text);
    assert.equal((await get(q.id)).status, 'pending');
    const stale = await verb('xita_station', q.id, 'reject', { version: q.version + 5, reason: '时间冲突' });
    assertProblem(stale, 409, undefined, 'a stale version');
    const no = await verb('xita_station', q.id, 'reject', { reason: '时间冲突' });
    assert.equal(no.status, 200, no.text);
    assert.equal(no.json.status, 'rejected');
    assert.equal(no.json.reason, '时间冲突');
    assert.equal((await get(q.id)).status, 'rejected');
    // The freed slot is offered to the waiter; accepted by a non-manager, it is pending.
    assert.equal((await get(waiter.id)).status, 'offered');
    const acc = await verb('zhongke', waiter.id, 'accept');
    assert.equal(acc.status, 200, acc.text);
    assert.equal(acc.json.status, 'pending');
    await cancel('zhongke', waiter.id);

    // Those who manage the station are confirmed at once, even in the freed slot.
    const m = await book('xita_station', booking(at(d, '14:00'), at(d, '15:00')));
    assert.equal(m.status, 'confirmed');
    const c = await book('xita', booking(at(d, '16:00'), at(d, '17:00')));
    assert.equal(c.status, 'confirmed', 'a committee admin above the station\'s org manages it');
    const a = await book('admin', booking(at(d, '17:00'), at(d, '18:00')));
    assert.equal(a.status, 'confirmed');
    // zhongke (not a manager) cannot reject either.
    const r = await book('zhongke', booking(at(d, '19:00'), at(d, '20:00')));
    assertProblem(await verb('zhongke', r.id, 'reject', { reason: '我不想' }), 403, undefined, 'zhongke rejects');
    assertProblem(await verb('fuli', r.id, 'approve'), 404, undefined, 'fuli cannot see it');
  } finally {
    await setRules({});
  }
});

test('approval "outsiders": only organisations outside the station\'s subtree wait', async () => {
  const d = week(4);
  await setRules({ approval: 'outsiders' });
  try {
    const inside = await book('zhongke', booking(at(d, '08:00'), at(d, '09:00'), { room_id: 1 }));
    assert.equal(inside.status, 'confirmed', 'org 4 is under the station\'s org 3');
    const outside = await book('fuli', booking(at(d, '09:00'), at(d, '10:00'), { room_id: 1, org_id: 7 }));
    assert.equal(outside.status, 'pending', 'org 7 is under org 6');
    const byManager = await book('xita_station', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 1, org_id: 7 }));
    assert.equal(byManager.status, 'confirmed');
  } finally {
    await setRules({});
  }
});

// ---- series ----

test('recurrence: weekly COUNT=4 makes 4 bookings of one series, 7 days apart', async () => {
  const d = week(12);
  const before = await countBookings();
  const s = await book('zhongke', booking(at(d, '10:00'), at(d, '11:30'), { room_id: 1, recurrence: { rrule: 'FREQ=WEEKLY;COUNT=4' } }));
  assert.ok(Number.isInteger(s.series_id));
  assert.deepEqual(s.skipped, []);
  assert.equal(s.items.length, 4);
  s.items.forEach((b, i) => {
    assert.equal(b.series_id, s.series_id);
    assert.equal(b.status, 'confirmed');
    assert.equal(b.start, at(week(12 + i), '10:00'));
    assert.equal(b.end, at(week(12 + i), '11:30'));
    if (i) assert.equal(ms(b.start) - ms(s.items[i - 1].start), 7 * DAY);
  });
  assert.equal(await countBookings(), before + 4);
  const listed = await listAll('zhongke', `&series_id=${s.series_id}`);
  assert.deepEqual(listed.map((b) => b.id).sort((a, b) => a - b), s.items.map((b) => b.id).sort((a, b) => a - b));
});

test('recurrence: a taken occurrence fails the whole series (409 naming it), or is skipped', async () => {
  const d = week(12);
  const taken = await book('admin', booking(at(week(14), '14:00'), at(week(14), '15:00'), { room_id: 2 }));
  const body = booking(at(d, '14:00'), at(d, '15:00'), { room_id: 2, recurrence: { rrule: 'FREQ=WEEKLY;COUNT=4', on_conflict: 'fail' } });
  const r = await refused('zhongke', body, 409, 'overlap', 'fail');
  assert.ok(r.json.detail.includes(at(week(14), '14:00')), `the detail names the occurrence: ${r.json.detail}`);
  // 'fail' is the default.
  await refused('zhongke', { ...body, recurrence: { rrule: 'FREQ=WEEKLY;COUNT=4' } }, 409, 'overlap', 'default');

  const before = await countBookings();
  const s = await book('zhongke', { ...body, recurrence: { rrule: 'FREQ=WEEKLY;COUNT=4', on_conflict: 'skip' } });
  assert.equal(s.items.length, 3);
  assert.deepEqual(s.items.map((b) => b.start), [at(week(12), '14:00'), at(week(13), '14:00'), at(week(15), '14:00')]);
  for (const b of s.items) assert.equal(b.series_id, s.series_id);
  assert.equal(s.skipped.length, 1);
  assert.equal(s.skipped[0].start, at(week(14), '14:00'));
  assert.equal(s.skipped[0].end, at(week(14), '15:00'));
  assert.equal(s.skipped[0].rule, 'overlap');
  assert.equal(typeof s.skipped[0].detail, 'string');
  assert.equal(await countBookings(), before + 3);
  assert.equal((await get(taken.id)).status, 'confirmed');
  // Nothing fits: 409, nothing made.
  await refused('zhongke', { ...body, recurrence: { rrule: 'FREQ=WEEKLY;COUNT=2', on_conflict: 'skip' } }, 409, 'overlap', 'none fit');
});

test('recurrence: occurrences past the horizon are named, not dropped unseen', async () => {
  // Weekly from 350 days ahead, four times: the 4th (371 days) is past the 365-day horizon.
  const d = localDate(350);
  const body = booking(at(d, '16:00'), at(d, '17:00'), { room_id: 2, recurrence: { rrule: 'FREQ=WEEKLY;COUNT=4' } });
  const before = await countBookings();
  const r = await refused('zhongke', body, 422, 'horizon', 'fail: the whole series');
  assert.ok(r.json.detail.includes(at(addDays(d, 21), '16:00')), `the detail names the occurrence: ${r.json.detail}`);
  assert.equal(await countBookings(), before);
  const s = await book('zhongke', { ...body, recurrence: { rrule: 'FREQ=WEEKLY;COUNT=4', on_conflict: 'skip' } });
  assert.equal(s.items.length, 3);
  assert.deepEqual(s.skipped.map((k) => [k.start, k.rule]), [[at(addDays(d, 21), '16:00'), 'horizon']]);
  // A rule without an end runs up to the horizon: nothing is skipped.
  const open = await book('zhongke', booking(at(localDate(340), '18:00'), at(localDate(340), '19:00'),
    { room_id: 2, recurrence: { rrule: 'FREQ=WEEKLY' } }));
  assert.ok(open.items.length >= 3 && open.items.length <= 4, `${open.items.length} occurrences`);
  assert.deepEqual(open.skipped, []);
});

test('recurrence: every other week, and the 2nd Tuesday of each month', async () => {
  const d = week(12);
  const s = await book('zhongke', booking(at(d, '16:00'), at(d, '17:00'), { recurrence: { rrule: 'FREQ=WEEKLY;INTERVAL=2;COUNT=3' } }));
  assert.deepEqual(s.items.map((b) => b.start), [at(week(12), '16:00'), at(week(14), '16:00'), at(week(16), '16:00')]);
  // UNTIL as a date includes that day.
  const until = week(14).replace(/-/g, '');
  const u = await book('zhongke', booking(at(d, '08:00'), at(d, '09:00'), { room_id: 2, attendance: 2, recurrence: { rrule: `FREQ=WEEKLY;UNTIL=${until}` } }));
  assert.deepEqual(u.items.map((b) => b.start), [at(week(12), '08:00'), at(week(13), '08:00'), at(week(14), '08:00')]);
  // A closure is skipped with its rule, too.
  const cl = await send('admin', 'POST', '/api/v1/closures', { station_id: 1, start: at(week(13), '17:00'), end: at(week(13), '18:00'), reason: '停电' });
  assert.equal(cl.status, 201, cl.text);
  const k = await book('zhongke', booking(at(d, '17:00'), at(d, '18:00'), { room_id: 2, attendance: 2, recurrence: { rrule: 'FREQ=WEEKLY;COUNT=3', on_conflict: 'skip' } }));
  assert.deepEqual(k.items.map((b) => b.start), [at(week(12), '17:00'), at(week(14), '17:00')]);
  assert.deepEqual(k.skipped.map((x) => [x.start, x.rule]), [[at(week(13), '17:00'), 'closure']]);

  // The first 2nd Tuesday of a month at least two days ahead.
  let second;
  for (let m = 0; !second; m++) {
    const first = new Date(`${localDate(0).slice(0, 8)}01T00:00:00Z`);
    first.setUTCMonth(first.getUTCMonth() + m);
    const day1 = first.toISOString().slice(0, 10);
    const tue = addDays(day1, (2 - weekday(day1) + 7) % 7 + 7);
    if (tue >= localDate(2)) second = tue;
  }
  const mo = await book('zhongke', booking(at(second, '19:00'), at(second, '20:00'), { room_id: 1, recurrence: { rrule: 'FREQ=MONTHLY;BYDAY=2TU;COUNT=3' } }));
  assert.equal(mo.items.length, 3);
  const months = new Set();
  for (const b of mo.items) {
    const day = localOf(b.start).slice(0, 10);
    assert.equal(weekday(day), 2, `${day} is a Tuesday`);
    const dom = Number(day.slice(8, 10));
    assert.ok(dom >= 8 && dom <= 14, `${day} is the second Tuesday`);
    assert.equal(localOf(b.start).slice(11), '19:00');
    months.add(day.slice(0, 7));
  }
  assert.equal(months.size, 3, 'three different months');
  assert.equal(mo.items[0].start, at(second, '19:00'));
});

test('recurrence: a bad rule is 400 and a start the rule does not give is 422; nothing made', async () => {
  const d = week(13);
  const base = booking(at(d, '18:00'), at(d, '19:00'), { room_id: 2 });
  for (const [what, recurrence] of [
    ['unknown FREQ', { rrule: 'FREQ=SOMETIMES;COUNT=3' }],
    ['no FREQ', { rrule: 'COUNT=3' }],
    ['hourly', { rrule: 'FREQ=HOURLY;COUNT=3' }],
    ['COUNT=0', { rrule: 'FREQ=WEEKLY;COUNT=0' }],
    ['COUNT too big', { rrule: 'FREQ=DAILY;COUNT=100000' }],
    ['COUNT and UNTIL', { rrule: 'FREQ=WEEKLY;COUNT=3;UNTIL=20991231' }],
    ['an UNTIL that is no date', { rrule: 'FREQ=WEEKLY;UNTIL=20270132' }],
    ['an empty rule', { rrule: '' }],
    ['no rule', { on_conflict: 'skip' }],
    ['a bad on_conflict', { rrule: 'FREQ=WEEKLY;COUNT=2', on_conflict: 'maybe' }],
    ['not an object', 'FREQ=WEEKLY;COUNT=2'],
  ]) {
    const r = await refused('zhongke', { ...base, recurrence }, 400, undefined, what);
    assert.ok((r.json.errors || []).some((e) => e.pointer.startsWith('/recurrence')), `${what}: ${r.text}`);
  }
  const r = await refused('zhongke', { ...base, recurrence: { rrule: 'FREQ=WEEKLY;BYDAY=WE;COUNT=2' } }, 422, undefined, 'a Tuesday start for Wednesdays');
  assert.ok((r.json.errors || []).some((e) => e.pointer === '/recurrence/rrule'), r.text);
});

test('cancel scope "following" cancels this and the later occurrences only', async () => {
  const d = week(12);
  const s = await book('zhongke', booking(at(d, '19:00'), at(d, '20:00'), { room_id: 3, recurrence: { rrule: 'FREQ=WEEKLY;COUNT=4' } }));
  const [first, second, third, fourth] = s.items;
  const gone = await cancel('zhongke', second.id, { scope: 'following', reason: '活动调整' });
  assert.deepEqual(gone.map((b) => b.id).sort((a, b) => a - b), [second.id, third.id, fourth.id].sort((a, b) => a - b));
  for (const b of gone) {
    assert.equal(b.status, 'cancelled');
    assert.equal(b.reason, '活动调整');
  }
  assert.equal((await get(first.id)).status, 'confirmed');
  for (const b of [second, third, fourth]) assert.equal((await get(b.id)).status, 'cancelled');
  // Cancelling again: 409 rule status. The freed slot can be booked.
  assertProblem(await verb('zhongke', third.id, 'cancel'), 409, 'status', 'cancel twice');
  await book('admin', booking(third.start, third.end, { room_id: 3 }));
  // scope "one" (the default) cancels one occurrence.
  const t = await book('zhongke', booking(at(d, '21:00'), at(d, '22:00'), { room_id: 3, recurrence: { rrule: 'FREQ=WEEKLY;COUNT=3' } }));
  const one = await cancel('zhongke', t.items[0].id);
  assert.deepEqual(one.map((b) => b.id), [t.items[0].id]);
  assert.equal((await get(t.items[1].id)).status, 'confirmed');
  assert.equal((await get(t.items[2].id)).status, 'confirmed');
});

// ---- the waiting list ----

test('waiting list: a taken slot gives "waiting"; a freed slot is offered to the oldest waiter; accept confirms', async () => {
  const d = week(5);
  const holder = await book('admin', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 2, org_id: 3, attendance: 3 }));
  const w1 = await book('zhongke', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 2, attendance: 3, wait: true }));
  const w2 = await book('zhongke', booking(at(d, '10:30'), at(d, '11:00'), { room_id: 2, attendance: 3, wait: true }));
  assert.equal(w1.status, 'waiting');
  assert.equal(w2.status, 'waiting');
  assert.equal(w1.offer_expires_at, null);
  // wait:true on a free slot is an ordinary booking.
  const free = await book('zhongke', booking(at(d, '12:00'), at(d, '13:00'), { room_id: 2, attendance: 3, wait: true }));
  assert.equal(free.status, 'confirmed');
  // A waiting booking holds nothing, but the rules still apply to it.
  await refused('zhongke', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 2, attendance: 9, wait: true }), 422, 'capacity', 'waiting over capacity');

  const t0 = Date.now();
  const items = await cancel('admin', holder.id, { reason: '改期' });
  const t1 = Date.now();
  assert.deepEqual(items.map((b) => [b.id, b.status]), [[holder.id, 'cancelled']]);
  const o1 = await get(w1.id);
  assert.equal(o1.status, 'offered');
  assert.match(o1.offer_expires_at, RFC3339_CN);
  // offered for the station's offer_minutes (120)
  const exp = ms(o1.offer_expires_at);
  assert.ok(exp >= t0 - 1000 + 120 * MIN - 1000 && exp <= t1 + 120 * MIN + 1000, `offer_expires_at ${o1.offer_expires_at}`);
  assert.equal((await get(w2.id)).status, 'waiting', 'the slot is the oldest waiter\'s');
  // The offer holds the slot.
  await refused('admin', booking(at(d, '10:00'), at(d, '10:30'), { room_id: 2, attendance: 3 }), 409, 'overlap', 'over an offer');

  const acc = await verb('zhongke', w1.id, 'accept');
  assert.equal(acc.status, 200, acc.text);
  assert.equal(acc.json.status, 'confirmed');
  assert.equal((await get(w1.id)).status, 'confirmed');
  assertProblem(await verb('zhongke', w1.id, 'accept'), 409, 'status', 'accept twice');
  assertProblem(await verb('zhongke', w2.id, 'accept'), 409, 'status', 'accept while waiting');
  // A waiter withdraws.
  const gone = await cancel('zhongke', w2.id);
  assert.equal(gone[0].status, 'cancelled');
});

test('waiting list: decline passes the offer to the next waiter; partial frees offer what fits', async () => {
  const d = week(5);
  const holder = await book('admin', booking(at(d, '14:00'), at(d, '16:00'), { room_id: 2, org_id: 3, attendance: 3 }));
  const w3 = await book('zhongke', booking(at(d, '14:00'), at(d, '16:00'), { room_id: 2, attendance: 3, wait: true }));
  const w4 = await book('zhongke', booking(at(d, '14:30'), at(d, '15:30'), { room_id: 2, attendance: 3, wait: true }));
  await cancel('admin', holder.id);
  assert.equal((await get(w3.id)).status, 'offered');
  assert.equal((await get(w4.id)).status, 'waiting');
  const dec = await verb('zhongke', w3.id, 'decline');
  assert.equal(dec.status, 200, dec.text);
  assert.equal(dec.json.status, 'declined');
  assert.equal((await get(w3.id)).status, 'declined');
  const o4 = await get(w4.id);
  assert.equal(o4.status, 'offered', 'the next waiter gets the offer');
  assert.match(o4.offer_expires_at, RFC3339_CN);

  // Two waiters for two halves of a freed slot are both offered; one whose slot is
  // still partly taken stays waiting.
  const h1 = await book('admin', booking(at(d, '17:00'), at(d, '19:00'), { room_id: 2, org_id: 3, attendance: 3 }));
  const h2 = await book('admin', booking(at(d, '19:00'), at(d, '20:00'), { room_id: 2, org_id: 3, attendance: 3 }));
  const a = await book('zhongke', booking(at(d, '17:00'), at(d, '18:00'), { room_id: 2, attendance: 3, wait: true }));
  const b = await book('zhongke', booking(at(d, '18:00'), at(d, '19:00'), { room_id: 2, attendance: 3, wait: true }));
  const c = await book('zhongke', booking(at(d, '18:30'), at(d, '19:30'), { room_id: 2, attendance: 3, wait: true }));
  await cancel('admin', h1.id);
  assert.equal((await get(a.id)).status, 'offered');
  assert.equal((await get(b.id)).status, 'offered');
  assert.equal((await get(c.id)).status, 'waiting', `booking ${h2.id} still holds 19:00-20:00`);
});

test('waiting list: a lapsed offer expires at the sweep and the next waiter is offered', async () => {
  const d = week(6);
  const holder = await book('admin', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 2, org_id: 3, attendance: 3 }));
  const w5 = await book('zhongke', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 2, attendance: 3, wait: true }));
  const w6 = await book('zhongke', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 2, attendance: 3, wait: true }));
  await cancel('admin', holder.id);
  const o5 = await get(w5.id);
  assert.equal(o5.status, 'offered');
  // A sweep now changes nothing; a sweep after the offer's end lets it lapse.
  sweep(srv.db, 0);
  assert.equal((await get(w5.id)).status, 'offered');
  sweep(srv.db, secondsUntil(o5.offer_expires_at, 60));
  const e5 = await get(w5.id);
  assert.equal(e5.status, 'expired');
  assert.equal(typeof e5.reason, 'string');
  const o6 = await get(w6.id);
  assert.equal(o6.status, 'offered', 'the next waiter is offered');
  assert.ok(ms(o6.offer_expires_at) > ms(o5.offer_expires_at), 'offered at the sweep\'s (moved) time');
  assert.ok(ms(o6.offer_expires_at) <= ms(w6.start), 'never past the start');
  assertProblem(await verb('zhongke', w5.id, 'accept'), 409, 'status', 'accepting a lapsed offer');
});

// ---- check-in and release ----

test('check-in outside its window: 422 check_in_window, nothing changes', async () => {
  const d = week(11);
  const b = await book('zhongke', booking(at(d, '10:00'), at(d, '11:00')));
  const r = await send('zhongke', 'POST', `/api/v1/bookings/${b.id}/check-in`);
  assertProblem(r, 422, 'check_in_window', 'two days early');
  const after = await get(b.id);
  assert.equal(after.checked_in_at, null);
  assert.equal(after.version, b.version);
  await cancel('zhongke', b.id);
  assertProblem(await send('zhongke', 'POST', `/api/v1/bookings/${b.id}/check-in`), 409, 'status', 'a cancelled booking');
});

test('no-shows are released after the grace, the checked-in are not, and the record counts them', async () => {
  // Moves the clock by days: a database of its own, so that no other test's bookings lapse.
  const t = await startServer();
  let moved = null;
  try {
    const as = (method, path, body) => send('admin', method, path, body, t);
    await setStation(1, { opening_hours: EVERY_DAY, booking_rules: ROOMY }, t);
    const D = localDate(16), E = localDate(17);
    const mk = async (body) => {
      const r = await as('POST', '/api/v1/bookings', body);
      assert.equal(r.status, 201, r.text);
      return r.json;
    };
    const noShow = await mk(booking(at(D, '10:00'), at(D, '11:00'), { room_id: 1 }));
    const shows = await mk(booking(at(D, '10:00'), at(D, '11:00'), { room_id: 3 }));
    const later = await mk(booking(at(D, '12:00'), at(D, '13:00'), { room_id: 3 }));
    const waiter = await mk(booking(at(D, '10:00'), at(D, '11:00'), { room_id: 3, wait: true }));
    assert.equal(waiter.status, 'waiting');
    const holder = await mk(booking(at(D, '10:00'), at(D, '11:00'), { room_id: 2, org_id: 3, attendance: 2 }));
    const soon = await mk(booking(at(D, '10:00'), at(D, '11:00'), { room_id: 2, org_id: 3, attendance: 2, wait: true }));

    // 09:50 on D: within the check-in window of 10:00, not yet of 12:00.
    moved = await movedServer(t.db, secondsUntil(at(D, '09:50')));
    const r1 = await moved.request('POST', `/api/v1/bookings/${shows.id}/check-in`);
    assert.equal(r1.status, 200, r1.text);
    assert.match(r1.json.checked_in_at, RFC3339_CN);
    assert.ok(Math.abs(ms(r1.json.checked_in_at) - ms(at(D, '09:50'))) < 10 * MIN, r1.json.checked_in_at);
    assert.equal(r1.json.version, shows.version + 1);
    const r2 = await moved.request('POST', `/api/v1/bookings/${shows.id}/check-in`);
    assert.equal(r2.status, 200, r2.text);
    assert.equal(r2.json.checked_in_at, r1.json.checked_in_at, 'twice is once');
    assert.equal(r2.json.version, r1.json.version);
    assertProblem(await moved.request('POST', `/api/v1/bookings/${later.id}/check-in`), 422, 'check_in_window', 'two hours early');
    // Ten minutes before the start, an offer lasts until the start, not offer_minutes.
    const c = await moved.request('POST', `/api/v1/bookings/${holder.id}/cancel`, { version: holder.version });
    assert.equal(c.status, 200, c.text);
    const offered = await get(soon.id, moved);
    assert.equal(offered.status, 'offered');
    assert.equal(offered.offer_expires_at, at(D, '10:00'));
    await assertStopsCleanly(moved);
    moved = null;
    // Signing in at a moved clock ends the sessions that look stale to it: sign in again.
    otherTokens.set(t, (await signIn(t.url, 'admin')).token);

    // 10:16 on D: past the 15 minutes' grace.
    sweep(t.db, secondsUntil(at(D, '10:16')));
    const released = await get(noShow.id, t);
    assert.equal(released.status, 'released');
    assert.match(released.reason, /15/);
    assert.equal((await get(shows.id, t)).status, 'confirmed', 'a checked-in booking stays');
    assert.equal((await get(later.id, t)).status, 'confirmed', 'a booking still to start stays');
    const lapsed = await get(waiter.id, t);
    assert.equal(lapsed.status, 'expired', 'a waiter whose start passed lapses');

    const range = `from=${encodeURIComponent(at(addDays(D, -1), '00:00'))}&to=${encodeURIComponent(at(addDays(D, 2), '00:00'))}`;
    const rec = await send('admin', 'GET', `/api/v1/orgs/4/booking-record?${range}`, undefined, t);
    assert.equal(rec.status, 200, rec.text);
    assert.equal(rec.json.org_id, 4);
    assert.equal(rec.json.bookings, 4);
    assert.equal(rec.json.no_shows, 1);
    assert.equal(rec.json.checked_in, 1);
    assert.equal(rec.json.cancelled, 0);
    const z = await signIn(t.url, 'zhongke');
    const asZhongke = await t.request('GET', `/api/v1/orgs/4/booking-record?${range}`, undefined, { authorization: `Bearer ${z.token}` });
    assert.equal(asZhongke.status, 200, asZhongke.text);
    assert.deepEqual(asZhongke.json, rec.json);
    const f = await signIn(t.url, 'fuli');
    const asFuli = await t.request('GET', `/api/v1/orgs/4/booking-record?${range}`, undefined, { authorization: `Bearer ${f.token}` });
    assert.equal(asFuli.status, 404, asFuli.text);
    const bad = await send('admin', 'GET', '/api/v1/orgs/4/booking-record?from=yesterday', undefined, t);
    assertProblem(bad, 400, undefined, 'a bad from');
    assertProblem(await send('admin', 'GET', '/api/v1/orgs/4/booking-record?to=x&y=1', undefined, t), 400, undefined, 'unknown parameter');

    // A server with the clock moved releases by itself, at start and every --sweep-every;
    // not at a station that does not release no-shows.
    const late = await mk(booking(at(E, '10:00'), at(E, '11:00'), { room_id: 2, attendance: 2 }));
    await setStation(2, { opening_hours: EVERY_DAY, booking_rules: { ...ROOMY, release_no_shows: false } }, t);
    const kept = await mk(booking(at(E, '10:00'), at(E, '11:00'), { room_id: 4, org_id: 7 }));
    moved = await movedServer(t.db, secondsUntil(at(E, '10:20')), ['--sweep-every', '1']);
    let status;
    for (let i = 0; i < 300; i++) {
      status = (await get(late.id, moved)).status;
      if (status === 'released') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(status, 'released');
    assert.equal((await get(shows.id, moved)).status, 'confirmed');
    assert.equal((await get(kept.id, moved)).status, 'confirmed', 'release_no_shows: false');
    assert.equal((await get(soon.id, moved)).status, 'expired', 'the offer lapsed at its start');
    await assertStopsCleanly(moved);
    moved = null;
  } finally {
    if (moved) await moved.stop();
    await assertStopsCleanly(t);
  }
});

// ---- availability and slots ----

test('availability: opening hours less bookings and refusing closures, by room, duration and attendance', async () => {
  const d = week(7);
  await book('admin', booking(at(d, '10:00'), at(d, '12:00'), { room_id: 3 }));
  const cl = await send('admin', 'POST', '/api/v1/closures', { station_id: 1, room_id: 1, start: at(d, '14:00'), end: at(d, '16:00'), reason: '布展' });
  assert.equal(cl.status, 201, cl.text);
  const avail = async (q) => {
    const r = await send(null, 'GET', `/api/v1/stations/1/availability?${q}`);
    assert.equal(r.status, 200, `${q}: ${r.text}`);
    return r.json;
  };
  const a = await avail(`from=${d}&days=1&duration_min=60`);
  assert.equal(a.station_id, 1);
  assert.equal(a.from, at(d, '00:00'));
  assert.equal(a.to, at(addDays(d, 1), '00:00'));
  assert.equal(a.duration_min, 60);
  assert.deepEqual(a.rooms.map((r) => r.room_id), [1, 2, 3], 'the bookable rooms of the station');
  const free = (x) => Object.fromEntries(x.rooms.map((r) => [r.room_id, r.free.map((f) => [f.start, f.end])]));
  assert.deepEqual(free(a), {
    1: [[at(d, '08:00'), at(d, '14:00')], [at(d, '16:00'), at(d, '22:00')]],
    2: [[at(d, '08:00'), at(d, '22:00')]],
    3: [[at(d, '08:00'), at(d, '10:00')], [at(d, '12:00'), at(d, '22:00')]],
  });
  assert.equal(a.rooms.find((r) => r.room_id === 2).capacity, 6);
  // Intervals shorter than the duration are left out.
  assert.deepEqual(free(await avail(`from=${d}&days=1&duration_min=180&room_id=3`)), { 3: [[at(d, '12:00'), at(d, '22:00')]] });
  // Attendance leaves out rooms too small.
  assert.deepEqual((await avail(`from=${d}&attendance=10`)).rooms.map((r) => r.room_id), [1, 3]);
  assert.deepEqual((await avail(`from=${d}&attendance=31`)).rooms.map((r) => r.room_id), [1]);
  assert.deepEqual((await avail(`from=${d}&attendance=61`)).rooms, []);
  // Two days; a time for 'from'.
  const two = await avail(`from=${encodeURIComponent(at(d, '00:00'))}&days=2&room_id=2`);
  assert.deepEqual(free(two), { 2: [[at(d, '08:00'), at(d, '22:00')], [at(addDays(d, 1), '08:00'), at(addDays(d, 1), '22:00')]] });
  // Never before now.
  const today = await avail(`from=${localDate(-3)}&days=5&room_id=2&duration_min=15`);
  for (const f of today.rooms[0].free) assert.ok(ms(f.start) >= Date.now() - MIN, `free from ${f.start}`);

  for (const q of ['days=0', 'days=15', 'duration_min=10', 'duration_min=1441', 'from=tomorrow', 'attendance=0', 'room_id=x', 'foo=1', `from=${d}&from=${d}`]) {
    const r = await send(null, 'GET', `/api/v1/stations/1/availability?${q}`);
    assertProblem(r, 400, undefined, q);
  }
  assert.equal((await send(null, 'GET', '/api/v1/stations/999/availability')).status, 404);
});

test('slots: the earliest that fit, in time order, on the step grid, never over a booking', async () => {
  const d = week(7);
  const slots = async (q) => {
    const r = await send(null, 'GET', `/api/v1/stations/1/slots?${q}`);
    assert.equal(r.status, 200, `${q}: ${r.text}`);
    return r.json.items;
  };
  const after = encodeURIComponent(at(d, '08:00'));
  const s3 = await slots(`after=${after}&duration_min=60&count=5&room_id=3&step_min=30`);
  assert.deepEqual(s3.map((s) => [s.room_id, s.start, s.end]), [
    [3, at(d, '08:00'), at(d, '09:00')],
    [3, at(d, '08:30'), at(d, '09:30')],
    [3, at(d, '09:00'), at(d, '10:00')],
    [3, at(d, '12:00'), at(d, '13:00')],
    [3, at(d, '12:30'), at(d, '13:30')],
  ]);
  assert.equal(s3[0].room_name, '会议活动室');
  // A 45-minute grid laid from local midnight.
  const g = await slots(`after=${after}&duration_min=60&count=5&room_id=3&step_min=45`);
  assert.deepEqual(g.map((s) => s.start), ['08:15', '09:00', '12:00', '12:45', '13:30'].map((t) => at(d, t)));
  // Every room, ordered by time then room.
  const all = await slots(`after=${after}&duration_min=60&count=6`);
  assert.deepEqual(all.map((s) => [s.start, s.room_id]), [
    [at(d, '08:00'), 1], [at(d, '08:00'), 2], [at(d, '08:00'), 3],
    [at(d, '08:30'), 1], [at(d, '08:30'), 2], [at(d, '08:30'), 3],
  ]);
  assert.deepEqual([...new Set((await slots(`after=${after}&attendance=31&count=10`)).map((s) => s.room_id))], [1]);
  // Many: the count asked, in order, on the grid, inside opening hours, clear of bookings.
  const many = await slots(`after=${after}&duration_min=90&count=50&room_id=3`);
  assert.equal(many.length, 50);
  const bookings = (await listAll('admin', `&room_id=3&from=${after}&to=${encodeURIComponent(at(addDays(d, 14), '00:00'))}`))
    .filter((b) => ['offered', 'pending', 'confirmed'].includes(b.status));
  for (let i = 0; i < many.length; i++) {
    const s = many[i];
    assert.equal(ms(s.end) - ms(s.start), 90 * MIN);
    if (i) assert.ok(ms(s.start) > ms(many[i - 1].start), 'in time order');
    const local = localOf(s.start).slice(11);
    assert.ok(local.endsWith(':00') || local.endsWith(':30'), `${s.start} on the 30-minute grid`);
    assert.ok(local >= '08:00' && localOf(s.end).slice(11) <= '22:00', `${s.start} inside opening hours`);
    for (const b of bookings)
      assert.ok(ms(s.end) <= ms(b.start) || ms(s.start) >= ms(b.end), `slot ${s.start} meets booking ${b.id}`);
  }
  // The default: slots from now on, none in the past.
  for (const s of await slots('')) assert.ok(ms(s.start) >= Date.now() - MIN, s.start);

  for (const q of ['count=0', 'count=51', 'step_min=4', 'step_min=1441', 'duration_min=14', 'after=soon', 'attendance=10001', 'foo=bar']) {
    const r = await send(null, 'GET', `/api/v1/stations/1/slots?${q}`);
    assertProblem(r, 400, undefined, q);
  }
});

// ---- feeds ----


test('feeds: room and station feeds are public iCalendar with the live bookings; org and booking feeds need sign-in', async () => {
  const d = week(8);
  const live = await book('zhongke', booking(at(d, '10:00'), at(d, '11:00'), { title: '主题党日' }));
  const gone = await book('zhongke', booking(at(d, '14:00'), at(d, '15:00')));
  await cancel('zhongke', gone.id);
  const elsewhere = await book('admin', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 4, org_id: 7 }));

  for (const [what, path] of [['room', '/api/v1/rooms/3/calendar.ics'], ['station', '/api/v1/stations/1/calendar.ics']]) {
    const evs = assertCalendar(await send(null, 'GET', path), what);
    const ev = evs.find((e) => e.UID === `booking-${live.id}@louyu`);
    assert.ok(ev, `${what}: the live booking is in the feed`);
    assert.equal(ev.DTSTART, icalUtc(live.start));
    assert.equal(ev.DTEND, icalUtc(live.end));
    assert.equal(ev.STATUS, 'CONFIRMED');
    assert.ok(ev.SUMMARY.includes('主题党日'), ev.SUMMARY);
    assert.ok(!evs.some((e) => e.UID === `booking-${gone.id}@louyu`), `${what}: no cancelled booking`);
    assert.ok(!evs.some((e) => e.UID === `booking-${elsewhere.id}@louyu`), `${what}: no booking of station 2`);
    assert.ok(evs.every((e) => /^booking-\d+@louyu$/.test(e.UID)), what);
  }
  const r1 = assertCalendar(await send(null, 'GET', '/api/v1/rooms/1/calendar.ics'), 'room 1');
  assert.ok(!r1.some((e) => e.UID === `booking-${live.id}@louyu`), 'room 1\'s feed holds room 1\'s bookings');
  assert.equal((await send(null, 'GET', '/api/v1/rooms/9999/calendar.ics')).status, 404);
  assertProblem(await send(null, 'GET', '/api/v1/rooms/3/calendar.ics?x=1'), 400, undefined, 'a parameter');

  // The org feed: sign in first; zhongke and the admin read org 4's; fuli cannot see org 4.
  assertProblem(await send(null, 'GET', '/api/v1/orgs/4/calendar.ics'), 401, undefined, 'org feed, nobody');
  for (const user of ['zhongke', 'admin', 'xita']) {
    const evs = assertCalendar(await send(user, 'GET', '/api/v1/orgs/4/calendar.ics'), `org feed as ${user}`);
    assert.ok(evs.some((e) => e.UID === `booking-${live.id}@louyu`), user);
    assert.ok(!evs.some((e) => e.UID === `booking-${gone.id}@louyu`), user);
  }
  assertProblem(await send('fuli', 'GET', '/api/v1/orgs/4/calendar.ics'), 404, undefined, 'org feed as fuli');
  const f7 = assertCalendar(await send('fuli', 'GET', '/api/v1/orgs/7/calendar.ics'), 'org 7 as fuli');
  assert.ok(f7.some((e) => e.UID === `booking-${elsewhere.id}@louyu`));

  // One booking.
  assertProblem(await send(null, 'GET', `/api/v1/bookings/${live.id}/calendar.ics`), 401, undefined, 'booking feed, nobody');
  const one = assertCalendar(await send('zhongke', 'GET', `/api/v1/bookings/${live.id}/calendar.ics`), 'one booking');
  assert.deepEqual(one.map((e) => e.UID), [`booking-${live.id}@louyu`]);
  assert.equal(one[0].DTSTART, icalUtc(live.start));
  assert.equal((await send('fuli', 'GET', `/api/v1/bookings/${live.id}/calendar.ics`)).status, 404);
  const cancelled = assertCalendar(await send('zhongke', 'GET', `/api/v1/bookings/${gone.id}/calendar.ics`), 'a cancelled booking');
  assert.deepEqual(cancelled.map((e) => [e.UID, e.STATUS]), [[`booking-${gone.id}@louyu`, 'CANCELLED']]);
  assert.equal((await send('admin', 'GET', '/api/v1/bookings/999999/calendar.ics')).status, 404);
});

// ---- changing a booking ----

test('PATCH: the title bumps the version; attendance is checked against capacity; times are create-only', async () => {
  const d = week(9);
  const b = await book('zhongke', booking(at(d, '10:00'), at(d, '11:00'), { attendance: 10 }));
  const r = await send('zhongke', 'PATCH', `/api/v1/bookings/${b.id}`, { version: b.version, title: '改过的标题', purpose: '学习' });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.version, b.version + 1);
  assert.equal(r.json.title, '改过的标题');
  assert.equal(r.json.purpose, '学习');
  assert.equal(r.json.start, b.start);
  assert.equal(r.json.status, 'confirmed');
  const v2 = await get(b.id);
  assert.deepEqual(v2, r.json);

  const refusals = [
    ['attendance over capacity', { attendance: 31 }, 422, 'capacity'],
    ['start', { start: at(d, '12:00') }, 400, undefined],
    ['end', { end: at(d, '12:00') }, 400, undefined],
    ['room', { room_id: 1 }, 400, undefined],
    ['org', { org_id: 3 }, 400, undefined],
    ['status', { status: 'cancelled' }, 400, undefined],
    ['a stale version', { version: b.version, title: '旧的' }, 409, undefined],
  ];
  for (const [what, patch, status, rule] of refusals) {
    const x = await send('zhongke', 'PATCH', `/api/v1/bookings/${b.id}`, { version: v2.version, ...patch });
    assertProblem(x, status, rule, what);
    assert.deepEqual(await get(b.id), v2, `${what}: nothing changed`);
  }
  const ok = await send('zhongke', 'PATCH', `/api/v1/bookings/${b.id}`, { version: v2.version, attendance: 30 });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.attendance, 30);
  // Not someone else's, and not once cancelled.
  assert.equal((await send('fuli', 'PATCH', `/api/v1/bookings/${b.id}`, { version: ok.json.version, title: 'x' })).status, 404);
  await cancel('zhongke', b.id);
  const c = await get(b.id);
  assertProblem(await send('zhongke', 'PATCH', `/api/v1/bookings/${b.id}`, { version: c.version, title: '取消后' }), 409, undefined, 'cancelled');
  assert.equal((await get(b.id)).title, '改过的标题');
  // Bookings are never deleted.
  const del = await send('admin', 'DELETE', `/api/v1/bookings/${b.id}`);
  assert.ok(del.status === 405 || del.status === 404, del.text);
  assert.equal((await get(b.id)).status, 'cancelled');
});

// ---- who sees what ----

test('list scoping: a branch secretary sees its org\'s bookings, a station manager its station\'s', async () => {
  const d = week(10);
  const own = await book('zhongke', booking(at(d, '10:00'), at(d, '11:00')));
  const other = await book('admin', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 1, org_id: 7 }));
  const station2 = await book('admin', booking(at(d, '10:00'), at(d, '11:00'), { room_id: 4, org_id: 7 }));
  const all = await listAll('admin');

  const z = await listAll('zhongke');
  assert.ok(z.some((b) => b.id === own.id));
  assert.ok(z.length > 0 && z.every((b) => b.org_id === 4), `zhongke sees only org 4: ${[...new Set(z.map((b) => b.org_id))]}`);
  assert.deepEqual(z.map((b) => b.id), all.filter((b) => b.org_id === 4).map((b) => b.id));
  assert.equal((await send('zhongke', 'GET', `/api/v1/bookings/${other.id}`)).status, 404);
  assert.equal((await listAll('zhongke', '&org_id=7')).length, 0);

  const s = await listAll('xita_station');
  assert.deepEqual(s.map((b) => b.id), all.filter((b) => b.station_id === 1).map((b) => b.id));
  assert.ok(s.some((b) => b.id === other.id) && s.some((b) => b.id === own.id));
  assert.ok(!s.some((b) => b.id === station2.id));
  assert.equal((await send('xita_station', 'GET', `/api/v1/bookings/${station2.id}`)).status, 404);
  assert.equal((await send('xita_station', 'GET', `/api/v1/bookings/${other.id}`)).status, 200);

  // A member of org 4 reads its bookings but changes none.
  const m = await listAll('member');
  assert.deepEqual(m.map((b) => b.id), z.map((b) => b.id));
  assertProblem(await verb('member', own.id, 'cancel'), 403, undefined, 'a member cancels');
  assertProblem(await send('member', 'PATCH', `/api/v1/bookings/${own.id}`, { version: own.version, title: '成员改' }), 403, undefined, 'a member changes');
  assert.equal((await get(own.id)).status, 'confirmed');

  const f = await listAll('fuli');
  assert.ok(f.some((b) => b.id === other.id) && f.some((b) => b.id === station2.id));
  assert.ok(!f.some((b) => b.id === own.id));
  // Filters: station, org, status, time.
  assert.deepEqual((await listAll('admin', '&station_id=2')).map((b) => b.station_id).filter((x) => x !== 2), []);
  const [from, to] = [at(d, '00:00'), at(d, '23:59')];
  const win = await listAll('admin', `&from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`);
  assert.deepEqual(win.map((b) => b.id), all.filter((b) => ms(b.end) > ms(from) && ms(b.start) < ms(to)).map((b) => b.id));
  for (const b of [own, other, station2]) assert.ok(win.some((x) => x.id === b.id), `booking ${b.id} in the window`);
  // '+' unencoded arrives as a space and is still read.
  const plus = await listAll('admin', `&from=${at(d, '00:00')}&to=${at(d, '23:59')}`);
  assert.deepEqual(plus.map((b) => b.id), win.map((b) => b.id));
  assert.ok((await listAll('admin', '&status=cancelled')).every((b) => b.status === 'cancelled'));
  assert.equal((await send(null, 'GET', '/api/v1/bookings')).status, 401);
});
