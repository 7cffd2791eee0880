// Buildings, stations and rooms: every route, against the real binary with the demo data.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertStopsCleanly } from './lib.mjs';

const RFC3339_CN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+08:00$/;

let srv;
before(async () => { srv = await startServer(); });
after(() => assertStopsCleanly(srv));

// Every item of a collection, page by page.
async function listAll(path, limit = 500) {
  const sep = path.includes('?') ? '&' : '?';
  const items = [];
  let cursor = null;
  for (let pages = 0; pages < 1000; pages++) {
    const r = await srv.request('GET', `${path}${sep}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    assert.equal(r.status, 200, r.text);
    items.push(...r.json.items);
    if (r.json.next === null) return items;
    cursor = r.json.next;
  }
  throw new Error('pagination never ended');
}

function assertProblem(r, status) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type') || '', /^application\/problem\+json/);
  assert.equal(r.json.status, status);
  assert.equal(typeof r.json.type, 'string');
  assert.equal(typeof r.json.title, 'string');
  assert.equal(typeof r.json.detail, 'string');
}

function pointers(r) {
  return (r.json.errors || []).map((e) => e.pointer);
}

async function create(kind, body) {
  const r = await srv.request('POST', `/api/v1/${kind}`, body);
  assert.equal(r.status, 201, r.text);
  return r.json;
}

let uniq = 0;
const newBuilding = (extra = {}) => create('buildings', {
  name: `测试大厦${++uniq}`, address: '珠江新城测试路1号', latitude: 23.12, longitude: 113.32, ...extra,
});
const newStation = (building_id, extra = {}) => create('stations', {
  building_id, name: `测试服务站${++uniq}`, area_m2: 120, ...extra,
});
const newRoom = (station_id, extra = {}) => create('rooms', {
  station_id, name: `测试房间${++uniq}`, kind: 'meeting_room', capacity: 10, ...extra,
});

// ---- demo contents ----

test('demo: nine buildings, the West Tower near 23.1197, 113.3228', async () => {
  const buildings = await listAll('/api/v1/buildings');
  assert.equal(buildings.length, 9);
  const west = buildings.filter((b) => b.name.includes('西塔'));
  assert.equal(west.length, 1);
  assert.ok(Math.abs(west[0].latitude - 23.1197) < 0.001, `latitude ${west[0].latitude}`);
  assert.ok(Math.abs(west[0].longitude - 113.3228) < 0.001, `longitude ${west[0].longitude}`);
  for (const b of buildings) {
    assert.equal(typeof b.id, 'number');
    assert.ok(Number.isInteger(b.id));
    assert.ok(b.latitude > 23.1 && b.latitude < 23.14, `${b.name} latitude ${b.latitude}`);
    assert.ok(b.longitude > 113.31 && b.longitude < 113.34, `${b.name} longitude ${b.longitude}`);
  }
});

test('demo: the West Tower station on floor 46 with 558 m2 and its three rooms', async () => {
  const [west] = await listAll(`/api/v1/buildings?q=${encodeURIComponent('西塔')}`);
  const stations = await listAll(`/api/v1/stations?building_id=${west.id}`);
  assert.equal(stations.length, 1);
  const st = stations[0];
  assert.equal(st.building_id, west.id);
  assert.equal(st.floor, 46);
  assert.equal(st.area_m2, 558);
  const rooms = await listAll(`/api/v1/rooms?station_id=${st.id}`);
  assert.deepEqual(rooms.map((r) => r.name).sort(), ['会议活动室', '白领党员课堂', '谈心谈话室'].sort());
  for (const r of rooms) assert.equal(r.station_id, st.id);
});

test('demo: a 1000 m2 station exists', async () => {
  const stations = await listAll('/api/v1/stations');
  assert.ok(stations.some((s) => s.area_m2 === 1000), JSON.stringify(stations.map((s) => s.area_m2)));
});

// ---- listing ----

for (const kind of ['buildings', 'stations', 'rooms']) {
  test(`list ${kind}: {items, next} shape`, async () => {
    const r = await srv.request('GET', `/api/v1/${kind}`);
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type'), /^application\/json/);
    assert.deepEqual(Object.keys(r.json).sort(), ['items', 'next']);
    assert.ok(Array.isArray(r.json.items));
    assert.ok(r.json.items.length > 0);
    assert.equal(r.json.next, null);
    for (const item of r.json.items) {
      assert.ok(Number.isInteger(item.id));
      assert.ok(Number.isInteger(item.version) && item.version >= 1);
      assert.match(item.created_at, RFC3339_CN);
      assert.match(item.updated_at, RFC3339_CN);
    }
  });

  test(`list ${kind}: ?limit=1 walks every page, each item once`, async () => {
    const all = (await srv.request('GET', `/api/v1/${kind}?limit=500`)).json.items;
    assert.ok(all.length >= 2, 'needs at least two items to paginate');
    const seen = [];
    let cursor = null;
    for (let i = 0; i <= all.length + 1; i++) {
      const r = await srv.request('GET', `/api/v1/${kind}?limit=1${cursor !== null ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(r.status, 200, r.text);
      assert.ok(r.json.items.length <= 1);
      seen.push(...r.json.items);
      if (r.json.next === null) break;
      assert.equal(typeof r.json.next, 'string');
      assert.equal(r.json.items.length, 1, 'a page with a next cursor is not empty');
      cursor = r.json.next;
    }
    assert.deepEqual(seen.map((x) => x.id), all.map((x) => x.id));
    assert.equal(new Set(seen.map((x) => x.id)).size, seen.length);
    assert.deepEqual(seen, all);
  });
}

