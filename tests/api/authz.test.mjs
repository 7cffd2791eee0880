// The authorization matrix: every route of `louyu routes` × every kind of caller, with
// the status a representative request must get, plus the scoping of lists.
//
// The callers (demo users, see src/domain/demo.c):
//   anonymous     no session
//   admin         everything
//   xita          committee_admin of 西塔楼宇党委 (org 3): this subtree (orgs 3, 4, partner 5,
//                 station 1 and its rooms 1–3)
//   fuli          committee_admin of 富力物业党委 (org 6): another subtree
//   xita_station  station_manager of the West Tower station (station 1)
//   zhongke       branch_secretary of 中科科创 (org 4, below org 3)
//   member        member of org 4
// Targets are chosen inside the West Tower subtree, so that the roles differ.
//
// Every role runs against its own server with a fresh demo database (in parallel), so a
// write by one role never changes what another role's row means. Writes send valid
// bodies (the status reflects access, not validation); deletes and updates that would
// spoil later rows act on throwaway records that the admin creates first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, signIn, louyu, DEMO_PASSWORD } from './lib.mjs';

const ROLES = ['anonymous', 'admin', 'xita', 'fuli', 'xita_station', 'zhongke', 'member'];

// Expected statuses in the order of ROLES.
const S = (anonymous, admin, xita, fuli, xita_station, zhongke, member) =>
  ({ anonymous, admin, xita, fuli, xita_station, zhongke, member });
const ALL = (s) => S(s, s, s, s, s, s, s);
const SIGNED_IN = (s) => S(401, s, s, s, s, s, s);
const ADMIN_ONLY = (s) => S(401, s, 403, 403, 403, 403, 403);

let uniq = 0;
const n = () => `${process.pid}_${++uniq}`;

// What the admin makes before a row runs (the admin's own session, on the role's server).
const make = {
  async record(adm, kind, body) {
    const r = await adm.request('POST', `/api/v1/${kind}`, body);
    assert.equal(r.status, 201, `setup: POST /api/v1/${kind}: ${r.text}`);
    return r.json;
  },
  async version(adm, path) {
    const r = await adm.request('GET', path);
    assert.equal(r.status, 200, `setup: GET ${path}: ${r.text}`);
    return r.json.version;
  },
  building: (adm) => make.record(adm, 'buildings',
    { name: `临时大厦${n()}`, address: '珠江新城临时路1号', latitude: 23.12, longitude: 113.32 }),
  station: (adm) => make.record(adm, 'stations',
    { building_id: 1, name: `临时服务站${n()}`, area_m2: 80, org_id: 3 }),
  room: (adm) => make.record(adm, 'rooms',
    { station_id: 1, name: `临时房间${n()}`, kind: 'talk_room', capacity: 4 }),
  org: (adm, parent_id) => make.record(adm, 'orgs', { parent_id, name: `临时支部${n()}`, kind: 'branch' }),
  partner: (adm) => make.record(adm, 'orgs', { name: `临时共建单位${n()}`, kind: 'partner', managed: 'partner' }),
  async partnership(adm) {
    const p = await make.partner(adm);
    return make.record(adm, 'partnerships', { partner_id: p.id, committee_id: 3 });
  },
  user: (adm) => make.record(adm, 'users', { username: `tmp_${n()}`, password: 'temp-pass-123' }),
  async grant(adm) {
    const u = await make.user(adm);
    return make.record(adm, 'grants', { user_id: u.id, role: 'member', org_id: 4 });
  },
  // People of branch 4: an applicant, and an activist (who hands in thought reports).
  member: (adm) => make.record(adm, 'members',
    { name: `临时申请人${n()}`, branch_id: 4, born_on: '1990-01-01', applied_on: '2020-01-01' }),
  activist: (adm) => make.record(adm, 'members',
    { name: `临时积极分子${n()}`, branch_id: 4, born_on: '1990-01-01', applied_on: '2020-01-01', activist_on: '2020-06-01' }),

  // Bookings are of station 1 (run by org 3, managed by xita_station), for branch 4
  // (zhongke's and member's), each in a throwaway room of its own so that no row's
  // booking meets another's, nor the demo's calendar.
  async bookingRoom(adm) {
    await openStation(adm);
    return make.room(adm);
  },
  async booking(adm, extra = {}) {
    const room = await make.bookingRoom(adm);
    return make.record(adm, 'bookings', bookingBody(room, extra));
  },
  // A booking waiting for approval: made by branch 4's secretary, who does not manage the
  // station (whose rules ask for approval of every booking).
  async pending(adm, url) {
    const room = await make.bookingRoom(adm);
    const zhongke = await signIn(url, 'zhongke');
    const r = await adm.request('POST', '/api/v1/bookings', bookingBody(room), { authorization: `Bearer ${zhongke.token}` });
    assert.equal(r.status, 201, `setup: POST /api/v1/bookings as zhongke: ${r.text}`);
    assert.equal(r.json.status, 'pending', r.text);
    return r.json;
  },
  // A booking offered its slot from the waiting list: it waited for a slot that another
  // booking held, which was then cancelled.
  async offered(adm) {
    const room = await make.bookingRoom(adm);
    const held = await make.record(adm, 'bookings', bookingBody(room));
    const waiting = await make.record(adm, 'bookings', bookingBody(room, { wait: true }));
    assert.equal(waiting.status, 'waiting');
    const c = await adm.request('POST', `/api/v1/bookings/${held.id}/cancel`, { version: held.version });
    assert.equal(c.status, 200, `setup: cancel: ${c.text}`);
    const r = await adm.request('GET', `/api/v1/bookings/${waiting.id}`);
    assert.equal(r.json?.status, 'offered', `setup: the waiting booking: ${r.text}`);
    return r.json;
  },
  // A confirmed booking that starts within the minute or two, so that it can be checked in.
  async checkInBooking(adm) {
    const room = await make.bookingRoom(adm);
    let start = (Math.floor(Date.now() / 60000) + 2) * 60000;
    if (localDay(start + 15 * 60000 - 1) !== localDay(start)) start = (localDay(start) + 1) * 86400000 - LOCAL_OFFSET_MS;
    return make.record(adm, 'bookings', bookingBody(room, { start: local(start), end: local(start + 15 * 60000) }));
  },
  closure: (adm) => make.record(adm, 'closures', closureBody()),

  // Activities of branch 4 (zhongke's and member's) at station 1, each in a throwaway room
  // of its own and at an hour of its own (so that no person's sign-ups meet), published
  // unless told. An activity that starts within the minute or two can be checked in to.
  async activity(adm, extra = {}) {
    const room = await make.bookingRoom(adm);
    const start = LATER + 2 * 3600000 * ++activities;
    return make.record(adm, 'activities', {
      title: `临时活动${n()}`, kind: 'study', host_org_id: 4, room_id: room.id,
      start: local(start), end: local(start + 3600000), capacity: 4, publish: true, ...extra,
    });
  },
  draft: (adm) => make.activity(adm, { publish: false }),
  async soonActivity(adm, extra = {}) {
    const room = await make.bookingRoom(adm);
    const start = (Math.floor(Date.now() / 60000) + 2) * 60000;
    return make.record(adm, 'activities', {
      title: `临时活动${n()}`, kind: 'volunteer_service', host_org_id: 4, room_id: room.id,
      start: local(start), end: local(start + 30 * 60000), capacity: 4, publish: true, ...extra,
    });
  },
  // A sign-up of a member of branch 4 (1 is the member user's own person), by the admin.
  async signUp(adm, member_id) {
    const a = await make.activity(adm);
    return make.record(adm, 'registrations', { activity_id: a.id, member_id });
  },
  // A check-in at the desk, by the admin, of a member of branch 4.
  async checkIn(adm, member_id) {
    const a = await make.soonActivity(adm);
    return make.record(adm, 'checkins', { activity_id: a.id, member_id });
  },
  series: (adm) => make.record(adm, 'series', { org_id: 3, name: `临时系列${n()}`, hosts: [4, 5] }),
  // Absences of branch 4 from the study hour (series 2, which it hosts), a day each.
  absence: (adm) => make.record(adm, 'host-absences', absenceBody()),
};
let activities = 0;

