// Bad input: every refusal is a 4xx problem document that names what is wrong,
// and a refused request leaves the database as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib.mjs';

let srv;
let westId;     // a building that exists
let stationId;  // a station that exists
let roomId;     // a room that exists
before(async () => {
  srv = await startServer();
  westId = (await srv.request('GET', `/api/v1/buildings?q=${encodeURIComponent('西塔')}`)).json.items[0].id;
  stationId = (await srv.request('GET', `/api/v1/stations?building_id=${westId}`)).json.items[0].id;
  roomId = (await srv.request('GET', `/api/v1/rooms?station_id=${stationId}`)).json.items[0].id;
});
after(async () => {
  if (!srv) return;
  const { code, signal } = await srv.stop();
  assert.equal(signal, null, srv.logs().stderr);
  assert.equal(code, 0, `louyu exited ${code}: ${srv.logs().stderr}`);
});

// Everything the API holds, as one comparable value.
async function snapshot() {
  const out = {};
  for (const kind of ['buildings', 'stations', 'rooms']) {
    out[kind] = [];
    let cursor = null;
    do {
      const r = await srv.request('GET', `/api/v1/${kind}?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      assert.equal(r.status, 200, r.text);
      out[kind].push(...r.json.items);
      cursor = r.json.next;
    } while (cursor !== null);
  }
  return out;
}

function assertProblem(r, status) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type') || '', /^application\/problem\+json/, r.text);
  assert.ok(r.json, `problem body is JSON: ${r.text}`);
  assert.equal(r.json.status, status);
  assert.equal(typeof r.json.type, 'string');
  assert.equal(typeof r.json.title, 'string');
  assert.equal(typeof r.json.detail, 'string');
  assert.ok(r.json.detail.length > 0);
}

// Sends a request that must be refused with 'status' (naming 'pointer' when given,
// as errors[].pointer) and checks that nothing changed.
async function refused(method, path, body, { status = 400, pointer, headers } = {}) {
  const before = await snapshot();
  const r = await srv.request(method, path, body, headers);
  assertProblem(r, status);
  if (pointer !== undefined) {
    assert.ok(Array.isArray(r.json.errors), `errors[] in ${r.text}`);
    const ptrs = r.json.errors.map((e) => e.pointer);
    for (const p of [].concat(pointer)) assert.ok(ptrs.includes(p), `pointer ${JSON.stringify(p)} in ${r.text}`);
    for (const e of r.json.errors) assert.equal(typeof e.detail, 'string');
  }
  assert.deepEqual(await snapshot(), before, `${method} ${path} changed the database`);
  return r;
}

const building = (extra = {}) => ({ name: '测试大厦', address: '珠江新城', latitude: 23.12, longitude: 113.32, ...extra });
const station = (extra = {}) => ({ building_id: westId, name: '测试站', area_m2: 100, ...extra });
const room = (extra = {}) => ({ station_id: stationId, name: '测试室', kind: 'meeting_room', capacity: 10, ...extra });

// ---- bodies ----

test('malformed JSON: 400', async () => {
  for (const text of ['{', '{"name": }', '{"name":"a",}', 'nonsense', '{"a":1}{"b":2}', "{'name':'x'}"]) {
    await refused('POST', '/api/v1/buildings', text);
  }
  await refused('PATCH', `/api/v1/buildings/${westId}`, '{"version":');
});

test('empty body: 400', async () => {
  await refused('POST', '/api/v1/rooms', '');
});

test('a body that is not an object: 400', async () => {
  await refused('POST', '/api/v1/buildings', '[]', { pointer: '' });
  await refused('POST', '/api/v1/stations', '[{"name":"x"}]', { pointer: '' });
  for (const text of ['"西塔"', '42', 'null', 'true']) await refused('POST', '/api/v1/buildings', text);
  await refused('PATCH', `/api/v1/rooms/${roomId}`, '[1]', { pointer: '' });
});

test('duplicate keys: 400', async () => {
  await refused('POST', '/api/v1/buildings', '{"name":"a","name":"b","address":"x","latitude":1,"longitude":1}');
});

test('wrong types: 400 naming each field', async () => {
  await refused('POST', '/api/v1/buildings', building({ name: 5 }), { pointer: '/name' });
  await refused('POST', '/api/v1/buildings', building({ latitude: '23.1' }), { pointer: '/latitude' });
  await refused('POST', '/api/v1/buildings', building({ floors: 10.5 }), { pointer: '/floors' });
  await refused('POST', '/api/v1/buildings', building({ address: ['a'] }), { pointer: '/address' });
  await refused('POST', '/api/v1/stations', station({ building_id: String(westId) }), { pointer: '/building_id' });
  await refused('POST', '/api/v1/stations', station({ area_m2: '100' }), { pointer: '/area_m2' });
  await refused('POST', '/api/v1/stations', station({ services: '党课' }), { pointer: '/services' });
  await refused('POST', '/api/v1/stations', station({ services: ['党课', '党课'] }), { pointer: '/services' });
  await refused('POST', '/api/v1/stations', station({ services: [1] }), { pointer: '/services' });
  await refused('POST', '/api/v1/rooms', room({ capacity: 1.5 }), { pointer: '/capacity' });
  await refused('POST', '/api/v1/rooms', room({ capacity: '10' }), { pointer: '/capacity' });
  await refused('POST', '/api/v1/rooms', room({ bookable: 'yes' }), { pointer: '/bookable' });
  await refused('POST', '/api/v1/rooms', room({ bookable: 1 }), { pointer: '/bookable' });
  await refused('POST', '/api/v1/rooms', room({ kind: 'kitchen' }), { pointer: '/kind' });
  await refused('POST', '/api/v1/rooms', room({ station_id: { id: stationId } }), { pointer: '/station_id' });
  await refused('PATCH', `/api/v1/rooms/${roomId}`, { version: '1', capacity: 5 }, { pointer: '/version' });
  await refused('PATCH', `/api/v1/rooms/${roomId}`, { version: 1, capacity: 'many' }, { pointer: '/capacity' });
});

test('several bad fields are all reported at once', async () => {
  await refused('POST', '/api/v1/buildings', { name: 1, latitude: 'x', longitude: 200 },
    { pointer: ['/name', '/address', '/latitude', '/longitude'] });
});

test('missing required fields and nulls where not allowed: 400', async () => {
  await refused('POST', '/api/v1/buildings', {}, { pointer: ['/name', '/address', '/latitude', '/longitude'] });
  await refused('POST', '/api/v1/stations', { name: '无楼宇站', area_m2: 50 }, { pointer: '/building_id' });
  await refused('POST', '/api/v1/stations', { building_id: westId, name: '无面积站' }, { pointer: '/area_m2' });
  await refused('POST', '/api/v1/rooms', { station_id: stationId, name: '无类型室', capacity: 5 }, { pointer: '/kind' });
  await refused('POST', '/api/v1/rooms', { station_id: stationId, kind: 'classroom', capacity: 5 }, { pointer: '/name' });
  await refused('POST', '/api/v1/buildings', building({ name: null }), { pointer: '/name' });
  await refused('POST', '/api/v1/stations', station({ opening_hours: null }), { pointer: '/opening_hours' });
  await refused('PATCH', `/api/v1/buildings/${westId}`, { version: 1, address: null }, { pointer: '/address' });
  await refused('PATCH', `/api/v1/buildings/${westId}`, { name: '无版本' }, { pointer: '/version' });
  await refused('PATCH', `/api/v1/buildings/${westId}`, {}, { pointer: '/version' });
});

test('blank names: 400', async () => {
  await refused('POST', '/api/v1/buildings', building({ name: '' }), { pointer: '/name' });
  await refused('POST', '/api/v1/rooms', room({ name: '   ' }), { pointer: '/name' });
});

test('control characters in text: 400', async () => {
  await refused('POST', '/api/v1/buildings', building({ name: 'a\u0001b' }), { pointer: '/name' });
  await refused('POST', '/api/v1/buildings', building({ name: 'line\nbreak' }), { pointer: '/name' });
  await refused('POST', '/api/v1/buildings', '{"name":"a\\u0000b","address":"x","latitude":1,"longitude":1}');
});

test('unknown fields: 400 naming them (RFC 6901 escaping)', async () => {
  await refused('POST', '/api/v1/buildings', building({ colour: 'red' }), { pointer: '/colour' });
  await refused('POST', '/api/v1/rooms', room({ Name: 'x' }), { pointer: '/Name' });
  await refused('POST', '/api/v1/buildings', building({ 'a/b': 1, 'c~d': 2 }), { pointer: ['/a~1b', '/c~0d'] });
  await refused('PATCH', `/api/v1/stations/${stationId}`, { version: 1, rooms: [] }, { pointer: '/rooms' });
});

test('read-only fields: 400', async () => {
  await refused('POST', '/api/v1/buildings', building({ id: 99 }), { pointer: '/id' });
  await refused('POST', '/api/v1/buildings', building({ created_at: '2026-01-01T00:00:00+08:00' }), { pointer: '/created_at' });
  await refused('POST', '/api/v1/buildings', building({ updated_at: '2026-01-01T00:00:00+08:00' }), { pointer: '/updated_at' });
  await refused('POST', '/api/v1/rooms', room({ version: 5 }), { pointer: '/version' });
  await refused('PATCH', `/api/v1/rooms/${roomId}`, { version: 1, id: 12345 }, { pointer: '/id' });
  await refused('PATCH', `/api/v1/rooms/${roomId}`, { version: 1, created_at: '2020-01-01T00:00:00+08:00' }, { pointer: '/created_at' });
});

test('names over 100 characters: counted in characters, not bytes', async () => {
  await refused('POST', '/api/v1/buildings', building({ name: 'a'.repeat(101) }), { pointer: '/name' });
  await refused('POST', '/api/v1/buildings', building({ name: '楼'.repeat(101) }), { pointer: '/name' });
  await refused('POST', '/api/v1/rooms', room({ name: '室'.repeat(101) }), { pointer: '/name' });
  await refused('POST', '/api/v1/stations', station({ name: '😀'.repeat(101) }), { pointer: '/name' });
  await refused('PATCH', `/api/v1/buildings/${westId}`, { version: 1, name: '楼'.repeat(101) }, { pointer: '/name' });
  await refused('POST', '/api/v1/buildings', building({ address: '路'.repeat(201) }), { pointer: '/address' });

  for (const name of ['楼'.repeat(100), 'a'.repeat(100), '😀'.repeat(100)]) {
    const r = await srv.request('POST', '/api/v1/buildings', building({ name }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.name, name);
    assert.equal((await srv.request('DELETE', `/api/v1/buildings/${r.json.id}`)).status, 204);
  }
});

test('invalid UTF-8 in the body: 400', async () => {
  const bodies = [
    Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xff, 0xfe]), Buffer.from('","address":"x","latitude":1,"longitude":1}')]),
    Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xc0, 0xaf]), Buffer.from('","address":"x","latitude":1,"longitude":1}')]),
    Buffer.concat([Buffer.from('{"name":"'), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from('","address":"x","latitude":1,"longitude":1}')]),
    Buffer.concat([Buffer.from('{"name":"楼'), Buffer.from([0xe6, 0xa5]), Buffer.from('","address":"x","latitude":1,"longitude":1}')]),
    Buffer.concat([Buffer.from('{"na'), Buffer.from([0x80]), Buffer.from('me":"x","address":"x","latitude":1,"longitude":1}')]),
  ];
  for (const body of bodies) {
    await refused('POST', '/api/v1/buildings', new Uint8Array(body), { headers: { 'content-type': 'application/json' } });
  }
  await refused('POST', '/api/v1/buildings', '{"name":"\\ud800","address":"x","latitude":1,"longitude":1}');
});

test('deeply nested or huge bodies are refused without harm', async () => {
  await refused('POST', '/api/v1/buildings', '['.repeat(200000) + ']'.repeat(200000));
  // Counted before parsing (core/jsonshape.h): too deep, or too many values, costs no parse.
  const deep = await refused('POST', '/api/v1/buildings', building({ extra: JSON.parse('['.repeat(1000) + ']'.repeat(1000)) }));
  assert.match(deep.json.detail, /nested 1001 deep: .* nested at most 64 deep/);
  const many = Object.fromEntries(Array.from({ length: 20000 }, (_, i) => [`k${i}`, i]));
  const wide = await refused('POST', '/api/v1/buildings', many);
  assert.match(wide.json.detail, /holds 40001 values .* at most 10000 values/);
  const huge = await refused('POST', '/api/v1/buildings', `[${'0,'.repeat(400000)}0]`);
  assert.match(huge.json.detail, /at most 10000 values/);
  // Within the bounds, the fields are judged one by one.
  await refused('POST', '/api/v1/buildings', building({ extra: JSON.parse('['.repeat(60) + ']'.repeat(60)) }), { pointer: '/extra' });
  const some = Object.fromEntries(Array.from({ length: 4000 }, (_, i) => [`k${i}`, i]));
  const r = await refused('POST', '/api/v1/buildings', some, { pointer: '/k0' });
  assert.ok(r.json.errors.length >= 1);
  assert.equal((await srv.request('GET', '/healthz')).status, 200);
});

test('numbers out of range: 400', async () => {
  await refused('POST', '/api/v1/buildings', building({ latitude: 91 }), { pointer: '/latitude' });
  await refused('POST', '/api/v1/buildings', building({ latitude: -90.5 }), { pointer: '/latitude' });
  await refused('POST', '/api/v1/buildings', building({ longitude: 180.01 }), { pointer: '/longitude' });
  await refused('POST', '/api/v1/buildings', building({ floors: 0 }), { pointer: '/floors' });
  await refused('POST', '/api/v1/stations', station({ area_m2: -5 }), { pointer: '/area_m2' });
  await refused('POST', '/api/v1/stations', station({ area_m2: 0 }), { pointer: '/area_m2' });
  await refused('POST', '/api/v1/stations', station({ floor: 301 }), { pointer: '/floor' });
  await refused('POST', '/api/v1/rooms', room({ capacity: 0 }), { pointer: '/capacity' });
  await refused('POST', '/api/v1/rooms', room({ capacity: -1 }), { pointer: '/capacity' });
  await refused('POST', '/api/v1/rooms', room({ capacity: 10001 }), { pointer: '/capacity' });
  await refused('POST', '/api/v1/rooms', room({ station_id: 0 }), { pointer: '/station_id' });
  await refused('POST', '/api/v1/rooms', room({ station_id: -3 }), { pointer: '/station_id' });
  await refused('PATCH', `/api/v1/buildings/${westId}`, { version: 1, latitude: 91 }, { pointer: '/latitude' });
  await refused('POST', '/api/v1/rooms', '{"station_id":1,"name":"x","kind":"classroom","capacity":1e400}');
});

test('references to things that do not exist: 422 naming the field', async () => {
  await refused('POST', '/api/v1/rooms', room({ station_id: 987654 }), { status: 422, pointer: '/station_id' });
  await refused('POST', '/api/v1/stations', station({ building_id: 987654 }), { status: 422, pointer: '/building_id' });
  await refused('POST', '/api/v1/stations', station({ org_id: 987654 }), { status: 422, pointer: '/org_id' });
  // A room stays in its station: its station_id is not patched at all.
  await refused('PATCH', `/api/v1/rooms/${roomId}`, { version: 1, station_id: 987654 }, { status: 400, pointer: '/station_id' });
});

test('station contact phone with letters: 400', async () => {
  await refused('POST', '/api/v1/stations', station({ contact_phone: 'call me' }), { pointer: '/contact_phone' });
});

test('SQL meta-characters are stored and returned verbatim', async () => {
  const texts = ["'; DROP TABLE rooms; --", '%_\\', "Robert'); DELETE FROM buildings;--", '"quoted" \\n \\\\ `tick`', "O'Brien 100% _x_"];
  const roomsBefore = (await snapshot()).rooms.length;
  for (const name of texts) {
    const b = await srv.request('POST', '/api/v1/buildings', building({ name, address: name }));
    assert.equal(b.status, 201, b.text);
    assert.equal(b.json.name, name);
    assert.equal(b.json.address, name);
    const got = await srv.request('GET', `/api/v1/buildings/${b.json.id}`);
    assert.equal(got.json.name, name);
    const r = await srv.request('POST', '/api/v1/rooms', room({ name }));
    assert.equal(r.status, 201, r.text);
    assert.equal(r.json.name, name);
    const found = (await srv.request('GET', `/api/v1/buildings?q=${encodeURIComponent(name)}`)).json.items;
    assert.ok(found.some((x) => x.id === b.json.id), `q=${name} finds its building`);
    assert.ok(found.every((x) => x.name.toLowerCase().includes(name.toLowerCase())), `q=${name}: ${JSON.stringify(found.map((x) => x.name))}`);
  }
  const after = await snapshot();
  assert.equal(after.rooms.length, roomsBefore + texts.length, 'the rooms table is still there');
  assert.ok(after.buildings.length >= 9 + texts.length);
});

test('q with LIKE wildcards matches them literally', async () => {
  const pct = (await srv.request('POST', '/api/v1/buildings', building({ name: '百分百%大厦' }))).json;
  const plain = (await srv.request('POST', '/api/v1/buildings', building({ name: '百分百大厦' }))).json;
  const under = (await srv.request('POST', '/api/v1/buildings', building({ name: 'a_b 大厦' }))).json;
  const axb = (await srv.request('POST', '/api/v1/buildings', building({ name: 'axb 大厦' }))).json;
  const bs = (await srv.request('POST', '/api/v1/buildings', building({ name: 'back\\slash 大厦' }))).json;
  const all = (await snapshot()).buildings;

  const q = async (s) => (await srv.request('GET', `/api/v1/buildings?limit=500&q=${encodeURIComponent(s)}`)).json.items;
  const expect = (s) => all.filter((b) => b.name.toLowerCase().includes(s.toLowerCase())).map((b) => b.id);

  const p = await q('%');
  assert.ok(p.some((b) => b.id === pct.id));
  assert.ok(!p.some((b) => b.id === plain.id), '"%" must not match a name without %');
  assert.deepEqual(p.map((b) => b.id), expect('%'));

  const u = await q('a_b');
  assert.ok(u.some((b) => b.id === under.id));
  assert.ok(!u.some((b) => b.id === axb.id), '"_" must not match any character');
  assert.deepEqual(u.map((b) => b.id), expect('a_b'));

  const s = await q('\\');
  assert.ok(s.some((b) => b.id === bs.id));
  assert.deepEqual(s.map((b) => b.id), expect('\\'));

  const pp = await q('百%');
  assert.deepEqual(pp.map((b) => b.id), expect('百%'));
  assert.ok(!pp.some((b) => b.id === plain.id));
});

// ---- media type ----

test('a body that is not application/json: 415', async () => {
  const body = JSON.stringify(building());
  await refused('POST', '/api/v1/buildings', body, { status: 415, headers: { 'content-type': 'text/plain' } });
  await refused('POST', '/api/v1/buildings', body, { status: 415, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  await refused('POST', '/api/v1/buildings', body, { status: 415, headers: { 'content-type': 'application/jsonp' } });
  await refused('POST', '/api/v1/buildings', body, { status: 415, headers: { 'content-type': 'application/json; charset=latin1' } });
  await refused('PATCH', `/api/v1/buildings/${westId}`, JSON.stringify({ version: 1, name: 'x' }), { status: 415, headers: { 'content-type': 'text/json' } });
  // no Content-Type at all (fetch adds none for a byte body; srv.request would add one)
  const before = await snapshot();
  const res = await fetch(`${srv.url}/api/v1/buildings`, {
    method: 'POST', body: new TextEncoder().encode(body), headers: { authorization: `Bearer ${srv.token}` },
  });
  const text = await res.text();
  assertProblem({ status: res.status, headers: res.headers, text, json: JSON.parse(text) }, 415);
  assert.deepEqual(await snapshot(), before);
});

test('application/json with charset=utf-8 is accepted', async () => {
  const r = await srv.request('POST', '/api/v1/buildings', building({ name: '字符集大厦' }), { 'content-type': 'application/json; charset=utf-8' });
  assert.equal(r.status, 201, r.text);
  assert.equal(r.json.name, '字符集大厦');
});

// ---- paths and methods ----

test('unknown paths and ids: 404 problem', async () => {
  for (const path of [
    '/api', '/api/v1', '/api/v1/', '/api/v1/nothing', '/api/v1/buildings/', '/api/v1/buildings/abc',
    '/api/v1/buildings/0', '/api/v1/buildings/-1', '/api/v1/buildings/01', '/api/v1/buildings/1.0',
    '/api/v1/buildings/987654', '/api/v1/stations/987654', '/api/v1/rooms/987654',
    '/api/v1/buildings/99999999999999999999999', '/api/v1/buildings/1/extra',
  ]) {
    const r = await srv.request('GET', path);
    assertProblem(r, 404);
  }
  // Outside /api/ the paths are the web app's pages: its one document, which routes them.
  for (const path of ['/', '/API/V1/BUILDINGS', '/stations/1', '/checkin?activity=1&code=X']) {
    const r = await srv.request('GET', path);
    assert.equal(r.status, 200, path);
    assert.match(r.headers.get('content-type'), /^text\/html/, path);
    assert.match(r.text, /<div id="app"><\/div>/, path);
  }
  await refused('DELETE', '/api/v1/buildings/987654', undefined, { status: 404 });
  await refused('DELETE', '/api/v1/rooms/abc', undefined, { status: 404 });
  await refused('PATCH', '/api/v1/buildings/0', { version: 1, name: 'x' }, { status: 404 });
  await refused('POST', '/api/v1/nothing', building(), { status: 404 });
});

test('wrong method: 405 with an Allow header', async () => {
  const cases = [
    ['PUT', `/api/v1/buildings/${westId}`, ['GET', 'PATCH', 'DELETE']],
    ['POST', `/api/v1/rooms/${roomId}`, ['GET', 'PATCH', 'DELETE']],
    ['DELETE', '/api/v1/buildings', ['GET', 'POST']],
    ['PATCH', '/api/v1/stations', ['GET', 'POST']],
    ['POST', '/healthz', ['GET']],
    ['OPTIONS', '/api/v1/buildings', ['GET', 'POST']],
  ];
  for (const [method, path, want] of cases) {
    const r = await refused(method, path, ['DELETE', 'OPTIONS'].includes(method) ? undefined : building(), { status: 405 });
    const allow = (r.headers.get('allow') || '').split(',').map((s) => s.trim());
    for (const m of want) assert.ok(allow.includes(m), `${method} ${path}: Allow ${allow} lacks ${m}`);
    assert.ok(!allow.includes(method), `${method} ${path}: Allow ${allow} includes ${method}`);
  }
});

// ---- query parameters ----

test('bad query parameters: 400 naming the parameter', async () => {
  const cases = [
    ['/api/v1/buildings?limit=0', 'limit'],
    ['/api/v1/buildings?limit=501', 'limit'],
    ['/api/v1/buildings?limit=abc', 'limit'],
    ['/api/v1/buildings?limit=-5', 'limit'],
    ['/api/v1/buildings?limit=1.5', 'limit'],
    ['/api/v1/buildings?limit=', 'limit'],
    ['/api/v1/rooms?cursor=-1', 'cursor'],
    ['/api/v1/rooms?cursor=abc', 'cursor'],
    ['/api/v1/buildings?colour=red', 'colour'],
    ['/api/v1/buildings?building_id=1', 'building_id'],
    ['/api/v1/stations?building_id=0', 'building_id'],
    ['/api/v1/stations?building_id=x', 'building_id'],
    ['/api/v1/stations?min_area_m2=abc', 'min_area_m2'],
    ['/api/v1/stations?min_area_m2=-1', 'min_area_m2'],
    ['/api/v1/rooms?kind=kitchen', 'kind'],
    ['/api/v1/rooms?min_capacity=0', 'min_capacity'],
    ['/api/v1/rooms?min_capacity=ten', 'min_capacity'],
    ['/api/v1/rooms?station_id=-2', 'station_id'],
    [`/api/v1/rooms?q=${encodeURIComponent('会'.repeat(101))}`, 'q'],
    ['/api/v1/rooms?q=%FF', 'q'],
  ];
  for (const [path, param] of cases) {
    const r = await srv.request('GET', path);
    assertProblem(r, 400);
    assert.ok(Array.isArray(r.json.errors), `${path}: ${r.text}`);
    assert.ok(r.json.errors.some((e) => e.parameter === param), `${path} names ${param}: ${r.text}`);
  }
  const several = await srv.request('GET', '/api/v1/rooms?limit=0&cursor=-1&kind=x&bogus=1');
  assertProblem(several, 400);
  const params = several.json.errors.map((e) => e.parameter).sort();
  assert.deepEqual(params, ['bogus', 'cursor', 'kind', 'limit']);
});

test('limit=500 and limit=1 are accepted', async () => {
  for (const limit of [1, 500]) {
    const r = await srv.request('GET', `/api/v1/buildings?limit=${limit}`);
    assert.equal(r.status, 200, r.text);
    assert.ok(r.json.items.length <= limit && r.json.items.length >= 1);
  }
});

// ---- HEAD ----

test('HEAD answers like GET without a body', async () => {
  for (const path of ['/api/v1/buildings', `/api/v1/buildings/${westId}`, '/api/v1/rooms?kind=meeting_room', '/healthz']) {
    const get = await srv.request('GET', path);
    const head = await srv.request('HEAD', path);
    assert.equal(head.status, 200);
    assert.equal(head.text, '');
    assert.equal(head.headers.get('content-type'), get.headers.get('content-type'));
    assert.equal(head.headers.get('content-length'), String(Buffer.byteLength(get.text)));
  }
  const missing = await srv.request('HEAD', '/api/v1/buildings/987654');
  assert.equal(missing.status, 404);
  assert.equal(missing.text, '');
  const badq = await srv.request('HEAD', '/api/v1/buildings?limit=0');
  assert.equal(badq.status, 400);
  assert.equal(badq.text, '');
});