test('list: the default page holds 50 items and limit=500 holds them all', async () => {
  const b = await newBuilding();
  const s = await newStation(b.id);
  for (let i = 0; i < 53; i++) await newRoom(s.id);
  const def = await srv.request('GET', `/api/v1/rooms?station_id=${s.id}`);
  assert.equal(def.status, 200);
  assert.equal(def.json.items.length, 50);
  assert.notEqual(def.json.next, null);
  const rest = await srv.request('GET', `/api/v1/rooms?station_id=${s.id}&cursor=${encodeURIComponent(def.json.next)}`);
  assert.equal(rest.json.items.length, 3);
  assert.equal(rest.json.next, null);
  const big = await srv.request('GET', `/api/v1/rooms?station_id=${s.id}&limit=500`);
  assert.equal(big.json.items.length, 53);
  assert.equal(big.json.next, null);
  const exact = await srv.request('GET', `/api/v1/rooms?station_id=${s.id}&limit=53`);
  assert.equal(exact.json.items.length, 53);
  assert.equal(exact.json.next, null, 'a page that holds the last item has no next cursor');
});

test('stations: building_id and min_area_m2 filters', async () => {
  const all = await listAll('/api/v1/stations');
  const bid = all[0].building_id;
  const byBuilding = await listAll(`/api/v1/stations?building_id=${bid}`);
  assert.ok(byBuilding.length >= 1);
  assert.deepEqual(byBuilding.map((s) => s.id), all.filter((s) => s.building_id === bid).map((s) => s.id));

  const big = await listAll('/api/v1/stations?min_area_m2=1000');
  assert.ok(big.length >= 1);
  assert.deepEqual(big.map((s) => s.id), all.filter((s) => s.area_m2 >= 1000).map((s) => s.id));
  const mid = await listAll('/api/v1/stations?min_area_m2=558');
  assert.deepEqual(mid.map((s) => s.id), all.filter((s) => s.area_m2 >= 558).map((s) => s.id));
  assert.ok(mid.length > big.length);
  const frac = await listAll('/api/v1/stations?min_area_m2=557.5');
  assert.deepEqual(frac.map((s) => s.id), mid.map((s) => s.id));

  const none = await srv.request('GET', '/api/v1/stations?building_id=999999');
  assert.equal(none.status, 200);
  assert.deepEqual(none.json, { items: [], next: null });

  const both = await listAll(`/api/v1/stations?building_id=${bid}&min_area_m2=100000`);
  assert.deepEqual(both, []);
});