// Guangzhou time, in which the server answers and opening hours are kept.
const LOCAL_OFFSET_MS = 8 * 3600000;
const localDay = (ms) => Math.floor((ms + LOCAL_OFFSET_MS) / 86400000);
const local = (ms) => `${new Date(ms + LOCAL_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
// Half an hour at 10:00, 100 days from today: within the station's horizon.
const LATER = (localDay(Date.now()) + 100) * 86400000 - LOCAL_OFFSET_MS + 10 * 3600000;
const bookingBody = (room, extra = {}) => ({
  room_id: room.id, org_id: 4, start: local(LATER), end: local(LATER + 30 * 60000),
  title: `临时预约${n()}`, attendance: 2, ...extra,
});
let absences = 0;
const absenceBody = () => ({
  series_id: 2, org_id: 4, day: new Date(Date.UTC(2031, 0, 1) + ++absences * 86400000).toISOString().slice(0, 10), reason: '年度审计',
});
// Three years ahead, beyond any horizon, so that no closure refuses a row's booking.
const closureBody = () => ({
  station_id: 1, start: local(LATER + 1000 * 86400000), end: local(LATER + 1001 * 86400000), reason: `临时闭馆${n()}`,
});

// Before its first booking row, each role's server has station 1 open round the clock (so
// that a booking can start now, for checking in), asking approval for every booking (so
// that there are bookings to approve), and with quotas that the rows' bookings, with the
// demo's, never meet. The status a row gets then reflects access alone.
const opened = new WeakMap();
function openStation(adm) {
  if (!opened.has(adm)) {
    opened.set(adm, (async () => {
      const version = await make.version(adm, '/api/v1/stations/1');
      const r = await adm.request('PATCH', '/api/v1/stations/1', {
        version,
        opening_hours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '00:00', close: '24:00' })),
        booking_rules: {
          approval: 'all', max_open_bookings: 1000, vip_max_open_bookings: 1000,
          max_hours_per_month: 744, vip_max_hours_per_month: 744,
        },
      });
      assert.equal(r.status, 200, `setup: PATCH /api/v1/stations/1: ${r.text}`);
    })());
  }
  return opened.get(adm);
}

// One row per route: the expected status per role and the representative request.
// request(ctx) gives { path, body?, token? } (token overrides the role's own session);
// setup(admin, role) runs first and gives ctx.
const MATRIX = {
  'GET /healthz': { expect: ALL(200), request: () => ({ path: '/healthz' }) },
  'GET /readyz': { expect: ALL(200), request: () => ({ path: '/readyz' }) },
  'GET /api/v1/openapi.yaml': { expect: ALL(200), request: () => ({ path: '/api/v1/openapi.yaml' }) },

  // Signing in needs no session (and no CSRF token): anyone may sign in as someone.
  'POST /api/v1/session': {
    expect: ALL(200),
    request: () => ({ path: '/api/v1/session', body: { username: 'member', password: DEMO_PASSWORD } }),
  },
  'GET /api/v1/session': { expect: SIGNED_IN(200), request: () => ({ path: '/api/v1/session' }) },
  // Signing out a throwaway session of the role's user, so the role's own session lives on.
  'PATCH /api/v1/session': {
    expect: SIGNED_IN(200),
    request: () => ({ path: '/api/v1/session', body: { locale: 'en' } }),
  },
  'DELETE /api/v1/session': {
    expect: SIGNED_IN(204),
    setup: async (adm, role, url) => (role === 'anonymous' ? {} : { token: (await signIn(url, role)).token }),
    request: (ctx) => ({ path: '/api/v1/session', token: ctx.token }),
  },

  // Buildings: public to read, only admins change them.
  'GET /api/v1/buildings': { expect: ALL(200), request: () => ({ path: '/api/v1/buildings' }) },
  'GET /api/v1/buildings/{id}': { expect: ALL(200), request: () => ({ path: '/api/v1/buildings/1' }) },
  'POST /api/v1/buildings': {
    expect: ADMIN_ONLY(201),
    request: () => ({
      path: '/api/v1/buildings',
      body: { name: `新大厦${n()}`, address: '珠江新城新路2号', latitude: 23.121, longitude: 113.321 },
    }),
  },
  'PATCH /api/v1/buildings/{id}': {
    expect: ADMIN_ONLY(200),
    setup: async (adm) => ({ version: await make.version(adm, '/api/v1/buildings/1') }),
    request: (ctx) => ({ path: '/api/v1/buildings/1', body: { version: ctx.version, floors: 104 } }),
  },
  'DELETE /api/v1/buildings/{id}': {
    expect: ADMIN_ONLY(204),
    setup: (adm) => make.building(adm),
    request: (b) => ({ path: `/api/v1/buildings/${b.id}` }),
  },

  // Stations: public to read; committee admins of the operating organisation's subtree
  // create, change and delete them; the station's manager edits it (no more).
  'GET /api/v1/stations': { expect: ALL(200), request: () => ({ path: '/api/v1/stations' }) },
  'GET /api/v1/stations/{id}': { expect: ALL(200), request: () => ({ path: '/api/v1/stations/1' }) },
  'POST /api/v1/stations': {
    expect: S(401, 201, 201, 403, 403, 403, 403),
    request: () => ({ path: '/api/v1/stations', body: { building_id: 1, name: `新服务站${n()}`, area_m2: 90, org_id: 3 } }),
  },
  'PATCH /api/v1/stations/{id}': {
    expect: S(401, 200, 200, 403, 200, 403, 403),
    setup: async (adm) => ({ version: await make.version(adm, '/api/v1/stations/1') }),
    request: (ctx) => ({ path: '/api/v1/stations/1', body: { version: ctx.version, contact_phone: '020-38880000' } }),
  },
  // A throwaway station of org 3 (not the manager's station: see also the test below).
  'DELETE /api/v1/stations/{id}': {
    expect: S(401, 204, 204, 403, 403, 403, 403),
    setup: (adm) => make.station(adm),
    request: (s) => ({ path: `/api/v1/stations/${s.id}` }),
  },

  // Rooms: public to read; committee admins of the subtree and the station's manager
  // manage them.
  'GET /api/v1/rooms': { expect: ALL(200), request: () => ({ path: '/api/v1/rooms' }) },
  'GET /api/v1/rooms/{id}': { expect: ALL(200), request: () => ({ path: '/api/v1/rooms/1' }) },
  'POST /api/v1/rooms': {
    expect: S(401, 201, 201, 403, 201, 403, 403),
    request: () => ({ path: '/api/v1/rooms', body: { station_id: 1, name: `新房间${n()}`, kind: 'meeting_room', capacity: 8 } }),
  },
  'PATCH /api/v1/rooms/{id}': {
    expect: S(401, 200, 200, 403, 200, 403, 403),
    setup: async (adm) => ({ version: await make.version(adm, '/api/v1/rooms/1') }),
    request: (ctx) => ({ path: '/api/v1/rooms/1', body: { version: ctx.version, capacity: 50 } }),
  },
  'DELETE /api/v1/rooms/{id}': {
    expect: S(401, 204, 204, 403, 204, 403, 403),
    setup: (adm) => make.room(adm),
    request: (r) => ({ path: `/api/v1/rooms/${r.id}` }),
  },

  // Organisations: read by org-bound grants of the subtree (committee admin, branch
  // secretary, member), written by committee admins; out of reach is 404.
  'GET /api/v1/orgs': { expect: S(401, 200, 200, 200, 403, 200, 200), request: () => ({ path: '/api/v1/orgs' }) },
  'GET /api/v1/orgs/{id}': { expect: S(401, 200, 200, 404, 404, 200, 200), request: () => ({ path: '/api/v1/orgs/4' }) },
  // A refused create is a plain 403: nothing exists yet whose existence could leak.
  'POST /api/v1/orgs': {
    expect: S(401, 201, 201, 403, 403, 403, 403),
    request: () => ({ path: '/api/v1/orgs', body: { parent_id: 4, name: `新党小组${n()}`, kind: 'party_group' } }),
  },
  'PATCH /api/v1/orgs/{id}': {
    expect: S(401, 200, 200, 404, 404, 403, 403),
    setup: async (adm) => ({ version: await make.version(adm, '/api/v1/orgs/4') }),
    request: (ctx) => ({ path: '/api/v1/orgs/4', body: { version: ctx.version, contact_name: '张书记' } }),
  },
  'DELETE /api/v1/orgs/{id}': {
    expect: S(401, 204, 204, 404, 404, 403, 403),
    setup: (adm) => make.org(adm, 4),
    request: (o) => ({ path: `/api/v1/orgs/${o.id}` }),
  },

  // Partnerships belong to the committee that takes the partner in (org 3 here).
  'GET /api/v1/partnerships': { expect: S(401, 200, 200, 200, 403, 200, 200), request: () => ({ path: '/api/v1/partnerships' }) },
  'GET /api/v1/partnerships/{id}': { expect: S(401, 200, 200, 404, 404, 404, 404), request: () => ({ path: '/api/v1/partnerships/1' }) },
  // Only admins link partners: a partnership brings the partner's people within reach.
  'POST /api/v1/partnerships': {
    expect: S(401, 201, 403, 403, 403, 403, 403),
    setup: (adm) => make.partner(adm),
    request: (p) => ({ path: '/api/v1/partnerships', body: { partner_id: p.id, committee_id: 3 } }),
  },
  'PATCH /api/v1/partnerships/{id}': {
    expect: S(401, 200, 403, 404, 404, 404, 404),
    setup: (adm) => make.partnership(adm),
    request: (p) => ({ path: `/api/v1/partnerships/${p.id}`, body: { version: p.version, committee_id: 3 } }),
  },
  'DELETE /api/v1/partnerships/{id}': {
    expect: S(401, 204, 403, 404, 404, 404, 404),
    setup: (adm) => make.partnership(adm),
    request: (p) => ({ path: `/api/v1/partnerships/${p.id}` }),
  },

  // Users and grants: admins only.
  'GET /api/v1/users': { expect: ADMIN_ONLY(200), request: () => ({ path: '/api/v1/users' }) },
  'GET /api/v1/users/{id}': { expect: ADMIN_ONLY(200), request: () => ({ path: '/api/v1/users/2' }) },
  'POST /api/v1/users': {
    expect: ADMIN_ONLY(201),
    request: () => ({ path: '/api/v1/users', body: { username: `new_${n()}`, display_name: '新用户', password: 'new-user-pass-1' } }),
  },
  'PATCH /api/v1/users/{id}': {
    expect: ADMIN_ONLY(200),
    setup: (adm) => make.user(adm),
    request: (u) => ({ path: `/api/v1/users/${u.id}`, body: { version: u.version, display_name: '改名' } }),
  },
  'GET /api/v1/grants': { expect: ADMIN_ONLY(200), request: () => ({ path: '/api/v1/grants' }) },
  'GET /api/v1/grants/{id}': { expect: ADMIN_ONLY(200), request: () => ({ path: '/api/v1/grants/2' }) },
  'POST /api/v1/grants': {
    expect: ADMIN_ONLY(201),
    setup: (adm) => make.user(adm),
    request: (u) => ({ path: '/api/v1/grants', body: { user_id: u.id, role: 'member', org_id: 4 } }),
  },
  'DELETE /api/v1/grants/{id}': {
    expect: ADMIN_ONLY(204),
    setup: (adm) => make.grant(adm),
    request: (g) => ({ path: `/api/v1/grants/${g.id}` }),
  },

  // The audit log: admins, and committee admins for their subtree.
  'GET /api/v1/audit': { expect: S(401, 200, 200, 200, 403, 403, 403), request: () => ({ path: '/api/v1/audit' }) },
  // The record of creating room 1 (org 3).
  'GET /api/v1/audit/{id}': {
    expect: S(401, 200, 200, 404, 404, 404, 404),
    setup: async (adm) => {
      const r = await adm.request('GET', '/api/v1/audit?entity=room&entity_id=1&action=create');
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.items.length, 1, r.text);
      assert.equal(r.json.items[0].org_id, 3);
      return r.json.items[0];
    },
    request: (a) => ({ path: `/api/v1/audit/${a.id}` }),
  },

  // The register of people: read by org-bound grants of the branch's subtree (committee
  // admin, branch secretary, member; the member role sees personal data masked), written
  // by committee admins and branch secretaries; out of reach is 404. The list is scoped,
  // so every reader may ask for it; a station manager reads no organisation's people.
  'GET /api/v1/members': { expect: S(401, 200, 200, 200, 403, 200, 200), request: () => ({ path: '/api/v1/members' }) },
  'GET /api/v1/members/{id}': { expect: S(401, 200, 200, 404, 404, 200, 200), request: () => ({ path: '/api/v1/members/1' }) },
  'POST /api/v1/members': {
    expect: S(401, 201, 201, 403, 403, 201, 403),
    request: () => ({ path: '/api/v1/members', body: { name: `新申请人${n()}`, branch_id: 4, born_on: '1995-05-05', applied_on: '2021-03-01' } }),
  },
  'PATCH /api/v1/members/{id}': {
    expect: S(401, 200, 200, 404, 404, 200, 403),
    setup: (adm) => make.member(adm),
    request: (m) => ({ path: `/api/v1/members/${m.id}`, body: { version: m.version, gender: 'female' } }),
  },
  'DELETE /api/v1/members/{id}': {
    expect: S(401, 204, 204, 404, 404, 204, 403),
    setup: (adm) => make.member(adm),
    request: (m) => ({ path: `/api/v1/members/${m.id}` }),
  },
  'POST /api/v1/members/{id}/stage': {
    expect: S(401, 200, 200, 404, 404, 200, 403),
    setup: (adm) => make.member(adm),
    request: (m) => ({ path: `/api/v1/members/${m.id}/stage`, body: { version: m.version, stage: 'activist', on: '2020-06-01' } }),
  },
  'POST /api/v1/members/{id}/thought-reports': {
    expect: S(401, 200, 200, 404, 404, 200, 403),
    setup: (adm) => make.activist(adm),
    request: (m) => ({ path: `/api/v1/members/${m.id}/thought-reports`, body: { version: m.version, on: '2021-01-15' } }),
  },
  // Importing takes a role that registers people; a dry run so that rows stay meaningful.
  // fuli may import, but its rows for branch 4 (not in its reach) come back refused: 200.
  'POST /api/v1/members/import': {
    expect: S(401, 200, 200, 200, 403, 200, 403),
    request: () => ({
      path: '/api/v1/members/import?dry_run=true',
      body: `姓名,手机,支部编号,申请入党日期\r\n导入者${n()},139${String(10000000 + uniq).slice(-8)},4,2021-03-01\r\n`,
      headers: { 'content-type': 'text/csv' },
    }),
  },
  // Exports hold what the caller's list holds (masked as its role requires).
  'GET /api/v1/members/export.csv': { expect: S(401, 200, 200, 200, 403, 200, 200), request: () => ({ path: '/api/v1/members/export.csv' }) },
  'GET /api/v1/members/export.xlsx': { expect: S(401, 200, 200, 200, 403, 200, 200), request: () => ({ path: '/api/v1/members/export.xlsx' }) },
  // A person's data and erasure: for those who manage the person.
  'POST /api/v1/members/{id}/erase': {
    expect: S(401, 200, 200, 404, 404, 200, 403),
    setup: (adm) => make.member(adm),
    request: (m) => ({ path: `/api/v1/members/${m.id}/erase`, body: { version: m.version } }),
  },
  'GET /api/v1/members/{id}/data': { expect: S(401, 200, 200, 404, 404, 200, 403), request: () => ({ path: '/api/v1/members/1/data' }) },
  // The political birthdays of an organisation in reach; another one is 404.
  'GET /api/v1/birthdays': {
    expect: S(401, 200, 200, 404, 404, 200, 200),
    request: () => ({ path: '/api/v1/birthdays?month=7&org_id=4' }),
  },

  // Bookings: read by org-bound grants of the subtree holding the booking organisation
  // (committee admin, branch secretary, member) and by the station's manager; made,
  // changed, cancelled, answered (an offer) and checked in by the committee admins and
  // branch secretaries of that subtree and the station's manager; out of reach is 404.
  // The list is scoped, so every reader may ask for it.
  'GET /api/v1/bookings': { expect: SIGNED_IN(200), request: () => ({ path: '/api/v1/bookings' }) },
  'GET /api/v1/bookings/{id}': {
    expect: S(401, 200, 200, 404, 200, 200, 200),
    setup: (adm) => make.booking(adm),
    request: (b) => ({ path: `/api/v1/bookings/${b.id}` }),
  },
  // A refused booking is a plain 403: nothing exists yet whose existence could leak.
  'POST /api/v1/bookings': {
    expect: S(401, 201, 201, 403, 201, 201, 403),
    setup: (adm) => make.bookingRoom(adm),
    request: (room) => ({ path: '/api/v1/bookings', body: bookingBody(room) }),
  },
  'PATCH /api/v1/bookings/{id}': {
    expect: S(401, 200, 200, 404, 200, 200, 403),
    setup: (adm) => make.booking(adm),
    request: (b) => ({ path: `/api/v1/bookings/${b.id}`, body: { version: b.version, title: '改期后的学习' } }),
  },
  // Only the station's managers decide on a pending booking: the admin, the committee admin
  // of the organisation that runs the station (xita, org 3), its station manager.
  'POST /api/v1/bookings/{id}/approve': {
    expect: S(401, 200, 200, 404, 200, 403, 403),
    setup: (adm, role, url) => make.pending(adm, url),
    request: (b) => ({ path: `/api/v1/bookings/${b.id}/approve`, body: { version: b.version } }),
  },
  'POST /api/v1/bookings/{id}/reject': {
    expect: S(401, 200, 200, 404, 200, 403, 403),
    setup: (adm, role, url) => make.pending(adm, url),
    request: (b) => ({ path: `/api/v1/bookings/${b.id}/reject`, body: { version: b.version, reason: '场地另有安排' } }),
  },
  'POST /api/v1/bookings/{id}/cancel': {
    expect: S(401, 200, 200, 404, 200, 200, 403),
    setup: (adm) => make.booking(adm),
    request: (b) => ({ path: `/api/v1/bookings/${b.id}/cancel`, body: { version: b.version } }),
  },
  'POST /api/v1/bookings/{id}/accept': {
    expect: S(401, 200, 200, 404, 200, 200, 403),
    setup: (adm) => make.offered(adm),
    request: (b) => ({ path: `/api/v1/bookings/${b.id}/accept`, body: { version: b.version } }),
  },
  'POST /api/v1/bookings/{id}/decline': {
    expect: S(401, 200, 200, 404, 200, 200, 403),
    setup: (adm) => make.offered(adm),
    request: (b) => ({ path: `/api/v1/bookings/${b.id}/decline`, body: { version: b.version } }),
  },
  'POST /api/v1/bookings/{id}/check-in': {
    expect: S(401, 200, 200, 404, 200, 200, 403),
    setup: (adm) => make.checkInBooking(adm),
    request: (b) => ({ path: `/api/v1/bookings/${b.id}/check-in` }),
  },
  'GET /api/v1/bookings/{id}/calendar.ics': {
    expect: S(401, 200, 200, 404, 200, 200, 200),
    setup: (adm) => make.booking(adm),
    request: (b) => ({ path: `/api/v1/bookings/${b.id}/calendar.ics` }),
  },

  // Closures: public to read (a holiday is news for everyone who might book); set by the
  // committee admins of the station's organisation and its station manager.
  'GET /api/v1/closures': { expect: ALL(200), request: () => ({ path: '/api/v1/closures' }) },
  'GET /api/v1/closures/{id}': {
    expect: ALL(200),
    setup: (adm) => make.closure(adm),
    request: (c) => ({ path: `/api/v1/closures/${c.id}` }),
  },
  'POST /api/v1/closures': {
    expect: S(401, 201, 201, 403, 201, 403, 403),
    request: () => ({ path: '/api/v1/closures', body: closureBody() }),
  },
  'PATCH /api/v1/closures/{id}': {
    expect: S(401, 200, 200, 403, 200, 403, 403),
    setup: (adm) => make.closure(adm),
    request: (c) => ({ path: `/api/v1/closures/${c.id}`, body: { version: c.version, reason: '设备检修' } }),
  },
  'DELETE /api/v1/closures/{id}': {
    expect: S(401, 204, 204, 403, 204, 403, 403),
    setup: (adm) => make.closure(adm),
    request: (c) => ({ path: `/api/v1/closures/${c.id}` }),
  },

  // When rooms are free, and the station's and rooms' feeds: public, as the stations are.
  'GET /api/v1/stations/{id}/availability': {
    expect: ALL(200),
    request: () => ({ path: '/api/v1/stations/1/availability?days=7&duration_min=30' }),
  },
  'GET /api/v1/stations/{id}/slots': { expect: ALL(200), request: () => ({ path: '/api/v1/stations/1/slots?count=3' }) },
  'GET /api/v1/stations/{id}/calendar.ics': { expect: ALL(200), request: () => ({ path: '/api/v1/stations/1/calendar.ics' }) },
  'GET /api/v1/rooms/{id}/calendar.ics': { expect: ALL(200), request: () => ({ path: '/api/v1/rooms/1/calendar.ics' }) },
  // An organisation's feed and booking record: for those who may read the organisation.
  'GET /api/v1/orgs/{id}/calendar.ics': {
    expect: S(401, 200, 200, 404, 404, 200, 200),
    request: () => ({ path: '/api/v1/orgs/4/calendar.ics' }),
  },
  'GET /api/v1/orgs/{id}/booking-record': {
    expect: S(401, 200, 200, 404, 404, 200, 200),
    request: () => ({ path: '/api/v1/orgs/4/booking-record' }),
  },

  // Series and host absences: public to read. Series are the committee admins' (of the
  // series' committee); an absence is also for the host to say (branch 4's secretary).
  'GET /api/v1/series': { expect: ALL(200), request: () => ({ path: '/api/v1/series' }) },
  'GET /api/v1/series/{id}': { expect: ALL(200), request: () => ({ path: '/api/v1/series/1' }) },
  'POST /api/v1/series': {
    expect: S(401, 201, 201, 403, 403, 403, 403),
    request: () => ({ path: '/api/v1/series', body: { org_id: 3, parent_id: 1, name: `新系列${n()}`, hosts: [4, 5] } }),
  },
  'PATCH /api/v1/series/{id}': {
    expect: S(401, 200, 200, 403, 403, 403, 403),
    setup: (adm) => make.series(adm),
    request: (s) => ({ path: `/api/v1/series/${s.id}`, body: { version: s.version, hosts: [5, 4] } }),
  },
  'DELETE /api/v1/series/{id}': {
    expect: S(401, 204, 204, 403, 403, 403, 403),
    setup: (adm) => make.series(adm),
    request: (s) => ({ path: `/api/v1/series/${s.id}` }),
  },
  // Scheduling writes the series' rotation and makes each session as its host's activity.
  'POST /api/v1/series/{id}/schedule': {
    expect: S(401, 201, 201, 403, 403, 403, 403),
    setup: async (adm) => ({ series: await make.series(adm), room: await make.bookingRoom(adm) }),
    request: ({ series, room }) => ({
      path: `/api/v1/series/${series.id}/schedule`,
      body: { room_id: room.id, start: local(LATER), end: local(LATER + 3600000), rrule: 'FREQ=DAILY;COUNT=2', kind: 'study', capacity: 4 },
    }),
  },
  'GET /api/v1/series/{id}/attendance': { expect: ALL(200), request: () => ({ path: '/api/v1/series/1/attendance' }) },
  'GET /api/v1/series/{id}/activities.ics': { expect: ALL(200), request: () => ({ path: '/api/v1/series/1/activities.ics' }) },
  'GET /api/v1/host-absences': { expect: ALL(200), request: () => ({ path: '/api/v1/host-absences' }) },
  'GET /api/v1/host-absences/{id}': {
    expect: ALL(200),
    setup: (adm) => make.absence(adm),
    request: (a) => ({ path: `/api/v1/host-absences/${a.id}` }),
  },
  'POST /api/v1/host-absences': {
    expect: S(401, 201, 201, 403, 403, 201, 403),
    request: () => ({ path: '/api/v1/host-absences', body: absenceBody() }),
  },
  'PATCH /api/v1/host-absences/{id}': {
    expect: S(401, 200, 200, 403, 403, 200, 403),
    setup: (adm) => make.absence(adm),
    request: (a) => ({ path: `/api/v1/host-absences/${a.id}`, body: { version: a.version, reason: '改期' } }),
  },
  'DELETE /api/v1/host-absences/{id}': {
    expect: S(401, 204, 204, 403, 403, 204, 403),
    setup: (adm) => make.absence(adm),
    request: (a) => ({ path: `/api/v1/host-absences/${a.id}` }),
  },

  // Activities (of branch 4, at station 1): published ones are public. They are run by
  // the committee admins and branch secretaries over the host (or a co-organiser), or
  // over the committee that runs the station (xita), and by the station's manager:
  // making, changing, publishing, cancelling, the check-in code. A draft is read by
  // those and by any grant over the host (member); to others it is not there (404).
  'GET /api/v1/activities': { expect: ALL(200), request: () => ({ path: '/api/v1/activities' }) },
  'GET /api/v1/activities/{id}': {
    expect: S(404, 200, 200, 404, 200, 200, 200),
    setup: (adm) => make.draft(adm),
    request: (a) => ({ path: `/api/v1/activities/${a.id}` }),
  },
  // The host's room is booked by the caller: who may not book it for branch 4 may not make it.
  'POST /api/v1/activities': {
    expect: S(401, 201, 201, 403, 201, 201, 403),
    setup: (adm) => make.bookingRoom(adm),
    request: (room) => ({
      path: '/api/v1/activities',
      body: { title: `新活动${n()}`, kind: 'party_lesson', host_org_id: 4, room_id: room.id, start: local(LATER),
        end: local(LATER + 3600000), capacity: 4 },
    }),
  },
  'PATCH /api/v1/activities/{id}': {
    expect: S(401, 200, 200, 403, 200, 200, 403),
    setup: (adm) => make.activity(adm),
    request: (a) => ({ path: `/api/v1/activities/${a.id}`, body: { version: a.version, title: '改名后的活动', capacity: 3 } }),
  },
  'POST /api/v1/activities/{id}/publish': {
    expect: S(401, 200, 200, 404, 200, 200, 403),
    setup: (adm) => make.draft(adm),
    request: (a) => ({ path: `/api/v1/activities/${a.id}/publish`, body: { version: a.version } }),
  },
  'POST /api/v1/activities/{id}/cancel': {
    expect: S(401, 200, 200, 403, 200, 200, 403),
    setup: (adm) => make.activity(adm),
    request: (a) => ({ path: `/api/v1/activities/${a.id}/cancel`, body: { version: a.version, reason: '改期' } }),
  },
  'GET /api/v1/activities/{id}/checkin-code': {
    expect: S(401, 200, 200, 403, 200, 200, 403),
    setup: (adm) => make.activity(adm),
    request: (a) => ({ path: `/api/v1/activities/${a.id}/checkin-code` }),
  },
  'GET /api/v1/activities/{id}/checkin-qr.svg': {
    expect: S(401, 200, 200, 403, 200, 200, 403),
    setup: (adm) => make.activity(adm),
    request: (a) => ({ path: `/api/v1/activities/${a.id}/checkin-qr.svg` }),
  },
  'GET /api/v1/activities/{id}/checkin-qr.png': {
    expect: S(401, 200, 200, 403, 200, 200, 403),
    setup: (adm) => make.activity(adm),
    request: (a) => ({ path: `/api/v1/activities/${a.id}/checkin-qr.png` }),
  },
  'GET /api/v1/activities/{id}/attendance': {
    expect: ALL(200),
    setup: (adm) => make.activity(adm),
    request: (a) => ({ path: `/api/v1/activities/${a.id}/attendance` }),
  },
  'GET /api/v1/stations/{id}/activities.ics': { expect: ALL(200), request: () => ({ path: '/api/v1/stations/1/activities.ics' }) },

  // Sign-ups: anyone signed in signs themselves up (an activity for anyone takes every
  // account); a sign-up is read by the person it is about (member, for member 1) and by
  // those who run the activity, and cancelled by them; to others it is not there.
  'GET /api/v1/registrations': { expect: SIGNED_IN(200), request: () => ({ path: '/api/v1/registrations' }) },
  'GET /api/v1/registrations/{id}': {
    expect: S(401, 200, 200, 404, 200, 200, 404),
    setup: (adm) => make.signUp(adm, 2),
    request: (r) => ({ path: `/api/v1/registrations/${r.id}` }),
  },
  'POST /api/v1/registrations': {
    expect: S(401, 201, 201, 201, 201, 201, 201),
    setup: (adm) => make.activity(adm, { audience: 'anyone' }),
    request: (a) => ({ path: '/api/v1/registrations', body: { activity_id: a.id } }),
  },
  'POST /api/v1/registrations/{id}/cancel': {
    expect: S(401, 200, 200, 404, 200, 200, 200),
    setup: (adm) => make.signUp(adm, 1),
    request: (r) => ({ path: `/api/v1/registrations/${r.id}/cancel`, body: { version: r.version, reason: '临时出差' } }),
  },
  'GET /api/v1/registrations/calendar.ics': { expect: SIGNED_IN(200), request: () => ({ path: '/api/v1/registrations/calendar.ics' }) },

  // Check-ins: anyone signed in checks themselves in with the venue screen's code (an
  // activity for anyone, taking walk-ins); a check-in is read by the person (member, for
  // member 1) and those who run the activity, and undone by those who run it only.
  'GET /api/v1/checkins': { expect: SIGNED_IN(200), request: () => ({ path: '/api/v1/checkins' }) },
  'GET /api/v1/checkins/{id}': {
    expect: S(401, 200, 200, 404, 200, 200, 404),
    setup: (adm) => make.checkIn(adm, 2),
    request: (k) => ({ path: `/api/v1/checkins/${k.id}` }),
  },
  'POST /api/v1/checkins': {
    expect: S(401, 201, 201, 201, 201, 201, 201),
    setup: async (adm) => {
      const a = await make.soonActivity(adm, { audience: 'anyone' });
      const r = await adm.request('GET', `/api/v1/activities/${a.id}/checkin-code`);
      assert.equal(r.status, 200, `setup: the check-in code: ${r.text}`);
      return r.json;
    },
    request: (c) => ({ path: '/api/v1/checkins', body: { activity_id: c.activity_id, code: c.code } }),
  },
  'POST /api/v1/checkins/{id}/undo': {
    expect: S(401, 200, 200, 404, 200, 200, 403),
    setup: (adm) => make.checkIn(adm, 1),
    request: (k) => ({ path: `/api/v1/checkins/${k.id}/undo` }),
  },

  // Attendance: an organisation's for those who read it; a member's for the member's own
  // account (member, who is member 1) and those who may read the person (member 2 here:
  // the member role reads its branch's register, masked).
  'GET /api/v1/orgs/{id}/attendance': {
    expect: S(401, 200, 200, 404, 404, 200, 200),
    request: () => ({ path: '/api/v1/orgs/4/attendance?year=all' }),
  },
  'GET /api/v1/members/{id}/attendance': {
    expect: S(401, 200, 200, 404, 404, 200, 200),
    request: () => ({ path: '/api/v1/members/2/attendance' }),
  },
  // The committee's gathering invites people of its register: for those who may make its
  // activity and read the committee. An organisation out of the caller's reach is not there.
  'POST /api/v1/orgs/{id}/birthday-gatherings': {
    expect: S(401, 201, 201, 404, 404, 404, 404),
    setup: (adm) => make.bookingRoom(adm),
    request: (room) => {
      const start = LATER + 20 * 86400000 + 9 * 3600000;
      return { path: '/api/v1/orgs/3/birthday-gatherings', body: { month: local(start).slice(0, 7), room_id: room.id, start: local(start) } };
    },
  },
};

function listedRoutes() {
  const r = louyu(['routes']);
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split('\n').filter(Boolean);
}

test('the matrix has exactly one row per route of `louyu routes`', () => {
  const routes = listedRoutes();
  assert.ok(routes.length > 10, `louyu routes printed ${routes.length} lines`);
  assert.equal(new Set(routes).size, routes.length, 'louyu routes lists a route twice');
  const rows = Object.keys(MATRIX);
  const missing = routes.filter((r) => !(r in MATRIX));
  const stale = rows.filter((r) => !routes.includes(r));
  assert.deepEqual(missing, [], `routes without a row in the authorization matrix: ${missing.join(', ')}`);
  assert.deepEqual(stale, [], `rows of the matrix for routes that no longer exist: ${stale.join(', ')}`);
  for (const [route, row] of Object.entries(MATRIX)) {
    assert.deepEqual(Object.keys(row.expect), ROLES, `${route}: one status per role`);
    for (const role of Object.keys(row.today ?? {})) {
      assert.ok(ROLES.includes(role), `${route}: today's status of an unknown role ${role}`);
      assert.notEqual(row.today[role], row.expect[role], `${route}: today's status for ${role} is the policy's: drop it`);
    }
    assert.equal(!row.today, !row.why, `${route}: a row that departs from the policy says why`);
  }
});

