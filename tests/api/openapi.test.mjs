// docs/openapi.yaml against the real server: the document is valid OpenAPI
// 3.1, it names exactly the routes the binary has, the server serves it
// byte for byte, and what the server answers matches what it documents
// (status listed for the operation, Content-Type, headers, body schema).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import YAML from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startServer, louyu, rawRequest, rawStatus } from './lib.mjs';

const DOC_PATH = new URL('../../docs/openapi.yaml', import.meta.url).pathname;
const DOC_BYTES = readFileSync(DOC_PATH);
const doc = YAML.parse(DOC_BYTES.toString('utf8'));
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// ---- the document as a set of schemas ajv can check values against ----

// The component schemas become $defs of one schema with this id, and every
// '#/components/schemas/...' reference is rewritten to point there.
const SCHEMAS_ID = 'https://louyu.invalid/openapi/schemas';

function rebase(node) {
  if (Array.isArray(node)) return node.map(rebase);
  if (node === null || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/'))
      out[k] = `${SCHEMAS_ID}#/$defs/${v.slice('#/components/schemas/'.length)}`;
    else out[k] = rebase(v);
  }
  return out;
}

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
ajv.addSchema({ $id: SCHEMAS_ID, $defs: rebase(doc.components?.schemas ?? {}) });

const compiled = new Map();
function assertMatches(schema, value, what) {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(rebase(schema));
    compiled.set(schema, validate);
  }
  assert.ok(validate(value),
    `${what} does not match the documented schema:\n  ` +
    `${ajv.errorsText(validate.errors, { separator: '\n  ' })}\n  value: ${JSON.stringify(value).slice(0, 600)}`);
}

function assertDoesNotMatch(schema, value, what) {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(rebase(schema));
    compiled.set(schema, validate);
  }
  assert.equal(validate(value), false, `${what} should not match the documented schema: ${JSON.stringify(value)}`);
}

// The value a local reference ('#/components/...') points at.
function pointer(ref) {
  assert.ok(ref.startsWith('#/'), `only local references are used, not ${ref}`);
  let node = doc;
  for (const part of ref.slice(2).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    assert.ok(node !== null && typeof node === 'object' && key in node, `${ref} points at nothing`);
    node = node[key];
  }
  return node;
}

function deref(node) {
  while (node && typeof node.$ref === 'string') node = pointer(node.$ref);
  return node;
}

// ---- the operations of the document ----

function documentedOperations() {
  const ops = [];
  for (const [path, item] of Object.entries(doc.paths ?? {}))
    for (const m of HTTP_METHODS) if (item[m]) ops.push(`${m.toUpperCase()} ${path}`);
  return ops;
}

function operation(method, template) {
  const item = doc.paths?.[template];
  assert.ok(item, `${template} is not a path of docs/openapi.yaml`);
  const op = item[method.toLowerCase()];
  assert.ok(op, `${method} ${template} is not an operation of docs/openapi.yaml`);
  return op;
}

function documentedResponse(method, template, status) {
  const op = operation(method, template);
  const r = op.responses?.[String(status)];
  assert.ok(r, `${method} ${template} answered ${status}, which the document does not list ` +
    `(it lists ${Object.keys(op.responses ?? {}).join(', ')})`);
  return deref(r);
}

function requestSchema(method, template) {
  const body = deref(operation(method, template).requestBody);
  assert.ok(body?.content?.['application/json']?.schema, `${method} ${template} documents no JSON request body`);
  return body.content['application/json'].schema;
}

// Checks an answer { status, headers, text, json } against a Response Object.
function assertAnswerMatches(response, res, what) {
  for (const [name, h] of Object.entries(response.headers ?? {})) {
    const header = deref(h);
    const value = res.headers.get(name);
    if (header.required) assert.notEqual(value, null, `${what}: the documented header ${name} is missing`);
    if (value !== null && header.schema) assertMatches(header.schema, value, `${what}: header ${name}`);
  }
  if (!response.content) {
    assert.equal(res.text, '', `${what}: the document gives no body, the server sent one`);
    return;
  }
  const type = (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  const media = response.content[type];
  assert.ok(media, `${what}: Content-Type '${type}' is not documented ` +
    `(documented: ${Object.keys(response.content).join(', ')})`);
  const body = type.endsWith('json') ? res.json : res.text;
  assert.notEqual(body, null, `${what}: the body is not JSON: ${res.text.slice(0, 200)}`);
  if (media.schema) assertMatches(media.schema, body, `${what}: body`);
}

// An HTTP/1.1 answer read off a raw socket, shaped like server.request()'s.
function parseRaw(answer) {
  const end = answer.indexOf('\r\n\r\n');
  assert.ok(end > 0, `not an HTTP answer: ${JSON.stringify(answer.slice(0, 200))}`);
  const lines = answer.slice(0, end).split('\r\n');
  const headers = new Headers();
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    headers.append(line.slice(0, i).trim(), line.slice(i + 1).trim());
  }
  let text = answer.slice(end + 4);
  const length = headers.get('content-length');
  if (length !== null) text = text.slice(0, Number(length));
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: rawStatus(answer), headers, text, json };
}