test('rooms: station_id, kind and min_capacity filters', async () => {
  const all = await listAll('/api/v1/rooms');
  const sid = all[0].station_id;
  const byStation = await listAll(`/api/v1/rooms?station_id=${sid}`);
  assert.deepEqual(byStation.map((r) => r.id), all.filter((r) => r.station_id === sid).map((r) => r.id));

  const meeting = await listAll('/api/v1/rooms?kind=meeting_room');
  assert.ok(meeting.length >= 3);
  assert.deepEqual(meeting.map((r) => r.id), all.filter((r) => r.kind === 'meeting_room').map((r) => r.id));

  const talk = await listAll('/api/v1/rooms?kind=talk_room');
  assert.ok(talk.some((r) => r.name === '谈心谈话室'));
  assert.ok(talk.every((r) => r.kind === 'talk_room'));

  const cap = await listAll('/api/v1/rooms?min_capacity=30');
  assert.ok(cap.length >= 1);
  assert.deepEqual(cap.map((r) => r.id), all.filter((r) => r.capacity >= 30).map((r) => r.id));

  const combo = await listAll(`/api/v1/rooms?station_id=${sid}&kind=meeting_room&min_capacity=30`);
  assert.deepEqual(combo.map((r) => r.id),
    all.filter((r) => r.station_id === sid && r.kind === 'meeting_room' && r.capacity >= 30).map((r) => r.id));
});

test('q searches names by substring, Chinese included', async () => {
  const west = await listAll(`/api/v1/buildings?q=${encodeURIComponent('西塔')}`);
  assert.equal(west.length, 1);
  assert.match(west[0].name, /西塔/);

  const stations = await listAll(`/api/v1/stations?q=${encodeURIComponent('西塔')}`);
  assert.ok(stations.length >= 1);
  assert.ok(stations.every((s) => s.name.includes('西塔')));

  const all = await listAll('/api/v1/rooms');
  const meeting = await listAll(`/api/v1/rooms?q=${encodeURIComponent('会议')}`);
  assert.ok(meeting.length >= 3);
  assert.deepEqual(meeting.map((r) => r.id), all.filter((r) => r.name.includes('会议')).map((r) => r.id));
  assert.ok(meeting.some((r) => r.name === '会议活动室'));

  const fuli = await listAll(`/api/v1/buildings?q=${encodeURIComponent('富力')}`);
  assert.equal(fuli.length, 6);

  const nothing = await srv.request('GET', `/api/v1/buildings?q=${encodeURIComponent('不存在的名字')}`);
  assert.deepEqual(nothing.json, { items: [], next: null });

  const withFilter = await listAll(`/api/v1/rooms?q=${encodeURIComponent('会议')}&kind=meeting_room&min_capacity=31`);
  assert.ok(withFilter.every((r) => r.name.includes('会议') && r.capacity >= 31));
  assert.ok(withFilter.length >= 1);
});

test('q ignores ASCII case', async () => {
  const b = await newBuilding({ name: 'Pearl River Tower QCase' });
  const found = await listAll('/api/v1/buildings?q=qcase');
  assert.deepEqual(found.map((x) => x.id), [b.id]);
});

// ---- get ----

for (const kind of ['buildings', 'stations', 'rooms']) {
  test(`get ${kind}/{id} answers the listed item`, async () => {
    const items = await listAll(`/api/v1/${kind}`);
    for (const item of items.slice(0, 3)) {
      const r = await srv.request('GET', `/api/v1/${kind}/${item.id}`);
      assert.equal(r.status, 200);
      assert.match(r.headers.get('content-type'), /^application\/json/);
      assert.deepEqual(r.json, item);
    }
  });
}

// ---- create ----

