// Activities, black-box: making one with its room booked (and every refusal writing
// nothing), drafts and publishing, a pending room, cancelling; signing up with a
// capacity, a waiting list that moves up by itself, overlaps, audiences, guests and
// appointment slots; series scheduled by host rotation with absences; the month's
// political birthday gathering (API and command line); activity feeds; and, on a
// server whose clock is moved to the day of the activities, checking in by the venue
// screen's rotating code and at the desk, undoing, and attendance figures that add up
// across activities, organisations, series and members.
//
// The demo (src/domain/demo.c, demo_activities.c): station 1 西塔党群服务站 belongs to
// org 3 (西塔楼宇党委) and has rooms 1 (capacity 60), 2 (6) and 3 (30); station 2 富力盈凯
// belongs to org 6 and asks outsiders for approval (rooms 4, 5, 6). Org 4 (中科科创) is a
// branch under org 3 with members 1-32 and 63-66; org 5 is the partner of org 3 (members
// 33-44); orgs 7 and 8 are branches under org 6 (members 45-54, 55-62). The user 'member'
// is linked to member 1 of branch 4. The demo holds activities (a series of study
// hours, a volunteer hour, a haircut service, next month's birthday gathering) in the
// coming weeks: the tests here use dates at least 15 days ahead (Tuesdays, one week per
// test; the series on Thursdays) or a database of their own.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, freshDb, signIn, assertStopsCleanly, louyu } from './lib.mjs';
import { MIN, HOUR, DAY, RFC3339_CN, localDate, addDays, weekday, nextWeekday, at, ms } from './dates.mjs';
import { assertCalendar } from './ical.mjs';

// ---- days and times, in Guangzhou time ----

const icalUtc = (t) => new Date(ms(t)).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
const secondsUntil = (t, plus = 0) => Math.ceil((ms(t) - Date.now()) / 1000) + plus;
// 'YYYY-MM' of the month n months after this one (local time).
function monthAhead(n) {
  const [y, m] = localDate(0).split('-').map(Number);
  const k = y * 12 + (m - 1) + n;
  return `${Math.floor(k / 12)}-${String((k % 12) + 1).padStart(2, '0')}`;
}
// Whole years from one 'YYYY-MM-DD' to another.
function yearsBetween(from, to) {
  const [fy, fm, fd] = from.split('-').map(Number);
  const [ty, tm, td] = to.split('-').map(Number);
  return ty - fy - (tm < fm || (tm === fm && td < fd) ? 1 : 0);
}

// Each test of the shared server takes its own Tuesday, 15 days ahead or more, clear of
// what the demo holds; the series takes Thursdays.
const TUESDAY = nextWeekday(2, 15);
const week = (k) => addDays(TUESDAY, 7 * k);
const THURSDAY = nextWeekday(4, 15);

const EVERY_DAY = [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '08:00', close: '22:00' }));
const ROOMY = {
  max_hours_per_month: 744, vip_max_hours_per_month: 744,
  max_open_bookings: 1000, vip_max_open_bookings: 1000,
};
const USERS = ['xita', 'fuli', 'xita_station', 'zhongke', 'member'];

// ---- talking to a server ----

// A server with a session for each demo user, signed in after it started (sessions age
// with a moved clock).
async function client(server) {
  const tokens = { admin: server.token };
  for (const u of USERS) tokens[u] = (await signIn(server.url, u)).token;
  return {
    server,
    send(user, method, path, body, headers = {}) {
      return server.request(method, path, body, { ...headers, authorization: user ? `Bearer ${tokens[user]}` : '' });
    },
    // the raw bytes of an answer (a PNG)
    async bytes(user, path) {
      const res = await fetch(server.url + path, { headers: user ? { authorization: `Bearer ${tokens[user]}` } : {} });
      return { status: res.status, headers: res.headers, body: new Uint8Array(await res.arrayBuffer()) };
    },
  };
}

// Starts a server on an existing database with the clock moved by 'offset' seconds.
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

function assertProblem(r, status, rule, what = '') {
  assert.equal(r.status, status, `${what}: ${r.text}`);
  assert.match(r.headers.get('content-type') || '', /^application\/problem\+json/, what);
  assert.equal(r.json.status, status, what);
  if (rule !== undefined) assert.equal(r.json.rule, rule, `${what}: rule in ${r.text}`);
}
const pointers = (r) => (r.json.errors || []).map((e) => e.pointer);

async function setStation(c, id, patch) {
  const cur = await c.send('admin', 'GET', `/api/v1/stations/${id}`);
  assert.equal(cur.status, 200, cur.text);
  const r = await c.send('admin', 'PATCH', `/api/v1/stations/${id}`, { version: cur.json.version, ...patch });
  assert.equal(r.status, 200, r.text);
}