// Runs every row as 'role' on a server of its own; returns { route: status }.
async function runMatrix(role) {
  const srv = await startServer({ as: 'admin' });
  try {
    const own = role === 'anonymous' ? null : role === 'admin' ? srv.session : await signIn(srv.url, role);
    const got = {};
    for (const [route, row] of Object.entries(MATRIX)) {
      const method = route.split(' ')[0];
      const ctx = row.setup ? await row.setup(srv, role, srv.url) : {};
      const { path, body, token, headers } = row.request(ctx);
      const bearer = token || (own && own.token);
      const r = await srv.request(method, path, body, { ...headers, authorization: bearer ? `Bearer ${bearer}` : '' });
      got[route] = r.status;
      if (r.status >= 400)
        assert.match(r.headers.get('content-type') || '', /^application\/problem\+json/, `${role} ${route}: ${r.text}`);
      if (r.status >= 500) assert.fail(`${role} ${route}: ${r.status} ${r.text}`);
    }
    return got;
  } finally {
    const { code } = await srv.stop();
    assert.equal(code, 0, `louyu exited ${code}: ${srv.logs().stderr}`);
  }
}

// What each role got, for the known departures from the policy below.
const answered = {};

test('the authorization matrix: every route × every role', { concurrency: true }, async (t) => {
  await Promise.all(ROLES.map((role) => t.test(`as ${role}`, async () => {
    const got = await runMatrix(role);
    answered[role] = got;
    // A row that departs from the policy ('today') is held to what the server answers now,
    // so that any other change shows; the test below holds it to the policy.
    const want = Object.fromEntries(Object.entries(MATRIX).map(([route, row]) => [route, row.today?.[role] ?? row.expect[role]]));
    assert.deepEqual(got, want, `statuses as ${role} (actual vs expected)`);
  })));
});