test('create building: 201, Location, defaults, times in +08:00', async () => {
  const body = { name: '测试创建大厦', address: '花城大道1号', latitude: 23.125, longitude: 113.33 };
  const r = await srv.request('POST', '/api/v1/buildings', body);
  assert.equal(r.status, 201, r.text);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  const loc = r.headers.get('location');
  assert.ok(loc, 'Location header');
  const path = new URL(loc, srv.url).pathname;
  assert.equal(path, `/api/v1/buildings/${r.json.id}`);
  assert.ok(Number.isInteger(r.json.id) && r.json.id > 0);
  for (const [k, v] of Object.entries(body)) assert.equal(r.json[k], v, k);
  assert.equal(r.json.grade, null);
  assert.equal(r.json.floors, null);
  assert.equal(r.json.version, 1);
  assert.match(r.json.created_at, RFC3339_CN);
  assert.equal(r.json.updated_at, r.json.created_at);
  const got = await srv.request('GET', path);
  assert.equal(got.status, 200);
  assert.deepEqual(got.json, r.json);
});

test('create station: defaults for opening hours, services and nullable fields', async () => {
  const b = await newBuilding();
  const r = await srv.request('POST', '/api/v1/stations', { building_id: b.id, name: '默认值服务站', area_m2: 80.5 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.building_id, b.id);
  assert.equal(r.json.area_m2, 80.5);
  assert.deepEqual(r.json.opening_hours, []);
  assert.deepEqual(r.json.services, []);
  assert.equal(r.json.floor, null);
  assert.equal(r.json.org_id, null);
  assert.equal(r.json.contact_name, null);
  assert.equal(r.json.contact_phone, null);
  assert.equal(r.json.version, 1);
  const got = await srv.request('GET', new URL(r.headers.get('location'), srv.url).pathname);
  assert.deepEqual(got.json, r.json);
});

test('create station: all fields round-trip, negative floors allowed', async () => {
  const b = await newBuilding();
  const body = {
    building_id: b.id, name: '全字段服务站', floor: -2, area_m2: 300,
    opening_hours: [{ day: 1, open: '09:00', close: '18:00' }],
    services: ['党课', '读书角'], contact_name: '王老师', contact_phone: '+86 (20) 1234-5678',
  };
  const s = await create('stations', body);
  for (const [k, v] of Object.entries(body)) assert.deepEqual(s[k], v, k);
});

test('create room: bookable defaults to true; false is kept', async () => {
  const b = await newBuilding();
  const s = await newStation(b.id);
  const r = await srv.request('POST', '/api/v1/rooms', { station_id: s.id, name: '党员活动室', kind: 'multi_purpose', capacity: 25 });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.bookable, true);
  assert.equal(r.json.station_id, s.id);
  assert.equal(r.json.kind, 'multi_purpose');
  assert.equal(r.json.capacity, 25);
  assert.equal(new URL(r.headers.get('location'), srv.url).pathname, `/api/v1/rooms/${r.json.id}`);
  const got = await srv.request('GET', `/api/v1/rooms/${r.json.id}`);
  assert.deepEqual(got.json, r.json);
  const off = await newRoom(s.id, { bookable: false });
  assert.equal(off.bookable, false);
  assert.equal((await srv.request('GET', `/api/v1/rooms/${off.id}`)).json.bookable, false);
});

test('create: every room kind is accepted', async () => {
  const b = await newBuilding();
  const s = await newStation(b.id);
  for (const kind of ['classroom', 'talk_room', 'meeting_room', 'reading_corner', 'multi_purpose']) {
    const r = await newRoom(s.id, { kind });
    assert.equal(r.kind, kind);
  }
});

test('create station in a building that does not exist: 422 naming /building_id', async () => {
  const r = await srv.request('POST', '/api/v1/stations', { building_id: 987654, name: '孤儿站', area_m2: 50 });
  assertProblem(r, 422);
  assert.ok(pointers(r).includes('/building_id'), r.text);
});

// ---- update ----