// ---- the document itself ----

describe('docs/openapi.yaml', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    assert.match(String(doc.openapi), /^3\.1\.\d+$/);
    const validator = new Validator();
    const r = await validator.validate(structuredClone(doc));
    assert.ok(r.valid, `not valid OpenAPI: ${JSON.stringify(r.errors, null, 2)?.slice(0, 3000)}`);
  });

  it('has every local reference resolve and every component schema compile under ajv strict mode', () => {
    const walk = (node) => {
      if (Array.isArray(node)) return node.forEach(walk);
      if (node === null || typeof node !== 'object') return;
      if (typeof node.$ref === 'string') pointer(node.$ref);
      Object.values(node).forEach(walk);
    };
    walk(doc);
    const names = Object.keys(doc.components?.schemas ?? {});
    assert.ok(names.length > 0, 'the document has no component schemas');
    for (const name of names)
      assert.ok(ajv.getSchema(`${SCHEMAS_ID}#/$defs/${name}`), `schema ${name} does not compile`);
  });

  it('has every schema compile and every example match its schema', () => {
    // Schemas outside components.schemas: of parameters, headers and media types.
    const found = [];
    const walk = (node, where) => {
      if (Array.isArray(node)) return node.forEach((x, i) => walk(x, `${where}/${i}`));
      if (node === null || typeof node !== 'object') return;
      for (const [k, v] of Object.entries(node)) {
        if (k === 'schema' && v && typeof v === 'object') found.push({ where, schema: v, owner: node });
        else if (k !== 'schemas') walk(v, `${where}/${k}`);
      }
    };
    walk(doc.paths, '#/paths');
    walk(doc.components, '#/components');
    assert.ok(found.length > 0);
    let examples = 0;
    for (const { where, schema, owner } of found) {
      assert.doesNotThrow(() => ajv.compile(rebase(schema)), `the schema at ${where} does not compile`);
      if ('example' in owner) { assertMatches(schema, owner.example, `the example at ${where}`); examples++; }
    }
    for (const [name, schema] of Object.entries(doc.components.schemas))
      for (const [i, example] of (schema.examples ?? []).entries()) {
        assertMatches(schema, example, `example ${i} of schema ${name}`);
        examples++;
      }
    assert.ok(examples > 0, 'the document has examples to check');
  });

  it('documents exactly the routes of the server (louyu routes)', () => {
    const r = louyu(['routes']);
    assert.equal(r.status, 0, r.stderr);
    const routes = new Set(r.stdout.split('\n').map((l) => l.trim()).filter(Boolean));
    assert.ok(routes.size > 0, 'louyu routes printed nothing');
    for (const line of routes) assert.match(line, /^[A-Z]+ \/\S*$/, `odd route line '${line}'`);
    const ops = new Set(documentedOperations());
    const undocumented = [...routes].filter((x) => !ops.has(x));
    const missing = [...ops].filter((x) => !routes.has(x));
    assert.deepEqual({ undocumented, missing }, { undocumented: [], missing: [] },
      `routes of the server missing from docs/openapi.yaml: ${undocumented.join('; ') || 'none'}; ` +
      `operations of docs/openapi.yaml the server does not have: ${missing.join('; ') || 'none'}`);
  });

  it('gives every operation a unique operationId, a summary, and an error answer', () => {
    const ids = new Set();
    for (const op of documentedOperations()) {
      const [method, path] = op.split(' ');
      const o = operation(method, path);
      assert.ok(o.operationId && !ids.has(o.operationId), `${op}: missing or repeated operationId`);
      ids.add(o.operationId);
      assert.ok(o.summary, `${op}: no summary`);
      const statuses = Object.keys(o.responses ?? {});
      assert.ok(statuses.some((s) => /^2/.test(s)), `${op}: no success answer`);
      if (path !== '/healthz' && path !== '/api/v1/openapi.yaml')
        assert.ok(statuses.includes('503'), `${op}: needs the database, so can answer 503`);
    }
  });
});