// The rows where the server departs from the policy: known, reported, to be fixed in the
// server (a todo, which does not fail the run). When one is fixed, drop its 'today'.
for (const [route, row] of Object.entries(MATRIX).filter(([, r]) => r.today)) {
  test(`the policy for ${route}`, { todo: row.why }, () => {
    const roles = Object.keys(row.today);
    assert.deepEqual(Object.fromEntries(roles.map((r) => [r, answered[r]?.[route]])),
      Object.fromEntries(roles.map((r) => [r, row.expect[r]])), `${route} (actual vs the policy)`);
  });
}

// ---- beyond the matrix ----

const ids = (r) => r.json.items.map((x) => x.id).sort((a, b) => a - b);

test('lists are scoped: orgs and partnerships by subtree, partners included', async () => {
  const srv = await startServer();
  try {
    const s = {};
    for (const u of ['xita', 'fuli', 'zhongke', 'member']) s[u] = await signIn(srv.url, u);
    const as = (u, path) => srv.request('GET', path, undefined, { authorization: `Bearer ${s[u].token}` });

    const all = await srv.request('GET', '/api/v1/orgs?limit=500');
    assert.deepEqual(ids(all), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    const xita = await as('xita', '/api/v1/orgs?limit=500');
    assert.equal(xita.status, 200, xita.text);
    assert.deepEqual(ids(xita), [3, 4, 5], 'xita: its committee, its branch and the linked partner');
    const fuli = await as('fuli', '/api/v1/orgs?limit=500');
    assert.deepEqual(ids(fuli), [6, 7, 8, 9, 10, 11, 12, 13], 'fuli: its committee and seven branches');
    assert.deepEqual(ids(await as('zhongke', '/api/v1/orgs?limit=500')), [4]);
    assert.deepEqual(ids(await as('member', '/api/v1/orgs?limit=500')), [4]);
    // Paging through a scoped list keeps to the scope.
    const page1 = await as('fuli', '/api/v1/orgs?limit=3');
    assert.deepEqual(ids(page1), [6, 7, 8]);
    const page2 = await as('fuli', `/api/v1/orgs?limit=500&cursor=${page1.json.next}`);
    assert.deepEqual(ids(page2), [9, 10, 11, 12, 13]);
    // The partner is readable by the committee that took it in, not by the other one.
    assert.equal((await as('xita', '/api/v1/orgs/5')).status, 200);
    assert.equal((await as('fuli', '/api/v1/orgs/5')).status, 404);
    assert.equal((await as('fuli', '/api/v1/orgs/3')).status, 404);
    assert.equal((await as('xita', '/api/v1/orgs/6')).status, 404);

    assert.deepEqual(ids(await as('xita', '/api/v1/partnerships')), [1]);
    assert.deepEqual(ids(await as('fuli', '/api/v1/partnerships')), []);
    assert.deepEqual(ids(await as('zhongke', '/api/v1/partnerships')), []);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

test('the audit log is scoped: a committee admin reads only records of its subtree', async () => {
  const srv = await startServer();
  try {
    const s = {};
    for (const u of ['xita', 'fuli']) s[u] = await signIn(srv.url, u);
    const as = (u, m, path, body) => srv.request(m, path, body, { authorization: `Bearer ${s[u].token}` });
    // Writes in both subtrees, and on the partner.
    const room1 = (await srv.request('GET', '/api/v1/rooms/1')).json;
    assert.equal((await as('xita', 'PATCH', '/api/v1/rooms/1', { version: room1.version, capacity: 61 })).status, 200);
    const room4 = (await srv.request('GET', '/api/v1/rooms/4')).json;
    assert.equal((await as('fuli', 'PATCH', '/api/v1/rooms/4', { version: room4.version, capacity: 21 })).status, 200);
    const org5 = (await srv.request('GET', '/api/v1/orgs/5')).json;
    assert.equal((await srv.request('PATCH', '/api/v1/orgs/5', { version: org5.version, contact_name: '李' })).status, 200);
    const org7 = (await srv.request('GET', '/api/v1/orgs/7')).json;
    assert.equal((await srv.request('PATCH', '/api/v1/orgs/7', { version: org7.version, contact_name: '王' })).status, 200);

    const everything = (await srv.request('GET', '/api/v1/audit?limit=500')).json.items;
    const inScope = (set) => everything.filter((a) => set.includes(a.org_id)).map((a) => a.id);

    const xita = await as('xita', 'GET', '/api/v1/audit?limit=500');
    assert.equal(xita.status, 200, xita.text);
    assert.deepEqual(xita.json.items.map((a) => a.id), inScope([3, 4, 5]), 'xita: exactly the records of orgs 3, 4 and partner 5');
    const key = (a) => `${a.entity}/${a.entity_id}/${a.action}/${a.username}`;
    const xitaKeys = xita.json.items.map(key);
    assert.ok(xitaKeys.includes('room/1/update/xita'), xitaKeys.join(' '));
    assert.ok(xitaKeys.includes('organisation/5/update/admin'), 'the partner\'s record is in reach');
    assert.ok(!xitaKeys.includes('room/4/update/fuli'));
    assert.ok(!xitaKeys.includes('organisation/7/update/admin'));

    const fuli = await as('fuli', 'GET', '/api/v1/audit?limit=500');
    assert.deepEqual(fuli.json.items.map((a) => a.id), inScope([6, 7, 8, 9, 10, 11, 12, 13]));
    const fuliKeys = fuli.json.items.map(key);
    assert.ok(fuliKeys.includes('room/4/update/fuli'));
    assert.ok(fuliKeys.includes('organisation/7/update/admin'));
    assert.ok(!fuliKeys.includes('room/1/update/xita'));

    // Each record read singly: in reach 200, out of reach 404.
    const r1 = xita.json.items.find((a) => key(a) === 'room/1/update/xita');
    assert.equal((await as('xita', 'GET', `/api/v1/audit/${r1.id}`)).status, 200);
    assert.equal((await as('fuli', 'GET', `/api/v1/audit/${r1.id}`)).status, 404);
    // Records with no organisation (users, station-bound grants) are the admin's alone.
    const userRec = everything.find((a) => a.entity === 'user');
    assert.equal(userRec.org_id, null);
    assert.equal((await as('xita', 'GET', `/api/v1/audit/${userRec.id}`)).status, 404);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// A committee admin's audit reach comes from its committee_admin grant only: another
// grant of a role that may not read the audit log (member) adds nothing to the list,
// as it adds nothing to reading a record singly.
test('the audit list follows the role of the grant, as reading one record does', async () => {
  const srv = await startServer();
  try {
    const fuliUser = (await srv.request('GET', '/api/v1/users?q=fuli')).json.items.find((u) => u.username === 'fuli');
    const g = await srv.request('POST', '/api/v1/grants', { user_id: fuliUser.id, role: 'member', org_id: 4 });
    assert.equal(g.status, 201, g.text);
    const fuli = await signIn(srv.url, 'fuli');
    const as = (path) => srv.request('GET', path, undefined, { authorization: `Bearer ${fuli.token}` });
    // As a member of org 4, fuli now reads org 4 ...
    assert.equal((await as('/api/v1/orgs/4')).status, 200);
    // ... but not its audit records, neither singly nor in the list.
    const org4 = (await srv.request('GET', '/api/v1/audit?org_id=4&limit=500')).json.items;
    assert.ok(org4.length > 0);
    assert.equal((await as(`/api/v1/audit/${org4[0].id}`)).status, 404);
    const listed = (await as('/api/v1/audit?limit=500')).json.items;
    const leaked = listed.filter((a) => a.org_id === 4).map((a) => `${a.id} ${a.entity}/${a.entity_id}`);
    assert.deepEqual(leaked, [], 'audit records of org 4 listed to fuli, who may not read them');
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// Deleting an organisation is a write in the committee's subtree like any other: its
// committee admin still reads the records of it (its own deletion above all) afterwards.
test('the audit of an organisation stays readable to its committee admin after the organisation is deleted', async () => {
  const srv = await startServer();
  try {
    const xita = await signIn(srv.url, 'xita');
    const as = (m, path, body) => srv.request(m, path, body, { authorization: `Bearer ${xita.token}` });
    const made = await as('POST', '/api/v1/orgs', { parent_id: 4, name: '短命党小组', kind: 'party_group' });
    assert.equal(made.status, 201, made.text);
    const id = made.json.id;
    assert.equal((await as('PATCH', `/api/v1/orgs/${id}`, { version: 1, contact_name: '甲' })).status, 200);
    assert.equal((await as('DELETE', `/api/v1/orgs/${id}`)).status, 204);
    const all = (await srv.request('GET', `/api/v1/audit?entity=organisation&entity_id=${id}`)).json.items;
    assert.deepEqual(all.map((a) => [a.action, a.username]), [['create', 'xita'], ['update', 'xita'], ['delete', 'xita']]);
    const listed = (await as('GET', `/api/v1/audit?entity=organisation&entity_id=${id}`)).json.items;
    assert.deepEqual(listed.map((a) => a.action), ['create', 'update', 'delete'],
      'xita\'s audit list lost the records of the organisation it deleted');
    for (const a of all)
      assert.equal((await as('GET', `/api/v1/audit/${a.id}`)).status, 200, `GET /api/v1/audit/${a.id} (${a.action}) as xita`);
    // Still nobody else's.
    const fuli = await signIn(srv.url, 'fuli');
    for (const a of all)
      assert.equal((await srv.request('GET', `/api/v1/audit/${a.id}`, undefined, { authorization: `Bearer ${fuli.token}` })).status, 404);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

test('a station manager edits its station but may not delete it; its committee admin may', async () => {
  const srv = await startServer();
  try {
    const mgr = await signIn(srv.url, 'xita_station');
    const xita = await signIn(srv.url, 'xita');
    // Station 1 still has rooms: an allowed delete is a 409, a refused one 403.
    const byMgr = await srv.request('DELETE', '/api/v1/stations/1', undefined, { authorization: `Bearer ${mgr.token}` });
    assert.equal(byMgr.status, 403, byMgr.text);
    const byXita = await srv.request('DELETE', '/api/v1/stations/1', undefined, { authorization: `Bearer ${xita.token}` });
    assert.equal(byXita.status, 409, byXita.text);
    // The manager of station 1 has no say over station 2 and its rooms.
    const room4 = (await srv.request('GET', '/api/v1/rooms/4')).json;
    const other = await srv.request('PATCH', '/api/v1/rooms/4', { version: room4.version, capacity: 2 },
      { authorization: `Bearer ${mgr.token}` });
    assert.equal(other.status, 403, other.text);
    const newRoom = await srv.request('POST', '/api/v1/rooms', { station_id: 2, name: '越界房间', kind: 'talk_room', capacity: 2 },
      { authorization: `Bearer ${mgr.token}` });
    assert.equal(newRoom.status, 403, newRoom.text);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// A partnership takes a co-building partner into a committee; were any organisation
// allowed as the partner, a committee admin could pull another committee (and its
// stations and rooms) into its own reach. The partner must be managed as a partner.
test('a committee admin cannot pull another committee into reach by a partnership', async () => {
  const srv = await startServer();
  try {
    const xita = await signIn(srv.url, 'xita');
    const as = (m, path, body) => srv.request(m, path, body, { authorization: `Bearer ${xita.token}` });
    // Not as a committee admin (only admins link), and not even as an admin (a committee
    // is no co-building partner).
    const link = await as('POST', '/api/v1/partnerships', { partner_id: 6, committee_id: 3 });
    assert.equal(link.status, 403, `linking fuli's committee as a partner: ${link.text}`);
    const byAdmin = await srv.request('POST', '/api/v1/partnerships', { partner_id: 6, committee_id: 3 });
    assert.equal(byAdmin.status, 422, byAdmin.text);
    assert.equal(byAdmin.json.errors[0].pointer, '/partner_id');
    const room4 = (await srv.request('GET', '/api/v1/rooms/4')).json;
    const r = await as('PATCH', '/api/v1/rooms/4', { version: room4.version, capacity: 2 });
    assert.equal(r.status, 403, `xita changing a room of fuli's station: ${r.text}`);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// 10:00 on a weekday about 100 days ahead: within every station's opening hours and horizon.
function weekdayLater(hour = 10) {
  let day = localDay(Date.now()) + 100;
  while ((day + 3) % 7 + 1 > 5) day++; /* 1970-01-01 was a Thursday */
  return day * 86400000 - LOCAL_OFFSET_MS + hour * 3600000;
}

test('the bookings list is scoped: by the booking organisation\'s subtree, and by station for those who run it', async () => {
  const srv = await startServer();
  try {
    const at = weekdayLater();
    const book = async (room_id, org_id) => {
      const r = await srv.request('POST', '/api/v1/bookings', {
        room_id, org_id, start: local(at), end: local(at + 3600000), title: `范围${n()}`, attendance: 2,
      });
      assert.equal(r.status, 201, r.text);
      return r.json.id;
    };
    const branch4 = await book(2, 4); // station 1, branch 4 (under org 3, which runs station 1)
    const outsider = await book(3, 7); // station 1, an R&F branch (under org 6)
    const partner = await book(1, 5); // station 1, the partner linked to org 3
    const rf = await book(5, 7); // station 2 (org 6's), the R&F branch
    const window = `from=${encodeURIComponent(local(at))}&to=${encodeURIComponent(local(at + 3600000))}&limit=500`;
    const listed = async (u) => {
      const s = await signIn(srv.url, u);
      const r = await srv.request('GET', `/api/v1/bookings?${window}`, undefined, { authorization: `Bearer ${s.token}` });
      assert.equal(r.status, 200, `${u}: ${r.text}`);
      return ids(r);
    };
    assert.deepEqual(ids(await srv.request('GET', `/api/v1/bookings?${window}`)), [branch4, outsider, partner, rf]);
    const got = {};
    for (const u of ['xita', 'fuli', 'xita_station', 'zhongke', 'member']) got[u] = await listed(u);
    // xita runs station 1 (its committee, org 3, is the station's organisation): the
    // outsider's booking there is on its calendar too.
    assert.deepEqual(got, {
      xita: [branch4, outsider, partner],
      fuli: [outsider, rf],
      xita_station: [branch4, outsider, partner],
      zhongke: [branch4],
      member: [branch4],
    });
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// "approve / reject: only managers of the station (station_manager of it, committee_admin
// above the station's org, admin)": whoever booked. An outsider's booking is the one a
// station asking approval of outsiders holds for its managers.
test('a station\'s committee admin approves and rejects the pending bookings of outsiders at its station', async () => {
  const srv = await startServer();
  try {
    const version = (await srv.request('GET', '/api/v1/stations/1')).json.version;
    const p = await srv.request('PATCH', '/api/v1/stations/1', { version, booking_rules: { approval: 'outsiders' } });
    assert.equal(p.status, 200, p.text);
    const fuli = await signIn(srv.url, 'fuli');
    const xita = await signIn(srv.url, 'xita');
    const at = weekdayLater();
    const pending = [];
    for (const room_id of [2, 3]) {
      const r = await srv.request('POST', '/api/v1/bookings', {
        room_id, org_id: 7, start: local(at), end: local(at + 3600000), title: `外单位${n()}`, attendance: 2,
      }, { authorization: `Bearer ${fuli.token}` });
      assert.equal(r.status, 201, r.text);
      assert.equal(r.json.status, 'pending', 'an R&F branch is outside the subtree of org 3, which runs station 1');
      pending.push(r.json);
    }
    const as = (path, body) => srv.request('POST', path, body, { authorization: `Bearer ${xita.token}` });
    const approve = await as(`/api/v1/bookings/${pending[0].id}/approve`, { version: pending[0].version });
    const reject = await as(`/api/v1/bookings/${pending[1].id}/reject`, { version: pending[1].version, reason: '场地另有安排' });
    assert.deepEqual([approve.status, reject.status], [200, 200],
      `xita, committee admin of the station's organisation: approve ${approve.text}; reject ${reject.text}`);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// Signing others up and checking people in at the desk are the organisers' (those who
// run the activity), and so is the list of who signed up and who came.
test('only those who run an activity sign others up, check people in at the desk and list who came', async () => {
  const srv = await startServer();
  try {
    const a = await make.soonActivity(srv, { audience: 'anyone' });
    const want = { admin: 201, xita: 201, fuli: 403, xita_station: 201, zhongke: 201, member: 403 };
    const got = { signUp: {}, desk: {}, listed: {} };
    for (const role of Object.keys(want)) {
      const token = role === 'admin' ? srv.token : (await signIn(srv.url, role)).token;
      const as = (m, path, body) => srv.request(m, path, body, { authorization: `Bearer ${token}` });
      got.signUp[role] = (await as('POST', '/api/v1/registrations', { activity_id: a.id, name: `客人${role}` })).status;
      got.desk[role] = (await as('POST', '/api/v1/checkins', { activity_id: a.id, guest_name: `来宾${role}` })).status;
      const listed = await as('GET', `/api/v1/checkins?activity_id=${a.id}`);
      assert.equal(listed.status, 200, listed.text);
      got.listed[role] = listed.json.items.length;
    }
    assert.deepEqual(got, {
      signUp: want,
      desk: want,
      // each organiser sees the guests checked in so far; fuli and the member none of them
      listed: { admin: 1, xita: 2, fuli: 0, xita_station: 3, zhongke: 4, member: 0 },
    });
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

// A co-organiser's committee admin runs the activity as the host's does: it reads each
// sign-up and check-in. Its lists must hold them too (they do not yet: the lists' scope
// knows the host and the station, not the co-organisers).
test('a co-organiser\'s committee admin lists the sign-ups and check-ins it may read', async () => {
  const srv = await startServer();
  try {
    const a = await make.soonActivity(srv, { audience: 'anyone', co_organisers: [7], publish: false });
    const fuli = (await signIn(srv.url, 'fuli')).token;
    const as = (m, path, body) => srv.request(m, path, body, { authorization: `Bearer ${fuli}` });
    assert.equal((await as('GET', `/api/v1/activities/${a.id}`)).status, 200, 'fuli reads the draft it co-organises');
    const drafts = await as('GET', '/api/v1/activities?status=draft');
    const published = await as('POST', `/api/v1/activities/${a.id}/publish`, { version: a.version });
    assert.equal(published.status, 200, published.text);
    const r = await as('POST', '/api/v1/registrations', { activity_id: a.id, member_id: 2 });
    assert.equal(r.status, 201, r.text);
    const k = await as('POST', '/api/v1/checkins', { activity_id: a.id, member_id: 2 });
    assert.equal(k.status, 201, k.text);
    assert.equal((await as('GET', `/api/v1/registrations/${r.json.id}`)).status, 200);
    assert.equal((await as('GET', `/api/v1/checkins/${k.json.id}`)).status, 200);
    const regs = (await as('GET', `/api/v1/registrations?activity_id=${a.id}`)).json.items.map((x) => x.id);
    const checkins = (await as('GET', `/api/v1/checkins?activity_id=${a.id}`)).json.items.map((x) => x.id);
    assert.deepEqual({ drafts: drafts.json.items.some((x) => x.id === a.id), regs, checkins },
      { drafts: true, regs: [r.json.id], checkins: [k.json.id] });
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});