test('PATCH building: version required, bumps version, keeps the other fields', async () => {
  const b = await newBuilding({ grade: '甲级', floors: 40 });
  const missing = await srv.request('PATCH', `/api/v1/buildings/${b.id}`, { name: '无版本' });
  assertProblem(missing, 400);
  assert.ok(pointers(missing).includes('/version'), missing.text);

  const r = await srv.request('PATCH', `/api/v1/buildings/${b.id}`, { version: 1, name: '改名大厦', floors: 41 });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.id, b.id);
  assert.equal(r.json.version, 2);
  assert.equal(r.json.name, '改名大厦');
  assert.equal(r.json.floors, 41);
  assert.equal(r.json.address, b.address);
  assert.equal(r.json.latitude, b.latitude);
  assert.equal(r.json.grade, '甲级');
  assert.equal(r.json.created_at, b.created_at);
  assert.match(r.json.updated_at, RFC3339_CN);
  assert.ok(Date.parse(r.json.updated_at) >= Date.parse(b.updated_at));
  assert.deepEqual((await srv.request('GET', `/api/v1/buildings/${b.id}`)).json, r.json);

  const r2 = await srv.request('PATCH', `/api/v1/buildings/${b.id}`, { version: 2, grade: null, floors: null });
  assert.equal(r2.status, 200, r2.text);
  assert.equal(r2.json.version, 3);
  assert.equal(r2.json.grade, null);
  assert.equal(r2.json.floors, null);
  assert.equal(r2.json.name, '改名大厦');
});

test('PATCH with a stale version: 409 problem, record unchanged', async () => {
  const b = await newBuilding();
  const ok = await srv.request('PATCH', `/api/v1/buildings/${b.id}`, { version: 1, address: '新地址' });
  assert.equal(ok.status, 200, ok.text);
  const stale = await srv.request('PATCH', `/api/v1/buildings/${b.id}`, { version: 1, address: '旧版本的修改' });
  assertProblem(stale, 409);
  const ahead = await srv.request('PATCH', `/api/v1/buildings/${b.id}`, { version: 7, address: '未来版本' });
  assertProblem(ahead, 409);
  const now = await srv.request('GET', `/api/v1/buildings/${b.id}`);
  assert.deepEqual(now.json, ok.json);
});

test('PATCH station and room: version bump, fields replaced', async () => {
  const b = await newBuilding();
  const b2 = await newBuilding();
  const s = await newStation(b.id, { services: ['党课'] });
  const ps = await srv.request('PATCH', `/api/v1/stations/${s.id}`, {
    version: s.version, building_id: b2.id, floor: 12, services: ['党课', '读书角'],
  });
  assert.equal(ps.status, 200, ps.text);
  assert.equal(ps.json.version, s.version + 1);
  assert.equal(ps.json.building_id, b2.id);
  assert.equal(ps.json.floor, 12);
  assert.deepEqual(ps.json.services, ['党课', '读书角']);
  assert.equal(ps.json.name, s.name);
  assert.match(ps.json.updated_at, RFC3339_CN);

  const room = await newRoom(s.id);
  const pr = await srv.request('PATCH', `/api/v1/rooms/${room.id}`, { version: 1, bookable: false, capacity: 12, kind: 'classroom' });
  assert.equal(pr.status, 200, pr.text);
  assert.equal(pr.json.version, 2);
  assert.equal(pr.json.bookable, false);
  assert.equal(pr.json.capacity, 12);
  assert.equal(pr.json.kind, 'classroom');
  assert.equal(pr.json.name, room.name);
  const stale = await srv.request('PATCH', `/api/v1/rooms/${room.id}`, { version: 1, capacity: 99 });
  assertProblem(stale, 409);
  assert.equal((await srv.request('GET', `/api/v1/rooms/${room.id}`)).json.capacity, 12);
});