// ---- the running server ----

describe('the server answers as docs/openapi.yaml says', () => {
  let server;
  before(async () => { server = await startServer({ demo: true }); });
  after(async () => { if (server) await server.stop(); });

  // Sends a request, checks the status, then checks the answer against what
  // the document gives for (method, template, status).
  async function call(method, template, path, { body, headers, expect } = {}) {
    const res = await server.request(method, path, body, headers);
    if (expect !== undefined)
      assert.equal(res.status, expect, `${method} ${path}: expected ${expect}, got ${res.status}: ${res.text.slice(0, 400)}`);
    assertAnswerMatches(documentedResponse(method, template, res.status), res, `${method} ${path} (${res.status})`);
    return res;
  }

  const pointers = (res) => (res.json.errors ?? []).map((e) => e.pointer).filter((p) => p !== undefined).sort();
  const params = (res) => (res.json.errors ?? []).map((e) => e.parameter).filter((p) => p !== undefined).sort();

  it('serves docs/openapi.yaml byte for byte at /api/v1/openapi.yaml', async () => {
    const res = await fetch(`${server.url}/api/v1/openapi.yaml`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/yaml');
    const served = Buffer.from(await res.arrayBuffer());
    assert.ok(served.equals(DOC_BYTES),
      `the served document (${served.length} bytes) differs from docs/openapi.yaml (${DOC_BYTES.length} bytes): rebuild the binary`);
    await call('GET', '/api/v1/openapi.yaml', '/api/v1/openapi.yaml', { expect: 200 });
  });

  it('answers /healthz and /readyz as documented', async () => {
    await call('GET', '/healthz', '/healthz', { expect: 200 });
    await call('GET', '/readyz', '/readyz', { expect: 200 });
  });

  for (const name of ['buildings', 'stations', 'rooms']) {
    it(`lists the demo ${name} and reads each one as documented`, async () => {
      const list = await call('GET', `/api/v1/${name}`, `/api/v1/${name}?limit=500`, { expect: 200 });
      assert.ok(list.json.items.length > 0, `the demo has no ${name}`);
      assert.equal(list.json.next, null, 'a page holding everything has no next page');
      const ids = list.json.items.map((x) => x.id);
      assert.deepEqual(ids, [...ids].sort((a, b) => a - b), 'items come in ascending id order');
      for (const item of list.json.items) {
        const one = await call('GET', `/api/v1/${name}/{id}`, `/api/v1/${name}/${item.id}`, { expect: 200 });
        assert.deepEqual(one.json, item, `GET /api/v1/${name}/${item.id} differs from its list entry`);
      }
    });

    it(`pages through the demo ${name} with limit and cursor`, async () => {
      const all = (await server.request('GET', `/api/v1/${name}?limit=500`)).json.items.map((x) => x.id);
      assert.ok(all.length >= 2, `the demo needs two ${name} to page through`);
      const seen = [];
      let path = `/api/v1/${name}?limit=1`;
      for (let pages = 0; pages <= all.length; pages++) {
        const page = await call('GET', `/api/v1/${name}`, path, { expect: 200 });
        assert.ok(page.json.items.length <= 1, 'a page holds at most limit items');
        seen.push(...page.json.items.map((x) => x.id));
        if (page.json.next === null) break;
        path = `/api/v1/${name}?limit=1&cursor=${encodeURIComponent(page.json.next)}`;
      }
      assert.deepEqual(seen, all, 'following next visits every item once, in order');
    });

    it(`refuses unknown and invalid query parameters of /api/v1/${name} with a documented 400`, async () => {
      const res = await call('GET', `/api/v1/${name}`, `/api/v1/${name}?limit=0&colour=red`, { expect: 400 });
      assert.deepEqual(params(res), ['colour', 'limit']);
      const big = await call('GET', `/api/v1/${name}`, `/api/v1/${name}?limit=501`, { expect: 400 });
      assert.deepEqual(params(big), ['limit']);
    });

    it(`answers a documented 404 for an unknown ${name.slice(0, -1)}`, async () => {
      const get = await call('GET', `/api/v1/${name}/{id}`, `/api/v1/${name}/999999`, { expect: 404 });
      assert.match(get.json.detail, /999999/);
      await call('GET', `/api/v1/${name}/{id}`, `/api/v1/${name}/abc`, { expect: 404 });
      await call('PATCH', `/api/v1/${name}/{id}`, `/api/v1/${name}/999999`, { body: { version: 1 }, expect: 404 });
      await call('DELETE', `/api/v1/${name}/{id}`, `/api/v1/${name}/999999`, { expect: 404 });
    });
  }

  it('filters stations and rooms by the documented query parameters', async () => {
    const stations = await call('GET', '/api/v1/stations', '/api/v1/stations?building_id=1&min_area_m2=100&limit=500', { expect: 200 });
    assert.ok(stations.json.items.length > 0, 'the demo has a station of over 100 m² in building 1');
    for (const s of stations.json.items) {
      assert.equal(s.building_id, 1);
      assert.ok(s.area_m2 >= 100);
    }
    const rooms = await call('GET', '/api/v1/rooms', '/api/v1/rooms?station_id=1&kind=classroom&min_capacity=1', { expect: 200 });
    assert.ok(rooms.json.items.length > 0, 'the demo has a classroom in station 1');
    for (const r of rooms.json.items) {
      assert.equal(r.station_id, 1);
      assert.equal(r.kind, 'classroom');
    }
    const first = stations.json.items[0];
    const q = encodeURIComponent([...first.name].slice(0, 2).join(''));
    const named = await call('GET', '/api/v1/stations', `/api/v1/stations?q=${q}`, { expect: 200 });
    assert.ok(named.json.items.some((s) => s.id === first.id), 'q finds a station by part of its name');
    const bad = await call('GET', '/api/v1/rooms', '/api/v1/rooms?kind=ballroom&station_id=0&min_capacity=0', { expect: 400 });
    assert.deepEqual(params(bad), ['kind', 'min_capacity', 'station_id']);
  });

  describe('writes', () => {
    const created = {};

    it('creates a building, a station in it and a room in that, each 201 with Location', async () => {
      const building = { name: '测试大厦', address: '珠江东路1号', latitude: 23.12, longitude: 113.33, floors: 40 };
      assertMatches(requestSchema('POST', '/api/v1/buildings'), building, 'the building sent');
      const b = await call('POST', '/api/v1/buildings', '/api/v1/buildings', { body: building, expect: 201 });
      assert.equal(b.headers.get('location'), `/api/v1/buildings/${b.json.id}`);
      assert.equal(b.json.version, 1);
      assert.equal(b.json.grade, null, 'an absent nullable field is null');
      for (const [k, v] of Object.entries(building)) assert.deepEqual(b.json[k], v, `building.${k}`);
      const again = await call('GET', '/api/v1/buildings/{id}', b.headers.get('location'), { expect: 200 });
      assert.deepEqual(again.json, b.json);
      created.building = b.json;

      const station = {
        building_id: b.json.id, name: '测试党群服务站', area_m2: 320.5, floor: -1,
        opening_hours: [{ day: 6, open: '09:30', close: '17:30' }, { day: 1, open: '18:00', close: '24:00' },
          { day: 1, open: '09:00', close: '12:00' }],
        services: ['党课', '预约服务'], contact_name: '王主任', contact_phone: '+86 (20) 8888-0000',
      };
      assertMatches(requestSchema('POST', '/api/v1/stations'), station, 'the station sent');
      const s = await call('POST', '/api/v1/stations', '/api/v1/stations', { body: station, expect: 201 });
      assert.equal(s.headers.get('location'), `/api/v1/stations/${s.json.id}`);
      assert.deepEqual(s.json.opening_hours, [{ day: 1, open: '09:00', close: '12:00' },
        { day: 1, open: '18:00', close: '24:00' }, { day: 6, open: '09:30', close: '17:30' }],
      'opening hours are answered sorted by day, then opening time');
      assert.deepEqual(s.json.services, station.services);
      assert.equal(s.json.org_id, null);
      created.station = s.json;

      const bare = { building_id: b.json.id, name: '空站', area_m2: 10 };
      const s2 = await call('POST', '/api/v1/stations', '/api/v1/stations', { body: bare, expect: 201 });
      assert.deepEqual(s2.json.opening_hours, [], 'opening_hours defaults to an empty list');
      assert.deepEqual(s2.json.services, [], 'services defaults to an empty list');
      created.bareStation = s2.json;

      const room = { station_id: s.json.id, name: '谈心谈话室', kind: 'talk_room', capacity: 8 };
      assertMatches(requestSchema('POST', '/api/v1/rooms'), room, 'the room sent');
      const r = await call('POST', '/api/v1/rooms', '/api/v1/rooms', { body: room, expect: 201 });
      assert.equal(r.headers.get('location'), `/api/v1/rooms/${r.json.id}`);
      assert.equal(r.json.bookable, true, 'bookable defaults to true');
      created.room = r.json;
    });

    it('updates with the current version (200) and refuses a stale one (409)', async () => {
      assert.ok(created.room, 'needs the room created above');
      const change = { version: created.room.version, capacity: 12, bookable: false };
      assertMatches(requestSchema('PATCH', '/api/v1/rooms/{id}'), change, 'the patch sent');
      const r = await call('PATCH', '/api/v1/rooms/{id}', `/api/v1/rooms/${created.room.id}`, { body: change, expect: 200 });
      assert.equal(r.json.version, created.room.version + 1, 'an update increments the version');
      assert.equal(r.json.capacity, 12);
      assert.equal(r.json.bookable, false);
      assert.equal(r.json.name, created.room.name, 'fields not sent are kept');

      const stale = await call('PATCH', '/api/v1/rooms/{id}', `/api/v1/rooms/${created.room.id}`,
        { body: { version: created.room.version, capacity: 20 }, expect: 409 });
      assert.match(stale.json.detail, /version/);
      const now = await call('GET', '/api/v1/rooms/{id}', `/api/v1/rooms/${created.room.id}`, { expect: 200 });
      assert.equal(now.json.capacity, 12, 'a stale update changes nothing');

      const s = await call('PATCH', '/api/v1/stations/{id}', `/api/v1/stations/${created.station.id}`,
        { body: { version: 1, contact_phone: null, services: ['党课'] }, expect: 200 });
      assert.equal(s.json.contact_phone, null, 'null clears a nullable field');
      assert.deepEqual(s.json.services, ['党课']);
      const b = await call('PATCH', '/api/v1/buildings/{id}', `/api/v1/buildings/${created.building.id}`,
        { body: { version: 1, grade: '甲级' }, expect: 200 });
      assert.equal(b.json.grade, '甲级');
    });

    it('refuses a PATCH without version with a documented 400', async () => {
      const body = { capacity: 30 };
      assertDoesNotMatch(requestSchema('PATCH', '/api/v1/rooms/{id}'), body, 'a patch without version');
      const res = await call('PATCH', '/api/v1/rooms/{id}', `/api/v1/rooms/${created.room?.id ?? 1}`, { body, expect: 400 });
      assert.deepEqual(pointers(res), ['/version']);
    });

    it('refuses invalid fields with a documented 400 listing every one', async () => {
      const body = { station_id: 1, name: '  ', kind: 'ballroom', capacity: 0, id: 5, colour: 'red' };
      assertDoesNotMatch(requestSchema('POST', '/api/v1/rooms'), body, 'an invalid room');
      const res = await call('POST', '/api/v1/rooms', '/api/v1/rooms', { body, expect: 400 });
      assert.deepEqual(pointers(res), ['/capacity', '/colour', '/id', '/kind', '/name']);

      const hours = { building_id: 1, name: 'x', area_m2: 5, opening_hours: [{ day: 1, open: '10:00', close: '09:00' }] };
      const h = await call('POST', '/api/v1/stations', '/api/v1/stations', { body: hours, expect: 400 });
      assert.deepEqual(pointers(h), ['/opening_hours']);
      const missing = await call('POST', '/api/v1/buildings', '/api/v1/buildings', { body: {}, expect: 400 });
      assert.deepEqual(pointers(missing), ['/address', '/latitude', '/longitude', '/name']);
      await call('POST', '/api/v1/buildings', '/api/v1/buildings', { body: '{"name": ', expect: 400 });
      const notObject = await call('POST', '/api/v1/buildings', '/api/v1/buildings', { body: '[]', expect: 400 });
      assert.deepEqual(pointers(notObject), ['']);
    });

    it('refuses references to records that do not exist with a documented 422', async () => {
      const room = { station_id: 999999, name: '会议活动室', kind: 'meeting_room', capacity: 30 };
      assertMatches(requestSchema('POST', '/api/v1/rooms'), room, 'a well-formed room');
      const r = await call('POST', '/api/v1/rooms', '/api/v1/rooms', { body: room, expect: 422 });
      assert.deepEqual(pointers(r), ['/station_id']);
      const s = await call('POST', '/api/v1/stations', '/api/v1/stations',
        { body: { building_id: 1, name: '站', area_m2: 50, org_id: 1 }, expect: 422 });
      assert.deepEqual(pointers(s), ['/org_id']);
      const p = await call('PATCH', '/api/v1/rooms/{id}', '/api/v1/rooms/1', { body: { version: 1, station_id: 999999 }, expect: 422 });
      assert.deepEqual(pointers(p), ['/station_id']);
    });

    it('refuses a body that is not JSON with a documented 415', async () => {
      await call('POST', '/api/v1/buildings', '/api/v1/buildings',
        { body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' }, expect: 415 });
      await call('PATCH', '/api/v1/rooms/{id}', '/api/v1/rooms/1',
        { body: '{"version": 1}', headers: { 'content-type': 'application/json; charset=iso-8859-1' }, expect: 415 });
    });

    it('refuses a body over 1 MiB with a documented 413', async () => {
      const answer = await rawRequest(server.port,
        'POST /api/v1/buildings HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        `Expect: 100-continue\r\nContent-Length: ${(1 << 20) + 1}\r\n\r\n`);
      const res = parseRaw(answer);
      assert.equal(res.status, 413, answer.slice(0, 400));
      assertAnswerMatches(documentedResponse('POST', '/api/v1/buildings', 413), res, 'POST /api/v1/buildings (413)');
    });

    it('refuses ambiguous framing with a documented 400', async () => {
      const answer = await rawRequest(server.port,
        'POST /api/v1/rooms HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        'Content-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n');
      const res = parseRaw(answer);
      assert.equal(res.status, 400, answer.slice(0, 400));
      assertAnswerMatches(documentedResponse('POST', '/api/v1/rooms', 400), res, 'POST /api/v1/rooms (400)');
    });

    it('refuses to delete what is still in use with a documented 409', async () => {
      const b = await call('DELETE', '/api/v1/buildings/{id}', '/api/v1/buildings/1', { expect: 409 });
      assert.match(b.json.detail, /station/);
      const s = await call('DELETE', '/api/v1/stations/{id}', '/api/v1/stations/1', { expect: 409 });
      assert.match(s.json.detail, /room/);
      await call('GET', '/api/v1/buildings/{id}', '/api/v1/buildings/1', { expect: 200 });
    });

    it('deletes with a documented 204, after which the record is 404', async () => {
      assert.ok(created.room && created.station && created.bareStation && created.building, 'needs the records created above');
      const order = [['rooms', created.room], ['stations', created.station], ['stations', created.bareStation],
        ['buildings', created.building]];
      for (const [name, rec] of order) {
        await call('DELETE', `/api/v1/${name}/{id}`, `/api/v1/${name}/${rec.id}`, { expect: 204 });
        await call('GET', `/api/v1/${name}/{id}`, `/api/v1/${name}/${rec.id}`, { expect: 404 });
      }
    });
  });

  it('answers a method a documented path does not take with 405 and Allow as documented', async () => {
    const response = deref(doc.components.responses.MethodNotAllowed);
    for (const [path, item] of Object.entries(doc.paths)) {
      const concrete = path.replace('{id}', '1');
      const methods = HTTP_METHODS.filter((m) => item[m]).map((m) => m.toUpperCase());
      const allowed = methods.includes('GET') ? [...methods, 'HEAD'] : methods;
      const res = await server.request('PUT', concrete);
      assert.equal(res.status, 405, `PUT ${concrete}: ${res.text}`);
      assertAnswerMatches(response, res, `PUT ${concrete} (405)`);
      const allow = res.headers.get('allow').split(', ');
      assert.deepEqual(allow.sort(), allowed.sort(), `Allow of ${path} names the documented methods`);
    }
  });
});