// Every record of a collection a user can list, page by page.
async function listAll(c, user, path, query = '') {
  const items = [];
  let cursor = null;
  for (let pages = 0; pages < 100; pages++) {
    const r = await c.send(user, 'GET', `${path}?limit=100${query}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200, r.text);
    items.push(...r.json.items);
    if (r.json.next === null) return items;
    cursor = r.json.next;
  }
  throw new Error('pagination never ended');
}
const count = async (c, path) => (await listAll(c, 'admin', path)).length;

async function get(c, path, user = 'admin') {
  const r = await c.send(user, 'GET', path);
  assert.equal(r.status, 200, `${path}: ${r.text}`);
  return r.json;
}
const activity = (c, id, user) => get(c, `/api/v1/activities/${id}`, user);
const registration = (c, id) => get(c, `/api/v1/registrations/${id}`);

let serial = 0;
// Makes an activity (host org 4 in room 3, capacity 10, published) and expects 201.
async function make(c, user, start, end, extra = {}) {
  const body = { title: `测试活动${++serial}`, kind: 'party_lesson', host_org_id: 4, room_id: 3, start, end, capacity: 10, publish: true, ...extra };
  const r = await c.send(user, 'POST', '/api/v1/activities', body);
  assert.equal(r.status, 201, `activity ${JSON.stringify(body)}: ${r.text}`);
  return r.json;
}

// Signs up and expects 201.
async function signUp(c, user, body) {
  const r = await c.send(user, 'POST', '/api/v1/registrations', body);
  assert.equal(r.status, 201, `sign-up ${JSON.stringify(body)} as ${user}: ${r.text}`);
  return r.json;
}

// A verb on an activity with its current version.
async function activityVerb(c, user, id, verb, body = {}) {
  const { version } = await activity(c, id);
  return c.send(user, 'POST', `/api/v1/activities/${id}/${verb}`, { version, ...body });
}
async function patchActivity(c, user, id, patch) {
  const { version } = await activity(c, id);
  return c.send(user, 'PATCH', `/api/v1/activities/${id}`, { version, ...patch });
}
async function cancelSignUp(c, user, id) {
  const { version } = await registration(c, id);
  return c.send(user, 'POST', `/api/v1/registrations/${id}/cancel`, { version });
}

const uid = (a) => `activity-${a.id}@louyu`;

// ---- the shared server, with the real clock ----

describe('making activities, signing up, series, birthdays and feeds', () => {
  let A;
  const users = {}; // username -> user record
  before(async () => {
    A = await client(await startServer());
    for (const u of await listAll(A, 'admin', '/api/v1/users')) users[u.username] = u;
    assert.equal(typeof users.member.member_id, 'number', 'the demo member\'s account is a member');
    await setStation(A, 1, { opening_hours: EVERY_DAY, booking_rules: ROOMY });
  });
  after(() => assertStopsCleanly(A?.server));

  // ---- making one ----

  test('an activity is made with its room booked by the host, and the booking goes only with it', async () => {
    const d = week(0);
    const [acts, books] = [await count(A, '/api/v1/activities'), await count(A, '/api/v1/bookings')];
    const body = {
      title: '支部党课：学习新思想', description: '讲授：支部书记', kind: 'party_lesson', host_org_id: 4,
      room_id: 3, start: at(d, '10:00'), end: at(d, '11:00'), capacity: 20, publish: true,
    };
    const r = await A.send('zhongke', 'POST', '/api/v1/activities', body);
    assert.equal(r.status, 201, r.text);
    const a = r.json;
    assert.equal(r.headers.get('location'), `/api/v1/activities/${a.id}`);
    for (const k of ['title', 'description', 'kind', 'host_org_id', 'room_id', 'start', 'end', 'capacity']) assert.equal(a[k], body[k], k);
    assert.equal(a.status, 'published');
    assert.equal(a.station_id, 1);
    assert.equal(a.audience, 'committee');
    assert.equal(a.walk_ins, true);
    assert.equal(a.series_id, null);
    assert.deepEqual([a.registered, a.waiting, a.checked_in], [0, 0, 0]);
    assert.equal(a.created_by, users.zhongke.id);
    assert.equal(a.version, 1);
    assert.match(a.created_at, RFC3339_CN);
    assert.equal(typeof a.booking_id, 'number');

    const b = await get(A, `/api/v1/bookings/${a.booking_id}`);
    assert.deepEqual([b.room_id, b.org_id, b.station_id, b.start, b.end, b.status], [3, 4, 1, a.start, a.end, 'confirmed']);
    assert.equal(await count(A, '/api/v1/activities'), acts + 1);
    assert.equal(await count(A, '/api/v1/bookings'), books + 1);
    // Published: everyone reads it.
    assert.deepEqual(await activity(A, a.id, null), a);
    const q = `&station_id=1&from=${encodeURIComponent(at(d, '00:00'))}&to=${encodeURIComponent(at(d, '23:59'))}`;
    assert.ok((await listAll(A, null, '/api/v1/activities', q)).some((x) => x.id === a.id));
    // Its booking is cancelled with the activity, never alone.
    const cb = await A.send('zhongke', 'POST', `/api/v1/bookings/${b.id}/cancel`, { version: b.version });
    assertProblem(cb, 409, 'activity', 'cancelling an activity\'s booking alone');
    assert.equal((await get(A, `/api/v1/bookings/${b.id}`)).status, 'confirmed');
  });

  test('refusals (overlap, capacity, another organisation\'s booking, who) write no activity and no booking', async () => {
    const d = week(0);
    const taken = await make(A, 'zhongke', at(d, '14:00'), at(d, '15:00'));
    const counts = async () => [await count(A, '/api/v1/activities'), await count(A, '/api/v1/bookings')];
    const was = await counts();
    const refused = async (user, body, status, rule, what) => {
      const r = await A.send(user, 'POST', '/api/v1/activities', { title: '被拒的活动', kind: 'study', host_org_id: 4, capacity: 10, ...body });
      assertProblem(r, status, rule, what);
      assert.deepEqual(await counts(), was, `${what}: something was written`);
      return r;
    };
    await refused('zhongke', { room_id: 3, start: at(d, '14:30'), end: at(d, '15:30') }, 409, 'overlap', 'the room is taken');
    await refused('zhongke', { room_id: 3, start: at(d, '13:00'), end: at(d, '14:01') }, 409, 'overlap', 'one minute into the taken time');
    await refused('zhongke', { room_id: 2, start: at(d, '16:00'), end: at(d, '17:00'), capacity: 7 }, 422, 'capacity', '7 places in a room for 6');
    await refused('member', { room_id: 3, start: at(d, '18:00'), end: at(d, '19:00') }, 403, undefined, 'a plain member');
    await refused(null, { room_id: 3, start: at(d, '18:00'), end: at(d, '19:00') }, 401, undefined, 'nobody');
    await refused('fuli', { room_id: 3, start: at(d, '18:00'), end: at(d, '19:00') }, 403, undefined, 'another committee');
    await refused('zhongke', { room_id: 3, start: at(d, '18:00'), end: at(d, '19:00'), kind: 'picnic' }, 400, undefined, 'an unknown kind');
    const none = await refused('zhongke', { start: at(d, '18:00'), end: at(d, '19:00') }, 400, undefined, 'no room and no booking');
    assert.ok(pointers(none).includes('/room_id'), none.text);
    assert.equal((await activity(A, taken.id)).registered, 0);

    // An existing booking: the host's own, serving one activity, no more places than its room.
    const own = await A.send('zhongke', 'POST', '/api/v1/bookings', { room_id: 2, org_id: 4, start: at(d, '16:00'), end: at(d, '17:00'), title: '谈心谈话', attendance: 4 });
    assert.equal(own.status, 201, own.text);
    const other = await A.send('admin', 'POST', '/api/v1/bookings', { room_id: 3, org_id: 7, start: at(d, '17:00'), end: at(d, '18:00'), title: '别家的预约', attendance: 4 });
    assert.equal(other.status, 201, other.text);
    was[1] += 2;
    const r1 = await refused('admin', { booking_id: other.json.id }, 422, undefined, 'a booking of another organisation');
    assert.ok(pointers(r1).includes('/booking_id'), r1.text);
    const r2 = await refused('zhongke', { booking_id: own.json.id, capacity: 7 }, 422, 'capacity', 'more places than the booked room');
    assert.ok(pointers(r2).includes('/capacity'), r2.text);
    const r3 = await refused('zhongke', { booking_id: 999999 }, 422, undefined, 'no such booking');
    assert.ok(pointers(r3).includes('/booking_id'), r3.text);
    const byBooking = await make(A, 'zhongke', undefined, undefined, { booking_id: own.json.id, capacity: 6, room_id: undefined });
    assert.deepEqual([byBooking.booking_id, byBooking.room_id, byBooking.start, byBooking.end], [own.json.id, 2, at(d, '16:00'), at(d, '17:00')]);
    was[0] += 1;
    const r4 = await refused('zhongke', { booking_id: own.json.id, capacity: 6 }, 409, undefined, 'a booking serving another activity');
    assert.ok(pointers(r4).includes('/booking_id'), r4.text);
  });

  test('a draft is seen only by those who run it until published; publishing twice is refused', async () => {
    const d = week(1);
    const draft = await make(A, 'zhongke', at(d, '10:00'), at(d, '11:00'), { publish: undefined });
    assert.equal(draft.status, 'draft');
    const q = `&from=${encodeURIComponent(at(d, '00:00'))}&to=${encodeURIComponent(at(d, '23:59'))}`;
    // Not there for anyone who may not read it, signed in or not: its existence does not leak.
    assertProblem(await A.send(null, 'GET', `/api/v1/activities/${draft.id}`), 404, undefined, 'a draft, to nobody');
    assert.ok(!(await listAll(A, null, '/api/v1/activities', q)).some((x) => x.id === draft.id), 'a draft listed to nobody');
    assert.equal((await A.send('fuli', 'GET', `/api/v1/activities/${draft.id}`)).status, 404);
    assert.ok(!(await listAll(A, 'fuli', '/api/v1/activities', q)).some((x) => x.id === draft.id), 'a draft listed to fuli');
    assert.equal((await activity(A, draft.id, 'xita')).status, 'draft');
    assert.equal((await activity(A, draft.id, 'member')).status, 'draft', 'the host\'s people see what it prepares');
    assert.ok((await listAll(A, 'xita', '/api/v1/activities', q)).some((x) => x.id === draft.id), 'xita lists the draft');
    assert.ok((await listAll(A, 'xita', '/api/v1/activities', `${q}&status=draft`)).some((x) => x.id === draft.id));
    // Nobody signs up for a draft.
    const m = await A.send('member', 'POST', '/api/v1/registrations', { activity_id: draft.id });
    assert.equal(m.status, 422, m.text);
    assertProblem(await A.send('xita', 'POST', '/api/v1/registrations', { activity_id: draft.id, member_id: 2 }), 409, 'status', 'staff sign up for a draft');
    assert.equal((await activity(A, draft.id)).registered, 0);

    assertProblem(await A.send('member', 'POST', `/api/v1/activities/${draft.id}/publish`, { version: draft.version }), 403, undefined, 'a member publishes');
    assertProblem(await A.send('zhongke', 'POST', `/api/v1/activities/${draft.id}/publish`, { version: draft.version + 5 }), 409, undefined, 'a stale version');
    assert.equal((await activity(A, draft.id)).status, 'draft');
    const p = await A.send('zhongke', 'POST', `/api/v1/activities/${draft.id}/publish`, { version: draft.version });
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.status, 'published');
    assert.equal(p.json.version, draft.version + 1);
    assert.deepEqual(await activity(A, draft.id, null), p.json);
    assertProblem(await activityVerb(A, 'zhongke', draft.id, 'publish'), 409, 'status', 'publishing twice');
  });

  test('a room awaiting the station\'s approval: publish waits for the approval (booking_not_confirmed)', async () => {
    const d = week(1);
    // Station 2 asks outsiders (org 4 is one) for approval.
    const a = await make(A, 'zhongke', at(d, '10:00'), at(d, '11:00'), { room_id: 4 });
    assert.equal(a.status, 'draft', 'publish: true makes a draft while the booking is pending');
    assert.equal(a.station_id, 2);
    const b = await get(A, `/api/v1/bookings/${a.booking_id}`);
    assert.equal(b.status, 'pending');
    assertProblem(await activityVerb(A, 'zhongke', a.id, 'publish'), 409, 'booking_not_confirmed', 'publish before approval');
    assert.equal((await activity(A, a.id)).status, 'draft');
    const ok = await A.send('fuli', 'POST', `/api/v1/bookings/${b.id}/approve`, { version: b.version });
    assert.equal(ok.status, 200, ok.text);
    assert.equal((await get(A, `/api/v1/bookings/${b.id}`)).status, 'confirmed');
    const p = await activityVerb(A, 'zhongke', a.id, 'publish');
    assert.equal(p.status, 200, p.text);
    assert.equal(p.json.status, 'published');
  });

  test('cancelling an activity frees its room and cancels its sign-ups', async () => {
    const d = week(2);
    const a = await make(A, 'zhongke', at(d, '10:00'), at(d, '11:00'), { capacity: 2 });
    const mine = await signUp(A, 'member', { activity_id: a.id });
    const r2 = await signUp(A, 'xita', { activity_id: a.id, member_id: 2 });
    const r3 = await signUp(A, 'xita', { activity_id: a.id, member_id: 3 });
    assert.deepEqual([mine.status, r2.status, r3.status], ['registered', 'registered', 'waiting']);

    assertProblem(await activityVerb(A, 'member', a.id, 'cancel'), 403, undefined, 'a member cancels');
    const r = await activityVerb(A, 'zhongke', a.id, 'cancel', { reason: '讲师临时有事' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json.status, 'cancelled');
    assert.equal(r.json.reason, '讲师临时有事');
    assert.deepEqual([r.json.registered, r.json.waiting], [0, 0]);
    assert.equal((await get(A, `/api/v1/bookings/${a.booking_id}`)).status, 'cancelled');
    const regs = await listAll(A, 'xita', '/api/v1/registrations', `&activity_id=${a.id}`);
    assert.deepEqual(regs.map((x) => [x.id, x.status]).sort(), [mine.id, r2.id, r3.id].map((id) => [id, 'cancelled']).sort());
    assert.ok(regs.every((x) => x.reason === '讲师临时有事'), JSON.stringify(regs.map((x) => x.reason)));
    // The room is free again.
    const again = await A.send('zhongke', 'POST', '/api/v1/bookings', { room_id: 3, org_id: 4, start: a.start, end: a.end, title: '改用会议室', attendance: 5 });
    assert.equal(again.status, 201, again.text);
    assert.equal(again.json.status, 'confirmed');
    // A cancelled activity is history.
    assertProblem(await A.send('member', 'POST', '/api/v1/registrations', { activity_id: a.id }), 409, 'status', 'sign up for a cancelled activity');
    assertProblem(await activityVerb(A, 'zhongke', a.id, 'cancel'), 409, 'status', 'cancelling twice');
    assertProblem(await activityVerb(A, 'zhongke', a.id, 'publish'), 409, 'status', 'publishing a cancelled one');
    assertProblem(await patchActivity(A, 'zhongke', a.id, { title: '取消后改名' }), 409, undefined, 'changing a cancelled one');
    assert.equal((await activity(A, a.id)).title, a.title);
  });

  // ---- signing up ----

  test('a member signs up as themselves, once', async () => {
    const d = week(3);
    const a = await make(A, 'zhongke', at(d, '09:00'), at(d, '10:00'), { capacity: 5 });
    const me = await get(A, `/api/v1/members/${users.member.member_id}`);
    assertProblem(await A.send(null, 'POST', '/api/v1/registrations', { activity_id: a.id }), 401, undefined, 'nobody');
    const r = await A.send('member', 'POST', '/api/v1/registrations', { activity_id: a.id });
    assert.equal(r.status, 201, r.text);
    const s = r.json;
    assert.equal(r.headers.get('location'), `/api/v1/registrations/${s.id}`);
    assert.deepEqual(
      [s.activity_id, s.member_id, s.user_id, s.name, s.source, s.status, s.position, s.slot_start, s.start, s.end],
      [a.id, me.id, users.member.id, me.name, 'self', 'registered', null, null, a.start, a.end]);
    assertProblem(await A.send('member', 'POST', '/api/v1/registrations', { activity_id: a.id }), 409, 'already_registered', 'again');
    // The organisers may not sign the same member up twice either.
    assertProblem(await A.send('xita', 'POST', '/api/v1/registrations', { activity_id: a.id, member_id: me.id }), 409, 'already_registered', 'staff, the same member');
    // Only organisers sign up others.
    assertProblem(await A.send('member', 'POST', '/api/v1/registrations', { activity_id: a.id, member_id: 2 }), 403, undefined, 'a member signs up another');
    assertProblem(await A.send('member', 'POST', '/api/v1/registrations', { activity_id: a.id, name: '朋友', phone: '13900000009' }), 403, undefined, 'a member signs up a guest');
    assertProblem(await A.send('fuli', 'POST', '/api/v1/registrations', { activity_id: a.id, member_id: 2 }), 403, undefined, 'another committee signs up a member');
    const none = await A.send('member', 'POST', '/api/v1/registrations', { activity_id: 999999 });
    assertProblem(none, 422, undefined, 'no such activity');
    assert.ok(pointers(none).includes('/activity_id'), none.text);
    assert.equal((await activity(A, a.id)).registered, 1);
    // The member sees their own sign-up; another committee does not.
    assert.ok((await listAll(A, 'member', '/api/v1/registrations')).some((x) => x.id === s.id));
    assert.equal((await A.send('member', 'GET', `/api/v1/registrations/${s.id}`)).status, 200);
    assert.equal((await A.send('fuli', 'GET', `/api/v1/registrations/${s.id}`)).status, 404);
    // They cancel it, and may sign up anew.
    const c = await cancelSignUp(A, 'member', s.id);
    assert.equal(c.status, 200, c.text);
    assert.equal(c.json.status, 'cancelled');
    assertProblem(await cancelSignUp(A, 'member', s.id), 409, 'status', 'cancelling twice');
    assert.equal((await activity(A, a.id)).registered, 0);
    const again = await signUp(A, 'member', { activity_id: a.id });
    assert.notEqual(again.id, s.id);
    assert.equal((await activity(A, a.id)).registered, 1);
  });

  test('capacity: the one past it waits; a cancellation or more places move the waiting list up; fewer places than taken are refused', async () => {
    const d = week(3);
    const a = await make(A, 'xita', at(d, '11:00'), at(d, '12:00'), { capacity: 2 });
    const s = {};
    for (const m of [2, 3, 4, 5]) s[m] = await signUp(A, 'xita', { activity_id: a.id, member_id: m });
    assert.deepEqual([2, 3, 4, 5].map((m) => [s[m].status, s[m].position, s[m].source]), [
      ['registered', null, 'staff'], ['registered', null, 'staff'], ['waiting', 1, 'staff'], ['waiting', 2, 'staff'],
    ]);
    let cur = await activity(A, a.id);
    assert.deepEqual([cur.registered, cur.waiting], [2, 2]);

    // Someone else's sign-up is not a member's to see or cancel.
    assertProblem(await cancelSignUp(A, 'member', s[3].id), 404, undefined, 'a member cancels another\'s sign-up');
    assert.equal((await registration(A, s[3].id)).status, 'registered');
    const c = await cancelSignUp(A, 'xita', s[2].id);
    assert.equal(c.status, 200, c.text);
    const moved = await registration(A, s[4].id);
    assert.deepEqual([moved.status, moved.position], ['registered', null], 'the first waiting moved up');
    const still = await registration(A, s[5].id);
    assert.deepEqual([still.status, still.position], ['waiting', 1]);
    cur = await activity(A, a.id);
    assert.deepEqual([cur.registered, cur.waiting], [2, 1]);

    // Capacity: not below those with places, not above the room.
    assertProblem(await patchActivity(A, 'xita', a.id, { capacity: 1 }), 409, 'capacity', 'below the places taken');
    assertProblem(await patchActivity(A, 'xita', a.id, { capacity: 31 }), 422, 'capacity', 'above the room');
    assert.equal((await activity(A, a.id)).capacity, 2);
    const up = await patchActivity(A, 'xita', a.id, { capacity: 3 });
    assert.equal(up.status, 200, up.text);
    assert.equal((await registration(A, s[5].id)).status, 'registered', 'more places moved the waiting up');
    cur = await activity(A, a.id);
    assert.deepEqual([cur.capacity, cur.registered, cur.waiting], [3, 3, 0]);
    assertProblem(await patchActivity(A, 'xita', a.id, { capacity: 2 }), 409, 'capacity', 'below the places taken');
    for (const [patch, status, what] of [[{ kind: 'study' }, 400, 'the kind, given once'], [{ start: at(d, '12:00') }, 400, 'the time'],
      [{ co_organisers: [999] }, 422, 'a co-organiser that does not exist'], [{ status: 'held' }, 400, 'the status']])
      assertProblem(await patchActivity(A, 'xita', a.id, patch), status, undefined, what);
    cur = await activity(A, a.id);
    assert.deepEqual([cur.kind, cur.start, cur.capacity, cur.co_organisers], [a.kind, a.start, 3, []], 'a refused change changed nothing');
    // A co-organiser's committee runs the activity too.
    assertProblem(await patchActivity(A, 'fuli', a.id, { title: '富力改名' }), 403, undefined, 'before fuli co-organises');
    assert.equal((await patchActivity(A, 'xita', a.id, { co_organisers: [7] })).status, 200);
    const co = await patchActivity(A, 'fuli', a.id, { title: '联合主办' });
    assert.equal(co.status, 200, co.text);
    assert.deepEqual([co.json.title, co.json.co_organisers], ['联合主办', [7]]);
    // A sign-up past the new capacity waits again.
    const w = await signUp(A, 'xita', { activity_id: a.id, member_id: 6 });
    assert.deepEqual([w.status, w.position], ['waiting', 1]);
  });

  test('overlap: nobody signs up for two activities that meet in time', async () => {
    const d = week(4);
    const x = await make(A, 'zhongke', at(d, '10:00'), at(d, '11:00'));
    const y = await make(A, 'zhongke', at(d, '10:30'), at(d, '11:30'), { room_id: 1 });
    const z = await make(A, 'zhongke', at(d, '11:00'), at(d, '12:00'), { room_id: 2, capacity: 6 });
    const sx = await signUp(A, 'xita', { activity_id: x.id, member_id: 7 });
    assertProblem(await A.send('xita', 'POST', '/api/v1/registrations', { activity_id: y.id, member_id: 7 }), 409, 'overlap', 'member 7 at 10:30');
    const sz = await signUp(A, 'xita', { activity_id: z.id, member_id: 7 }); // back to back is fine
    await signUp(A, 'member', { activity_id: x.id });
    assertProblem(await A.send('member', 'POST', '/api/v1/registrations', { activity_id: y.id }), 409, 'overlap', 'the member at 10:30');
    // Once the sign-ups that meet it are cancelled, the time is free.
    assert.equal((await cancelSignUp(A, 'xita', sx.id)).status, 200);
    assertProblem(await A.send('xita', 'POST', '/api/v1/registrations', { activity_id: y.id, member_id: 7 }), 409, 'overlap', 'member 7, still at 11:00');
    assert.equal((await activity(A, y.id)).registered, 0);
    assert.equal((await cancelSignUp(A, 'xita', sz.id)).status, 200);
    await signUp(A, 'xita', { activity_id: y.id, member_id: 7 });
    assert.equal((await activity(A, y.id)).registered, 1);
  });

  test('audience: host, committee, partners and anyone; guests and accounts without a member only where anyone may come', async () => {
    const d = week(5);
    const host = await make(A, 'xita', at(d, '09:00'), at(d, '10:00'), { audience: 'host' });
    const committee = await make(A, 'xita', at(d, '10:00'), at(d, '11:00'));
    const partners = await make(A, 'xita', at(d, '11:00'), at(d, '12:00'), { audience: 'partners' });
    const anyone = await make(A, 'xita', at(d, '12:00'), at(d, '13:00'), { audience: 'anyone' });
    assert.equal(committee.audience, 'committee', 'the default audience');
    const refused = async (a, body, user = 'xita', what = '') => {
      const before = (await activity(A, a.id)).registered;
      assertProblem(await A.send(user, 'POST', '/api/v1/registrations', { activity_id: a.id, ...body }), 422, 'audience', `${a.audience}: ${what || JSON.stringify(body)}`);
      assert.equal((await activity(A, a.id)).registered, before);
    };
    // host: org 4's members only; 33 is the partner's.
    await refused(host, { member_id: 33 });
    await signUp(A, 'xita', { activity_id: host.id, member_id: 8 });
    // committee: org 3's subtree; not the partner's (33) nor org 6's (45).
    await refused(committee, { member_id: 33 });
    await refused(committee, { member_id: 45 });
    await refused(committee, { name: '访客甲', phone: '13900000001' }, 'xita', 'a guest');
    await refused(committee, {}, 'xita_station', 'an account that is no member');
    await signUp(A, 'xita', { activity_id: committee.id, member_id: 8 });
    // partners: also the partner's members.
    await signUp(A, 'xita', { activity_id: partners.id, member_id: 33 });
    await refused(partners, { member_id: 45 });
    // anyone: members of anywhere, guests, and accounts without a member.
    const acc = await signUp(A, 'xita_station', { activity_id: anyone.id });
    assert.deepEqual([acc.member_id, acc.user_id, acc.source, acc.status], [null, users.xita_station.id, 'self', 'registered']);
    const guest = await signUp(A, 'xita', { activity_id: anyone.id, name: '访客乙', phone: '13900000002' });
    assert.deepEqual([guest.member_id, guest.name, guest.phone, guest.source, guest.status], [null, '访客乙', '13900000002', 'staff', 'registered']);
    assertProblem(await A.send('xita', 'POST', '/api/v1/registrations', { activity_id: anyone.id, name: '访客乙', phone: '13900000002' }), 409, 'already_registered', 'the same guest phone');
    await signUp(A, 'xita', { activity_id: anyone.id, member_id: 45 });
    // A phone without a name is no guest.
    assertProblem(await A.send('xita', 'POST', '/api/v1/registrations', { activity_id: anyone.id, phone: '13900000003' }), 400, undefined, 'a phone alone');
    assert.equal((await activity(A, anyone.id)).registered, 3);
  });

  test('appointment service: a slot is required and on the grid; each slot has its places and its waiting list', async () => {
    const d = week(6);
    const books = await count(A, '/api/v1/bookings');
    const bad = [
      [{ slot_minutes: 40, slot_capacity: 1 }, '/slot_minutes', '40 minutes do not divide 90'],
      [{ slot_minutes: 30 }, '/slot_capacity', 'no slot capacity'],
      [{ slot_capacity: 1 }, '/slot_minutes', 'no slot length'],
      [{ slot_minutes: 30, slot_capacity: 4 }, '/slot_capacity', 'more per slot than in all'],
    ];
    for (const [extra, pointer, what] of bad) {
      const r = await A.send('xita', 'POST', '/api/v1/activities', { title: '预约服务', kind: 'appointment_service', host_org_id: 4, room_id: 3, start: at(d, '14:00'), end: at(d, '15:30'), capacity: 3, ...extra });
      assertProblem(r, 422, undefined, what);
      assert.ok(pointers(r).includes(pointer), `${what}: ${r.text}`);
    }
    assert.equal(await count(A, '/api/v1/bookings'), books, 'a refused appointment service booked its room');
    const svc = await make(A, 'xita', at(d, '14:00'), at(d, '15:30'), { kind: 'appointment_service', capacity: 3, slot_minutes: 30, slot_capacity: 1 });
    assert.deepEqual([svc.slot_minutes, svc.slot_capacity], [30, 1]);

    const slotRefused = async (body, what) => assertProblem(await A.send('xita', 'POST', '/api/v1/registrations', { activity_id: svc.id, member_id: 10, ...body }), 422, 'slot', what);
    await slotRefused({}, 'no slot');
    await slotRefused({ slot_start: at(d, '14:10') }, 'off the grid');
    await slotRefused({ slot_start: at(d, '13:30') }, 'before the start');
    await slotRefused({ slot_start: at(d, '15:30') }, 'at the end');
    assert.equal((await activity(A, svc.id)).registered, 0);

    const s = {};
    const at14 = at(d, '14:00'), at1430 = at(d, '14:30'), at15 = at(d, '15:00');
    for (const [m, slot] of [[10, at14], [11, at14], [12, at1430], [13, at1430], [14, at14], [15, at15], [16, at15]])
      s[m] = await signUp(A, 'xita', { activity_id: svc.id, member_id: m, slot_start: slot });
    assert.deepEqual([s[10].slot_start, s[10].start, s[10].end], [at14, at14, at(d, '14:30')], 'a sign-up holds its slot\'s time');
    assert.deepEqual([10, 11, 12, 13, 14, 15, 16].map((m) => [s[m].status, s[m].position]), [
      ['registered', null], ['waiting', 1], ['registered', null], ['waiting', 1], ['waiting', 2], ['registered', null], ['waiting', 1],
    ]);
    let cur = await activity(A, svc.id);
    assert.deepEqual([cur.registered, cur.waiting], [3, 4]);
    // A place freed at 14:00 goes to the first waiting for 14:00, not to the 14:30 list.
    assert.equal((await cancelSignUp(A, 'xita', s[10].id)).status, 200);
    const after = {};
    for (const m of [11, 13, 14, 16]) after[m] = await registration(A, s[m].id);
    assert.deepEqual([11, 13, 14, 16].map((m) => [after[m].status, after[m].position]), [
      ['registered', null], ['waiting', 1], ['waiting', 1], ['waiting', 1],
    ]);
    cur = await activity(A, svc.id);
    assert.deepEqual([cur.registered, cur.waiting], [3, 3]);

    // A slot on an activity without slots is refused too.
    const plain = await make(A, 'xita', at(d, '16:00'), at(d, '17:00'));
    assertProblem(await A.send('xita', 'POST', '/api/v1/registrations', { activity_id: plain.id, member_id: 10, slot_start: at(d, '16:00') }), 422, 'slot', 'a slot without slots');
  });

  // ---- series ----

  test('series: sessions scheduled by fair rotation around a host\'s absence; again they exist; who may schedule', async () => {
    const [a, b, c] = [4, 5, 8];
    const made = await A.send('xita', 'POST', '/api/v1/series', { org_id: 3, name: '轮值测试系列', hosts: [a, b, c] });
    assert.equal(made.status, 201, made.text);
    const S = made.json;
    const second = addDays(THURSDAY, 7);
    const abs = await A.send('xita', 'POST', '/api/v1/host-absences', { series_id: S.id, org_id: b, day: second, reason: '支部换届' });
    assert.equal(abs.status, 201, abs.text);
    assertProblem(await A.send('xita', 'POST', '/api/v1/host-absences', { series_id: S.id, org_id: 7, day: second }), 422, undefined, 'an absence of no host');

    const body = { room_id: 3, start: at(THURSDAY, '18:00'), end: at(THURSDAY, '19:00'), rrule: 'FREQ=WEEKLY;COUNT=6', capacity: 20, kind: 'study', publish: true };
    const inSeries = () => listAll(A, 'admin', '/api/v1/activities', `&series_id=${S.id}`);
    const dry = await A.send('xita', 'POST', `/api/v1/series/${S.id}/schedule`, { ...body, dry_run: true });
    assert.equal(dry.status, 200, dry.text);
    assert.equal(dry.json.dry_run, true);
    const dates = [0, 1, 2, 3, 4, 5].map((k) => addDays(THURSDAY, 7 * k));
    assert.deepEqual(dry.json.items.map((i) => [i.start, i.end, i.skipped, i.activity]), dates.map((day) => [at(day, '18:00'), at(day, '19:00'), null, null]));
    // b is away on the second date: c hosts it, b the next; every host hosts once a round.
    const order = [a, c, b, a, c, b];
    assert.deepEqual(dry.json.items.map((i) => i.host_org_id), order);
    assert.equal((await inSeries()).length, 0, 'a dry run made activities');

    const real = await A.send('xita', 'POST', `/api/v1/series/${S.id}/schedule`, body);
    assert.equal(real.status, 201, real.text);
    assert.equal(real.json.dry_run, false);
    assert.deepEqual(real.json.items.map((i) => i.host_org_id), order, 'the dry run named the hosts that host');
    for (const [i, it] of real.json.items.entries()) {
      const x = it.activity;
      assert.ok(x, `item ${i} made an activity`);
      assert.deepEqual([x.series_id, x.host_org_id, x.title, x.kind, x.status, x.room_id, x.start, x.capacity],
        [S.id, order[i], S.name, 'study', 'published', 3, at(dates[i], '18:00'), 20]);
      assert.equal((await get(A, `/api/v1/bookings/${x.booking_id}`)).org_id, order[i], 'the host books the room');
    }
    const listed = await inSeries();
    assert.deepEqual(listed.map((x) => x.id).sort((p, q) => p - q), real.json.items.map((i) => i.activity.id).sort((p, q) => p - q));
    for (const h of [a, b, c]) assert.equal(listed.filter((x) => x.host_org_id === h).length, 2, `host ${h} hosts twice`);
    // b hosts neither on its absent day.
    assert.notEqual(listed.find((x) => x.start === at(second, '18:00')).host_org_id, b);

    // Again: the same dates exist already.
    const again = await A.send('xita', 'POST', `/api/v1/series/${S.id}/schedule`, body);
    assert.ok(again.status === 201 || again.status === 200, again.text);
    assert.deepEqual(again.json.items.map((i) => [i.start, i.skipped, i.activity]), dates.map((day) => [at(day, '18:00'), 'exists', null]));
    assert.equal((await inSeries()).length, 6);
    // The rotation goes on from where it stood: a, then c, then b.
    const next = await A.send('xita', 'POST', `/api/v1/series/${S.id}/schedule`, {
      ...body, start: at(addDays(THURSDAY, 42), '18:00'), end: at(addDays(THURSDAY, 42), '19:00'), rrule: 'FREQ=WEEKLY;COUNT=3', dry_run: true,
    });
    assert.equal(next.status, 200, next.text);
    assert.deepEqual(next.json.items.map((i) => i.host_org_id), [a, c, b]);

    // Refusals, which make nothing.
    const later = { ...body, start: at(addDays(THURSDAY, 70), '18:00'), end: at(addDays(THURSDAY, 70), '19:00'), rrule: 'FREQ=WEEKLY;COUNT=2' };
    const bad = [
      ['xita', { ...later, host_org_id: a }, 400, 'host_org_id in the body'],
      ['xita', { ...later, rrule: 'FREQ=WEEKLY' }, 400, 'an endless rule'],
      ['xita', { ...later, rrule: undefined }, 400, 'no rule'],
      ['zhongke', later, 403, 'a branch secretary'],
      ['xita_station', later, 403, 'a station manager'],
      ['fuli', later, 403, 'another committee'],
      [null, later, 401, 'nobody'],
    ];
    for (const [user, b2, status, what] of bad)
      assertProblem(await A.send(user, 'POST', `/api/v1/series/${S.id}/schedule`, b2), status, undefined, what);
    assert.equal((await inSeries()).length, 6, 'a refused scheduling made activities');
    // All sessions or none: the room taken on the second date refuses the first as well.
    const blocked = addDays(THURSDAY, 77);
    const taken = await A.send('admin', 'POST', '/api/v1/bookings', { room_id: 3, org_id: 4, start: at(blocked, '18:30'), end: at(blocked, '19:30'), title: '占用', attendance: 5 });
    assert.equal(taken.status, 201, taken.text);
    const books = await count(A, '/api/v1/bookings');
    const partial = await A.send('xita', 'POST', `/api/v1/series/${S.id}/schedule`, later);
    assertProblem(partial, 409, 'overlap', 'a session whose room is taken');
    assert.ok(partial.json.detail.includes(blocked), `the refusal names the date: ${partial.json.detail}`);
    assert.equal((await inSeries()).length, 6, 'the sessions before the refused one were kept');
    assert.equal(await count(A, '/api/v1/bookings'), books, 'the sessions before the refused one kept their rooms');
    assertProblem(await A.send('zhongke', 'POST', '/api/v1/series', { org_id: 3, name: '支部系列', hosts: [4] }), 403, undefined, 'a branch secretary makes a series');
  });

  // ---- political birthdays ----

  test('political birthdays: the month\'s gathering invites those admitted in that month of an earlier year, once', async () => {
    // A month past the demo's (next month's); one whose 15th is a Friday if there is one,
    // since the gathering goes on the first weekday from the 15th.
    const months = [3, 4, 5, 6, 7, 8, 9, 10, 11].map(monthAhead);
    const month = months.find((m) => weekday(`${m}-15`) === 5) || months[0];
    const mm = Number(month.slice(5));
    // Who: the members of org 3's subtree admitted in that month of an earlier year, still in.
    const inTree = await listAll(A, 'xita', '/api/v1/members', `&within=3&admitted_month=${mm}`);
    const expected = inTree.filter((m) => m.left_as === null && m.admitted_on && m.admitted_on < `${month}-01`);
    assert.ok(expected.length > 0, `nobody to invite in ${month}`);
    const listed = await get(A, `/api/v1/birthdays?month=${mm}&org_id=3`, 'xita');
    assert.deepEqual(listed.items.filter((m) => m.admitted_on < `${month}-01`).map((m) => m.member_id).sort((p, q) => p - q),
      expected.map((m) => m.id).sort((p, q) => p - q), 'the birthdays list agrees with the register');

    const r = await A.send('xita', 'POST', '/api/v1/orgs/3/birthday-gatherings', { month });
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.created, true);
    assert.equal(r.json.invited, expected.length);
    assert.equal(r.json.already_invited, 0);
    const g = r.json.activity;
    let day = `${month}-15`;
    while (weekday(day) > 5) day = addDays(day, 1);
    assert.deepEqual([g.kind, g.title, g.status, g.host_org_id, g.room_id, g.birthday_month, g.audience],
      ['political_birthday', `${month.slice(0, 4)}年${mm}月政治生日会`, 'published', 3, 1, month, 'committee']);
    assert.equal(ms(g.end) - ms(g.start), 90 * MIN);
    assert.equal(g.registered, expected.length);
    const regs = await listAll(A, 'xita', '/api/v1/registrations', `&activity_id=${g.id}`);
    assert.deepEqual(regs.map((x) => x.member_id).sort((p, q) => p - q), expected.map((m) => m.id).sort((p, q) => p - q));
    for (const x of regs) {
      const m = expected.find((e) => e.id === x.member_id);
      assert.deepEqual([x.source, x.status, x.membership_years], ['invited', 'registered', yearsBetween(m.admitted_on, g.start.slice(0, 10))], `member ${m.id}`);
    }

    const again = await A.send('xita', 'POST', '/api/v1/orgs/3/birthday-gatherings', { month });
    assert.equal(again.status, 200, again.text);
    assert.deepEqual([again.json.created, again.json.invited, again.json.already_invited, again.json.activity.id], [false, 0, expected.length, g.id]);
    assert.equal((await activity(A, g.id)).registered, expected.length);
    // The demo made next month's already.
    const demo = await A.send('xita', 'POST', '/api/v1/orgs/3/birthday-gatherings', { month: monthAhead(1) });
    assert.equal(demo.status, 200, demo.text);
    assert.deepEqual([demo.json.created, demo.json.invited], [false, 0]);

    const acts = await count(A, '/api/v1/activities');
    for (const [body, status, what] of [
      [{ month: 'abc' }, 400, 'a month that is none'], [{ month: `${month.slice(0, 4)}-13` }, 400, 'month 13'],
      [{}, 400, 'no month'], [{ month, colour: 'red' }, 400, 'an unknown field'], [{ month: monthAhead(10), minutes: 10 }, 400, '10 minutes'],
    ]) assertProblem(await A.send('xita', 'POST', '/api/v1/orgs/3/birthday-gatherings', body), status, undefined, what);
    // a branch secretary does not read its committee: not there for it
    assertProblem(await A.send('zhongke', 'POST', '/api/v1/orgs/3/birthday-gatherings', { month: monthAhead(10) }), 404, undefined, 'a branch secretary');
    assertProblem(await A.send(null, 'POST', '/api/v1/orgs/3/birthday-gatherings', { month: monthAhead(10) }), 401, undefined, 'nobody');
    assert.equal(await count(A, '/api/v1/activities'), acts);
    // Last, as it depends on the calendar: the first weekday (Monday to Friday) from the 15th.
    assert.equal(g.start, at(day, '19:00'), `the first weekday from ${month}-15 (a ${['', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'][weekday(`${month}-15`)]}day), at 19:00`);
  });

  // ---- feeds ----

  test('feeds: a station\'s and a series\' activities are public iCalendar; one\'s own sign-ups need sign-in', async () => {
    const d = week(7);
    const F = (await A.send('xita', 'POST', '/api/v1/series', { org_id: 3, name: '订阅测试系列', hosts: [4] })).json;
    const F2r = await A.send('xita', 'POST', '/api/v1/series', { org_id: 3, parent_id: F.id, name: '订阅子系列', hosts: [4] });
    assert.equal(F2r.status, 201, F2r.text);
    const F2 = F2r.json;
    const p = await make(A, 'zhongke', at(d, '10:00'), at(d, '11:00'), { series_id: F.id, title: '订阅：党课' });
    const q = await make(A, 'zhongke', at(d, '11:00'), at(d, '12:00'), { series_id: F2.id });
    const other = await make(A, 'zhongke', at(d, '12:00'), at(d, '13:00'));
    const draft = await make(A, 'zhongke', at(d, '13:00'), at(d, '14:00'), { publish: undefined, series_id: F.id });
    const gone = await make(A, 'zhongke', at(d, '14:00'), at(d, '15:00'));
    await signUp(A, 'member', { activity_id: p.id });
    const dropped = await signUp(A, 'member', { activity_id: other.id });
    assert.equal((await cancelSignUp(A, 'member', dropped.id)).status, 200);
    await signUp(A, 'member', { activity_id: gone.id });
    assert.equal((await activityVerb(A, 'zhongke', gone.id, 'cancel')).status, 200);

    const station = assertCalendar(await A.send(null, 'GET', '/api/v1/stations/1/activities.ics'), 'station feed');
    const ev = station.find((e) => e.UID === uid(p));
    assert.ok(ev, 'the published activity is in the station feed');
    assert.deepEqual([ev.DTSTART, ev.DTEND, ev.STATUS], [icalUtc(p.start), icalUtc(p.end), 'CONFIRMED']);
    assert.ok(ev.SUMMARY.includes('订阅：党课'), ev.SUMMARY);
    assert.ok(station.some((e) => e.UID === uid(q)) && station.some((e) => e.UID === uid(other)));
    assert.ok(!station.some((e) => e.UID === uid(draft)), 'a draft in the public feed');
    assert.equal(station.find((e) => e.UID === uid(gone))?.STATUS ?? 'CANCELLED', 'CANCELLED');
    assert.ok(station.every((e) => /^activity-\d+@louyu$/.test(e.UID)));
    const two = assertCalendar(await A.send(null, 'GET', '/api/v1/stations/2/activities.ics'), 'station 2 feed');
    assert.ok(!two.some((e) => e.UID === uid(p)), 'station 1\'s activity in station 2\'s feed');

    const series = assertCalendar(await A.send(null, 'GET', `/api/v1/series/${F.id}/activities.ics`), 'series feed');
    assert.deepEqual(series.map((e) => e.UID).sort(), [uid(p), uid(q)].sort(), 'the series and its sub-series, published');
    const sub = assertCalendar(await A.send(null, 'GET', `/api/v1/series/${F2.id}/activities.ics`), 'sub-series feed');
    assert.deepEqual(sub.map((e) => e.UID), [uid(q)]);
    assert.equal((await A.send(null, 'GET', '/api/v1/series/999999/activities.ics')).status, 404);
    assert.equal((await A.send(null, 'GET', '/api/v1/stations/999/activities.ics')).status, 404);

    assertProblem(await A.send(null, 'GET', '/api/v1/registrations/calendar.ics'), 401, undefined, 'own feed, nobody');
    const mine = assertCalendar(await A.send('member', 'GET', '/api/v1/registrations/calendar.ics'), 'own feed');
    assert.ok(mine.some((e) => e.UID === uid(p)), 'the member\'s sign-up is in their feed');
    for (const x of [q, other, draft]) assert.ok(!mine.some((e) => e.UID === uid(x)), `activity ${x.id} is none of the member's sign-ups`);
    assert.ok(!mine.some((e) => e.UID === uid(gone)), 'a cancelled sign-up in the feed');
    const theirs = assertCalendar(await A.send('xita_station', 'GET', '/api/v1/registrations/calendar.ics'), 'another\'s own feed');
    assert.ok(!theirs.some((e) => e.UID === uid(p)), 'the member\'s sign-up in another user\'s feed');
  });

  test('attendance queries: bad years are 400, organisations need sign-in', async () => {
    for (const path of ['/api/v1/orgs/3/attendance', '/api/v1/series/1/attendance', '/api/v1/members/1/attendance'])
      for (const q of ['year=abc', 'year=1999', 'year=2201', 'year=', 'colour=red'])
        assertProblem(await A.send('admin', 'GET', `${path}?${q}`), 400, undefined, `${path}?${q}`);
    assertProblem(await A.send(null, 'GET', '/api/v1/orgs/3/attendance'), 401, undefined, 'nobody');
    const all = await get(A, '/api/v1/orgs/3/attendance?year=all', 'xita');
    assert.equal(all.org_id, 3);
    assert.equal(all.year, 'all');
    const now = await get(A, '/api/v1/orgs/3/attendance', 'xita');
    assert.equal(now.year, Number(localDate(0).slice(0, 4)), 'the default is this year');
    assert.equal((await A.send(null, 'GET', '/api/v1/series/1/attendance')).status, 200, 'series attendance is public');
  });
});

// ---- check-in, on a server whose clock is moved to the day of the activities ----

describe('checking in, undoing, and attendance that adds up', () => {
  // A Wednesday far past the demo's calendar; the server's clock stands at 09:00 there.
  const D = nextWeekday(3, 75);
  const Y = Number(D.slice(0, 4));
  const OFFSET = secondsUntil(at(D, '09:00'));
  const ARGS = ['--sweep-every', '3600'];
  let fresh, B;
  const users = {};
  let S, K1, K2, K3, K4, K5, base3, baseAll;
  const phones = {};
  let code1; // K1's code, shown in the first minutes
  let guestCheckin;

  before(async () => {
    fresh = freshDb();
    B = await client(await movedServer(fresh.db, OFFSET, ARGS));
    for (const u of await listAll(B, 'admin', '/api/v1/users')) users[u.username] = u;
    await setStation(B, 1, { opening_hours: EVERY_DAY, booking_rules: ROOMY });
    base3 = await get(B, `/api/v1/orgs/3/attendance?year=${Y}`, 'xita');
    baseAll = await get(B, '/api/v1/orgs/3/attendance?year=all', 'xita');
    S = (await B.send('xita', 'POST', '/api/v1/series', { org_id: 3, name: '签到测试系列', hosts: [4] })).json;
    assert.equal(typeof S.id, 'number');
    K1 = await make(B, 'zhongke', at(D, '09:20'), at(D, '10:20'), { room_id: 1, capacity: 50, series_id: S.id, title: '签到：党课' });
    K2 = await make(B, 'zhongke', at(D, '09:05'), at(D, '09:20'), { room_id: 3, kind: 'volunteer_service', series_id: S.id, title: '签到：志愿服务' });
    K3 = await make(B, 'zhongke', at(D, '09:15'), at(D, '10:15'), { room_id: 2, capacity: 6, kind: 'other', walk_ins: false, audience: 'anyone', title: '签到：仅限报名' });
    K4 = await make(B, 'zhongke', at(D, '12:00'), at(D, '13:00'), { room_id: 3, kind: 'study', title: '签到：午间学习' });
    K5 = await make(B, 'zhongke', at(D, '10:30'), at(D, '11:00'), { room_id: 2, capacity: 6, publish: undefined, title: '签到：草稿' });
    for (const m of [2, 3, 4, 5, 6, 7, 45]) phones[m] = (await get(B, `/api/v1/members/${m}`)).phone;
  });
  after(async () => {
    try {
      await assertStopsCleanly(B?.server);
    } finally {
      fresh?.cleanup();
    }
  });

  const att = (id, user = 'admin') => get(B, `/api/v1/activities/${id}/attendance`, user);
  const codeOf = async (id, user = 'zhongke') => (await get(B, `/api/v1/activities/${id}/checkin-code`, user)).code;
  const checkIn = (user, body) => B.send(user, 'POST', '/api/v1/checkins', body);
  async function checkedIn(user, body, method) {
    const r = await checkIn(user, body);
    assert.equal(r.status, 201, `check-in ${JSON.stringify(body)} as ${user}: ${r.text}`);
    assert.equal(r.headers.get('location'), `/api/v1/checkins/${r.json.id}`);
    if (method) assert.equal(r.json.method, method, JSON.stringify(body));
    return r.json;
  }

  test('the check-in code and its QR are shown to the organisers only', async () => {
    const r = await B.send('zhongke', 'GET', `/api/v1/activities/${K1.id}/checkin-code`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('cache-control') || '', /no-store/);
    const c = r.json;
    assert.equal(c.activity_id, K1.id);
    assert.match(c.code, /^[0-9A-HJKMNP-TV-Z]{10}$/);
    assert.equal(c.url, `http://127.0.0.1:${B.server.port}/checkin?activity=${K1.id}&code=${c.code}`);
    assert.match(c.changes_at, RFC3339_CN);
    assert.ok(Number.isInteger(c.refresh_seconds) && c.refresh_seconds >= 1 && c.refresh_seconds <= 60, String(c.refresh_seconds));
    assert.equal(new Date(ms(c.changes_at)).getUTCSeconds(), 0, 'the code changes on the minute');
    code1 = c.code;
    for (const user of ['xita', 'xita_station', 'admin']) assert.equal((await B.send(user, 'GET', `/api/v1/activities/${K1.id}/checkin-code`)).status, 200, user);
    assertProblem(await B.send('member', 'GET', `/api/v1/activities/${K1.id}/checkin-code`), 403, undefined, 'a member');
    assertProblem(await B.send('fuli', 'GET', `/api/v1/activities/${K1.id}/checkin-code`), 403, undefined, 'another committee');
    assertProblem(await B.send(null, 'GET', `/api/v1/activities/${K1.id}/checkin-code`), 401, undefined, 'nobody');
    assert.equal((await B.send('zhongke', 'GET', '/api/v1/activities/999999/checkin-code')).status, 404);

    const svg = await B.send('zhongke', 'GET', `/api/v1/activities/${K1.id}/checkin-qr.svg`);
    assert.equal(svg.status, 200, svg.text);
    assert.match(svg.headers.get('content-type') || '', /^image\/svg\+xml/);
    assert.match(svg.text, /<svg[\s>]/);
    assert.match(svg.headers.get('cache-control') || '', /no-store/);
    const png = await B.bytes('xita_station', `/api/v1/activities/${K1.id}/checkin-qr.png`);
    assert.equal(png.status, 200);
    assert.match(png.headers.get('content-type') || '', /^image\/png/);
    assert.deepEqual([...png.body.slice(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
    assert.ok(png.body.length > 100);
    assertProblem(await B.send('member', 'GET', `/api/v1/activities/${K1.id}/checkin-qr.svg`), 403, undefined, 'a member\'s SVG');
    assert.equal((await B.bytes('member', `/api/v1/activities/${K1.id}/checkin-qr.png`)).status, 403);
  });

  test('a member checks in by the code once; a forged or another activity\'s code changes nothing', async () => {
    const mine = await signUp(B, 'member', { activity_id: K1.id });
    await signUp(B, 'member', { activity_id: K2.id });
    const booking = await get(B, `/api/v1/bookings/${K1.booking_id}`);
    assert.equal(booking.checked_in_at, null);
    const code = await codeOf(K1.id);
    // Forged codes first: nothing is written.
    const forged = code.slice(0, 9) + (code[9] === '7' ? '8' : '7');
    for (const bad of [forged, 'NOTACODE00', 'abc', await codeOf(K2.id)])
      assertProblem(await checkIn('member', { activity_id: K1.id, code: bad }), 403, 'code', `code ${bad}`);
    assertProblem(await checkIn('xita_station', { activity_id: K1.id, code: forged }), 403, 'code', 'a forged code, someone else');
    assert.equal((await activity(B, K1.id)).checked_in, 0);
    assert.equal((await att(K1.id)).checked_in, 0);
    assertProblem(await checkIn(null, { activity_id: K1.id, code }), 401, undefined, 'nobody');

    const k = await checkedIn('member', { activity_id: K1.id, code }, 'scan');
    assert.deepEqual([k.activity_id, k.member_id, k.user_id, k.registration_id, k.by_user, k.undone_at],
      [K1.id, users.member.member_id, users.member.id, mine.id, null, null]);
    assert.match(k.at, RFC3339_CN);
    assert.equal((await activity(B, K1.id)).checked_in, 1);
    assert.notEqual((await get(B, `/api/v1/bookings/${K1.booking_id}`)).checked_in_at, null, 'the room\'s booking is checked in with the first person');
    // Again, and in lower case: the same check-in, counted once.
    for (const again of [code, code.toLowerCase()]) {
      const r = await checkIn('member', { activity_id: K1.id, code: again });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.id, k.id);
    }
    assertProblem(await checkIn('member', { activity_id: K1.id, code: forged }), 403, 'code', 'a forged code after checking in');
    assert.equal((await activity(B, K1.id)).checked_in, 1);
    assert.equal((await att(K1.id)).checked_in, 1);
    // The volunteer service too, by its own code.
    await checkedIn('member', { activity_id: K2.id, code: await codeOf(K2.id, 'xita') }, 'scan');
    // Members see their own check-ins.
    const own = await listAll(B, 'member', '/api/v1/checkins');
    assert.ok(own.some((x) => x.id === k.id));
    assert.ok(own.every((x) => x.member_id === users.member.member_id || x.user_id === users.member.id));
  });

  test('at the desk: by sign-up, member, phone or guest name; walk-ins where welcome; the window and the status', async () => {
    const r2 = await signUp(B, 'xita', { activity_id: K1.id, member_id: 2 });
    const r3 = await signUp(B, 'xita', { activity_id: K1.id, member_id: 3 });
    const r4 = await signUp(B, 'xita', { activity_id: K1.id, member_id: 4 });
    const k2 = await checkedIn('xita', { activity_id: K1.id, registration_id: r2.id }, 'desk');
    assert.deepEqual([k2.member_id, k2.registration_id, k2.by_user], [2, r2.id, users.xita.id]);
    const k3 = await checkedIn('zhongke', { activity_id: K1.id, member_id: 3 }, 'desk');
    assert.deepEqual([k3.member_id, k3.registration_id], [3, r3.id]);
    const k4 = await checkedIn('xita_station', { activity_id: K1.id, phone: phones[4] }, 'desk');
    assert.deepEqual([k4.member_id, k4.registration_id], [4, r4.id]);
    // Without a sign-up: a walk-in, where walk-ins are welcome and the audience admits them.
    const k6 = await checkedIn('xita', { activity_id: K1.id, member_id: 6 }, 'walk_in');
    assert.deepEqual([k6.member_id, k6.registration_id], [6, null]);
    guestCheckin = await checkedIn('xita', { activity_id: K1.id, guest_name: '李访客' }, 'walk_in');
    assert.deepEqual([guestCheckin.member_id, guestCheckin.name], [null, '李访客']);
    await checkedIn('xita', { activity_id: K2.id, member_id: 2 }, 'walk_in');
    // Checking in again at the desk is the same check-in.
    const again = await checkIn('xita', { activity_id: K1.id, member_id: 2 });
    assert.equal(again.status, 200, again.text);
    assert.equal(again.json.id, k2.id);

    const before = (await activity(B, K1.id)).checked_in;
    assert.equal(before, 6);
    const refusals = [
      ['xita', { activity_id: K1.id, member_id: 45 }, 422, 'audience', 'a member of org 6 at a committee activity'],
      ['xita', { activity_id: K1.id, phone: '13999999999' }, 422, undefined, 'a phone of nobody, no guest name'],
      ['xita', { activity_id: K1.id, registration_id: r2.id, member_id: 2 }, 400, undefined, 'two ways at once'],
      ['member', { activity_id: K1.id, member_id: 7 }, 403, undefined, 'a member at the desk'],
      ['fuli', { activity_id: K1.id, member_id: 7 }, 403, undefined, 'another committee at the desk'],
      ['xita', { activity_id: 999999, member_id: 7 }, 422, undefined, 'no such activity'],
    ];
    for (const [user, body, status, rule, what] of refusals) assertProblem(await checkIn(user, body), status, rule, what);
    assert.equal((await activity(B, K1.id)).checked_in, before, 'a refused check-in was counted');

    // Only those signed up, where walk-ins are not welcome.
    const guest = await signUp(B, 'xita', { activity_id: K3.id, name: '王嘉宾', phone: '13800000002' });
    const kg = await checkedIn('xita', { activity_id: K3.id, phone: '13800000002' }, 'desk');
    assert.deepEqual([kg.member_id, kg.registration_id], [null, guest.id]);
    for (const [user, body] of [
      ['xita', { activity_id: K3.id, member_id: 5 }],
      ['xita', { activity_id: K3.id, guest_name: '不速之客' }],
      ['member', { activity_id: K3.id, code: await codeOf(K3.id) }],
    ]) assertProblem(await checkIn(user, body), 409, 'not_registered', JSON.stringify(body));
    assert.equal((await activity(B, K3.id)).checked_in, 1);

    // Too early for the noon study (check-in opens at 11:30); a draft is no activity to come to.
    const r = await signUp(B, 'member', { activity_id: K4.id });
    assertProblem(await checkIn('member', { activity_id: K4.id, code: await codeOf(K4.id) }), 409, 'check_in_window', 'scan too early');
    assertProblem(await checkIn('xita', { activity_id: K4.id, registration_id: r.id }), 409, 'check_in_window', 'desk too early');
    assertProblem(await checkIn('xita', { activity_id: K5.id, member_id: 7 }), 409, 'status', 'a draft');
    assert.equal((await activity(B, K4.id)).checked_in, 0);
    assert.equal((await activity(B, K5.id)).checked_in, 0);
    // Last: the guest found by phone is checked in under the name they signed up with, as
    // by their sign-up's id (and so found at the desk by name).
    assert.equal(kg.name, guest.name, 'a guest checked in by phone');
    assert.ok((await listAll(B, 'xita', '/api/v1/checkins', `&activity_id=${K3.id}&q=${encodeURIComponent('王嘉宾')}`)).some((k) => k.id === kg.id), 'the desk finds the guest by name');
  });

  test('attendance adds up across the activity, its organisations, its series and its members', async () => {
    // Live now: K1 member 1 (scan), 2, 3, 4 (desk), 6 and a guest (walk-ins); K2 (a
    // volunteer quarter-hour) member 1 (scan), 2 (walk-in); K3 a signed-up guest (desk).
    const a1 = await att(K1.id, null);
    assert.deepEqual(a1, {
      activity_id: K1.id, registered: 4, waiting: 0, cancelled: 0, checked_in: 6, members: 5, guests: 1,
      walk_ins: 2, scanned: 1, at_desk: 3, no_shows: 0, volunteer_minutes: 0,
    });
    const a2 = await att(K2.id);
    assert.deepEqual([a2.registered, a2.checked_in, a2.members, a2.guests, a2.walk_ins, a2.scanned, a2.at_desk, a2.no_shows, a2.volunteer_minutes],
      [1, 2, 2, 0, 1, 1, 0, 0, 30]);
    const a3 = await att(K3.id);
    assert.deepEqual([a3.registered, a3.checked_in, a3.members, a3.guests, a3.at_desk, a3.no_shows], [1, 1, 0, 1, 1, 0]);
    const a4 = await att(K4.id);
    assert.deepEqual([a4.registered, a4.checked_in, a4.no_shows], [1, 0, 1]);
    for (const [k, a] of [[K1, a1], [K2, a2], [K3, a3], [K4, a4]])
      assert.equal((await activity(B, k.id)).checked_in, a.checked_in, `activity ${k.id}'s count`);
    const checkins = a1.checked_in + a2.checked_in + a3.checked_in + a4.checked_in;
    assert.equal(checkins, 9);
    assert.equal((await listAll(B, 'xita', '/api/v1/checkins')).filter((k) => [K1, K2, K3, K4].some((x) => x.id === k.activity_id) && k.undone_at === null).length, checkins);

    // The organisations above the host: the same figures, this year and all time.
    assert.equal(base3.person_times, 0, 'a fresh demo has no check-ins');
    const expect = { person_times: 9, people: 7, members: 5, guests: 2, volunteer_minutes: 30 };
    for (const [org, user] of [[3, 'xita'], [4, 'zhongke'], [1, 'admin']]) {
      for (const [year, base] of [[Y, org === 3 ? base3 : null], ['all', org === 3 ? baseAll : null]]) {
        const o = await get(B, `/api/v1/orgs/${org}/attendance?year=${year}`, user);
        assert.equal(o.org_id, org);
        assert.equal(o.year, year);
        for (const [k, v] of Object.entries(expect)) assert.equal(o[k], v + (base ? base[k] : 0), `org ${org} ${year}: ${k}`);
        assert.equal(o.volunteer_hours, 0.5);
        if (base) {
          assert.equal(o.activities, base.activities + 4, `org ${org} ${year}: the four published activities`);
          const kinds = Object.fromEntries(o.by_kind.map((x) => [x.kind, x.activities]));
          const was = Object.fromEntries(base.by_kind.map((x) => [x.kind, x.activities]));
          for (const kind of ['party_lesson', 'volunteer_service', 'other', 'study']) assert.equal(kinds[kind], (was[kind] || 0) + 1, kind);
          assert.equal(o.by_kind.reduce((s, x) => s + x.activities, 0), o.activities);
        }
      }
    }
    const other = await get(B, `/api/v1/orgs/3/attendance?year=${Y + 1}`, 'xita');
    assert.equal(other.person_times, 0, 'another year');
    assert.equal((await get(B, `/api/v1/orgs/6/attendance?year=${Y}`, 'fuli')).person_times, 0, 'org 6 hosted none');
    assert.equal((await B.send('fuli', 'GET', `/api/v1/orgs/3/attendance?year=${Y}`)).status, 404, 'fuli reads org 3\'s');

    // The series: K1 and K2.
    const s = await get(B, `/api/v1/series/${S.id}/attendance?year=${Y}`, null);
    assert.deepEqual([s.series_id, s.year, s.activities, s.person_times, s.people, s.members, s.guests, s.volunteer_minutes],
      [S.id, Y, 2, 8, 6, 5, 1, 30]);
    assert.deepEqual(s.by_kind, [{ kind: 'party_lesson', activities: 1 }, { kind: 'volunteer_service', activities: 1 }]);
    assert.equal((await get(B, `/api/v1/series/${S.id}/attendance?year=all`, null)).person_times, 8);
    assert.equal((await get(B, `/api/v1/series/${S.id}/attendance?year=${Y + 1}`, null)).person_times, 0);

    // The members: what each attended, adding up to the members' person-times.
    const me = await get(B, `/api/v1/members/${users.member.member_id}/attendance?year=${Y}`, 'member');
    assert.deepEqual(me.items.map((x) => [x.activity_id, x.method, x.host_org_id]), [[K2.id, 'scan', 4], [K1.id, 'scan', 4]], 'by start');
    assert.deepEqual([me.member_id, me.activities, me.person_times, me.people, me.members, me.guests, me.volunteer_minutes], [users.member.member_id, 2, 2, 1, 1, 0, 15]);
    assert.equal(me.items[1].title, '签到：党课');
    assert.match(me.items[0].checked_in_at, RFC3339_CN);
    assert.deepEqual(await get(B, `/api/v1/members/${users.member.member_id}/attendance?year=${Y}`, 'zhongke'), me);
    let members = 0;
    for (const [m, n, methods] of [[1, 2, ['scan', 'scan']], [2, 2, ['walk_in', 'desk']], [3, 1, ['desk']], [4, 1, ['desk']], [6, 1, ['walk_in']], [7, 0, []]]) {
      const x = await get(B, `/api/v1/members/${m}/attendance?year=${Y}`, 'xita');
      assert.equal(x.person_times, n, `member ${m}`);
      assert.deepEqual(x.items.map((i) => i.method), methods, `member ${m}`);
      members += x.person_times;
    }
    assert.equal(members + 2, expect.person_times, 'members\' times and the two guests\' make the organisation\'s');
    assert.equal((await B.send('fuli', 'GET', `/api/v1/members/1/attendance?year=${Y}`)).status, 404, 'fuli reads member 1\'s');
    assert.equal((await B.send('member', 'GET', `/api/v1/members/45/attendance?year=${Y}`)).status, 404, 'a member reads one of another branch');
    assertProblem(await B.send(null, 'GET', `/api/v1/members/1/attendance?year=${Y}`), 401, undefined, 'nobody');
  });

  test('undo: the check-in stays on record, every count drops, and a second undo is refused', async () => {
    assert.ok(guestCheckin, 'the desk test checked a guest in');
    const [a, o, s] = [await att(K1.id), await get(B, `/api/v1/orgs/3/attendance?year=${Y}`, 'xita'), await get(B, `/api/v1/series/${S.id}/attendance?year=${Y}`, null)];
    // A member reads their own check-in but undoes none; another's they do not see.
    const own = (await listAll(B, 'member', '/api/v1/checkins', `&activity_id=${K1.id}`)).find((k) => k.member_id === users.member.member_id);
    assertProblem(await B.send('member', 'POST', `/api/v1/checkins/${own.id}/undo`), 403, undefined, 'a member undoes their own');
    assertProblem(await B.send('member', 'POST', `/api/v1/checkins/${guestCheckin.id}/undo`), 404, undefined, 'a member undoes another\'s');
    assert.equal((await att(K1.id)).checked_in, a.checked_in);
    const r = await B.send('xita', 'POST', `/api/v1/checkins/${guestCheckin.id}/undo`);
    assert.equal(r.status, 200, r.text);
    assert.match(r.json.undone_at, RFC3339_CN);
    assert.equal(r.json.undone_by, users.xita.id);
    assert.equal((await get(B, `/api/v1/checkins/${guestCheckin.id}`)).undone_at, r.json.undone_at);
    const a2 = await att(K1.id);
    assert.deepEqual([a2.checked_in, a2.guests, a2.walk_ins, a2.members], [a.checked_in - 1, a.guests - 1, a.walk_ins - 1, a.members]);
    assert.equal((await activity(B, K1.id)).checked_in, a.checked_in - 1);
    const o2 = await get(B, `/api/v1/orgs/3/attendance?year=${Y}`, 'xita');
    assert.deepEqual([o2.person_times, o2.people, o2.guests, o2.members], [o.person_times - 1, o.people - 1, o.guests - 1, o.members]);
    const s2 = await get(B, `/api/v1/series/${S.id}/attendance?year=${Y}`, null);
    assert.deepEqual([s2.person_times, s2.people, s2.guests], [s.person_times - 1, s.people - 1, s.guests - 1]);
    assertProblem(await B.send('xita', 'POST', `/api/v1/checkins/${guestCheckin.id}/undo`), 409, 'status', 'a second undo');
    assert.equal((await att(K1.id)).checked_in, a.checked_in - 1);

    // A member's check-in undone and made again: one time, counted once.
    const k6 = (await listAll(B, 'xita', '/api/v1/checkins', `&activity_id=${K1.id}&member_id=6`)).find((k) => k.undone_at === null);
    assert.ok(k6, 'member 6\'s live check-in');
    assert.equal((await B.send('zhongke', 'POST', `/api/v1/checkins/${k6.id}/undo`)).status, 200);
    const m6 = await get(B, `/api/v1/members/6/attendance?year=${Y}`, 'xita');
    assert.equal(m6.person_times, 0);
    const o3 = await get(B, `/api/v1/orgs/3/attendance?year=${Y}`, 'xita');
    assert.deepEqual([o3.person_times, o3.people, o3.members], [o2.person_times - 1, o2.people - 1, o2.members - 1]);
    const back = await checkedIn('xita', { activity_id: K1.id, member_id: 6 }, 'walk_in');
    assert.notEqual(back.id, k6.id);
    assert.deepEqual(await get(B, `/api/v1/orgs/3/attendance?year=${Y}`, 'xita'), o2);
    assert.equal((await att(K1.id)).checked_in, a.checked_in - 1);
  });

  test('minutes later the old code is refused; days later only the desk checks in, and ended activities are held', async () => {
    assert.ok(code1, 'the code test read a code');
    // Three minutes on: the code shown then has expired.
    await assertStopsCleanly(B.server);
    B = await client(await movedServer(fresh.db, OFFSET + 180, ARGS));
    assertProblem(await checkIn('member', { activity_id: K1.id, code: code1 }), 403, 'code', 'a code three minutes old');
    const fresh1 = await codeOf(K1.id);
    assert.notEqual(fresh1, code1);
    const r = await checkIn('member', { activity_id: K1.id, code: fresh1 });
    assert.equal(r.status, 200, r.text);

    // Two days on, at noon: K1 ended two days ago at 10:20 (the desk closed at 10:20 today),
    // K4 at 13:00 (the desk is open until 13:00 today).
    await assertStopsCleanly(B.server);
    B = await client(await movedServer(fresh.db, secondsUntil(at(addDays(D, 2), '12:00')), ARGS));
    let held = null;
    for (let i = 0; i < 100 && held === null; i++) {
      const x = await activity(B, K4.id);
      if (x.status === 'held') held = x;
      else await new Promise((res) => setTimeout(res, 100));
    }
    assert.ok(held, 'the sweep marks an ended activity held');
    for (const k of [K1, K2, K3]) assert.equal((await activity(B, k.id)).status, 'held');
    assert.equal((await activity(B, K5.id)).status, 'draft', 'a draft is not held');

    const reg = (await listAll(B, 'member', '/api/v1/registrations', `&activity_id=${K4.id}`))[0];
    assertProblem(await checkIn('member', { activity_id: K4.id, code: await codeOf(K4.id) }), 409, 'check_in_window', 'scanning after the end');
    const late = await checkedIn('xita', { activity_id: K4.id, registration_id: reg.id }, 'desk');
    assert.equal(late.member_id, users.member.member_id);
    assert.equal((await att(K4.id)).checked_in, 1);
    assertProblem(await checkIn('xita', { activity_id: K1.id, member_id: 7 }), 409, 'check_in_window', 'the desk two days after the end');
    assertProblem(await B.send('xita', 'POST', '/api/v1/registrations', { activity_id: K4.id, member_id: 7 }), 409, 'status', 'signing up for a held activity');
    const r3 = (await listAll(B, 'xita', '/api/v1/registrations', `&activity_id=${K1.id}&member_id=3`))[0];
    assertProblem(await cancelSignUp(B, 'xita', r3.id), 409, 'past', 'cancelling a sign-up after the end');
    const me = await get(B, `/api/v1/members/${users.member.member_id}/attendance?year=${Y}`, 'member');
    assert.deepEqual(me.items.map((x) => x.activity_id), [K2.id, K1.id, K4.id]);
  });
});

// ---- the command line ----

test('louyu birthdays schedule makes the month\'s gathering; bad usage exits 2', () => {
  const fresh = freshDb();
  try {
    const month = monthAhead(2);
    const title = `${month.slice(0, 4)}年${Number(month.slice(5))}月政治生日会`;
    const r = louyu(['birthdays', 'schedule', '--org', '3', '--month', month, '--db', fresh.db]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.includes(title), r.stdout);
    const made = /activity (\d+)/.exec(r.stdout);
    assert.ok(made, r.stdout);
    const invited = /invited (\d+)/.exec(r.stdout);
    assert.ok(invited && Number(invited[1]) > 0, r.stdout);
    const again = louyu(['birthdays', 'schedule', '--org', '3', '--month', month, '--db', fresh.db]);
    assert.equal(again.status, 0, again.stderr);
    assert.ok(again.stdout.includes(`activity ${made[1]}`), again.stdout);
    assert.match(again.stdout, /invited 0\b/);
    for (const args of [
      ['birthdays', 'schedule', '--org', '3', '--db', fresh.db],
      ['birthdays', 'schedule', '--month', month, '--db', fresh.db],
      ['birthdays', 'schedule', '--org', '3', '--month', month, '--colour', 'red', '--db', fresh.db],
      ['birthdays', 'plan', '--org', '3', '--month', month, '--db', fresh.db],
      ['birthdays'],
    ]) {
      const x = louyu(args);
      assert.equal(x.status, 2, `${args.join(' ')}: ${x.stdout} ${x.stderr}`);
      assert.ok(x.stderr.length > 0, args.join(' '));
    }
  } finally {
    fresh.cleanup();
  }
});