test('PATCH to a reference that does not exist: 422, record unchanged', async () => {
  const b = await newBuilding();
  const s = await newStation(b.id);
  const r = await srv.request('PATCH', `/api/v1/stations/${s.id}`, { version: 1, building_id: 987654 });
  assertProblem(r, 422);
  assert.ok(pointers(r).includes('/building_id'), r.text);
  const room = await newRoom(s.id);
  // A room stays in its station (its bookings are the station's): station_id is not patched.
  const rr = await srv.request('PATCH', `/api/v1/rooms/${room.id}`, { version: 1, station_id: s.id });
  assertProblem(rr, 400);
  assert.ok(pointers(rr).includes('/station_id'), rr.text);
  assert.deepEqual((await srv.request('GET', `/api/v1/stations/${s.id}`)).json, s);
  assert.deepEqual((await srv.request('GET', `/api/v1/rooms/${room.id}`)).json, room);
});

test('PATCH a record that does not exist: 404', async () => {
  for (const kind of ['buildings', 'stations', 'rooms']) {
    const r = await srv.request('PATCH', `/api/v1/${kind}/987654`, { version: 1, name: '不存在' });
    assertProblem(r, 404);
  }
});

// ---- delete ----

test('DELETE: 204 without a body, then 404', async () => {
  const b = await newBuilding();
  const s = await newStation(b.id);
  const room = await newRoom(s.id);
  for (const [kind, id] of [['rooms', room.id], ['stations', s.id], ['buildings', b.id]]) {
    const d = await srv.request('DELETE', `/api/v1/${kind}/${id}`);
    assert.equal(d.status, 204, d.text);
    assert.equal(d.text, '');
    const g = await srv.request('GET', `/api/v1/${kind}/${id}`);
    assertProblem(g, 404);
    const again = await srv.request('DELETE', `/api/v1/${kind}/${id}`);
    assertProblem(again, 404);
    const listed = await listAll(`/api/v1/${kind}`);
    assert.ok(!listed.some((x) => x.id === id), `${kind} ${id} is still listed`);
  }
});

test('DELETE a building with stations or a station with rooms: 409, nothing deleted', async () => {
  const b = await newBuilding();
  const s = await newStation(b.id);
  const room = await newRoom(s.id);
  const db = await srv.request('DELETE', `/api/v1/buildings/${b.id}`);
  assertProblem(db, 409);
  const ds = await srv.request('DELETE', `/api/v1/stations/${s.id}`);
  assertProblem(ds, 409);
  assert.deepEqual((await srv.request('GET', `/api/v1/buildings/${b.id}`)).json, b);
  assert.deepEqual((await srv.request('GET', `/api/v1/stations/${s.id}`)).json, s);
  assert.deepEqual((await srv.request('GET', `/api/v1/rooms/${room.id}`)).json, room);
});

test('DELETE the demo West Tower: 409 because its station remains', async () => {
  const [west] = await listAll(`/api/v1/buildings?q=${encodeURIComponent('西塔')}`);
  assertProblem(await srv.request('DELETE', `/api/v1/buildings/${west.id}`), 409);
  assert.equal((await srv.request('GET', `/api/v1/buildings/${west.id}`)).status, 200);
});

// ---- opening hours ----

test('opening hours come back sorted by day and time', async () => {
  const b = await newBuilding();
  const s = await newStation(b.id, {
    opening_hours: [
      { day: 7, open: '10:00', close: '16:00' },
      { day: 1, open: '14:00', close: '21:30' },
      { close: '12:00', open: '09:00', day: 1 },
      { day: 3, open: '00:00', close: '24:00' },
    ],
  });
  const want = [
    { day: 1, open: '09:00', close: '12:00' },
    { day: 1, open: '14:00', close: '21:30' },
    { day: 3, open: '00:00', close: '24:00' },
    { day: 7, open: '10:00', close: '16:00' },
  ];
  assert.deepEqual(s.opening_hours, want);
  assert.deepEqual((await srv.request('GET', `/api/v1/stations/${s.id}`)).json.opening_hours, want);
});

test('opening hours: spans that touch are fine, overlapping spans are a 400 naming /opening_hours', async () => {
  const b = await newBuilding();
  const touching = await newStation(b.id, {
    opening_hours: [{ day: 2, open: '12:00', close: '14:00' }, { day: 2, open: '09:00', close: '12:00' }],
  });
  assert.deepEqual(touching.opening_hours, [{ day: 2, open: '09:00', close: '12:00' }, { day: 2, open: '12:00', close: '14:00' }]);

  const before = await listAll(`/api/v1/stations?building_id=${b.id}`);
  const bad = await srv.request('POST', '/api/v1/stations', {
    building_id: b.id, name: '重叠时段站', area_m2: 100,
    opening_hours: [{ day: 2, open: '13:00', close: '18:00' }, { day: 2, open: '09:00', close: '13:30' }],
  });
  assertProblem(bad, 400);
  assert.ok(pointers(bad).includes('/opening_hours'), bad.text);
  assert.deepEqual(await listAll(`/api/v1/stations?building_id=${b.id}`), before);

  const patch = await srv.request('PATCH', `/api/v1/stations/${touching.id}`, {
    version: touching.version,
    opening_hours: [{ day: 5, open: '09:00', close: '17:00' }, { day: 5, open: '16:59', close: '20:00' }],
  });
  assertProblem(patch, 400);
  assert.ok(pointers(patch).includes('/opening_hours'), patch.text);
  assert.deepEqual((await srv.request('GET', `/api/v1/stations/${touching.id}`)).json, touching);
});

test('opening hours: malformed spans are refused naming /opening_hours', async () => {
  const b = await newBuilding();
  const cases = [
    'nine to five',
    [{ day: 0, open: '09:00', close: '17:00' }],
    [{ day: 8, open: '09:00', close: '17:00' }],
    [{ day: 1, open: '9:00', close: '17:00' }],
    [{ day: 1, open: '09:00', close: '24:01' }],
    [{ day: 1, open: '17:00', close: '09:00' }],
    [{ day: 1, open: '09:00', close: '09:00' }],
    [{ day: 1, open: '09:00' }],
    [{ day: 1, open: '09:00', close: '17:00', note: 'x' }],
  ];
  for (const opening_hours of cases) {
    const r = await srv.request('POST', '/api/v1/stations', { building_id: b.id, name: '坏时段站', area_m2: 100, opening_hours });
    assertProblem(r, 400);
    assert.ok(pointers(r).includes('/opening_hours'), `${JSON.stringify(opening_hours)}: ${r.text}`);
  }
  assert.deepEqual(await listAll(`/api/v1/stations?building_id=${b.id}`), []);
});

// ---- concurrency ----

test('concurrent PATCHes with the same version: exactly one wins, the rest get 409', async () => {
  const b = await newBuilding();
  const results = await Promise.all(Array.from({ length: 8 }, (_, i) =>
    srv.request('PATCH', `/api/v1/buildings/${b.id}`, { version: 1, address: `并发地址${i}` })));
  const statuses = results.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, 409, 409, 409, 409, 409, 409, 409], results.map((r) => r.text).join('\n'));
  const winner = results.find((r) => r.status === 200).json;
  const now = (await srv.request('GET', `/api/v1/buildings/${b.id}`)).json;
  assert.equal(now.version, 2);
  assert.equal(now.address, winner.address);
});

test('concurrent creates all succeed with distinct ids', async () => {
  const b = await newBuilding();
  const s = await newStation(b.id);
  const results = await Promise.all(Array.from({ length: 16 }, (_, i) =>
    srv.request('POST', '/api/v1/rooms', { station_id: s.id, name: `并发房间${i}`, kind: 'talk_room', capacity: 4 })));
  for (const r of results) assert.equal(r.status, 201, r.text);
  const ids = results.map((r) => r.json.id);
  assert.equal(new Set(ids).size, 16);
  const listed = await listAll(`/api/v1/rooms?station_id=${s.id}`);
  assert.deepEqual(listed.map((r) => r.id).sort((x, y) => x - y), ids.sort((x, y) => x - y));
});
