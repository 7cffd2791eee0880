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
import { startServer, louyu, rawRequest, rawStatus, signIn, DEMO_PASSWORD } from './lib.mjs';

const DOC_PATH = new URL('../../docs/openapi.yaml', import.meta.url).pathname;
const DOC_BYTES = readFileSync(DOC_PATH);
const doc = YAML.parse(DOC_BYTES.toString('utf8'));
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

// ---- the document as a set of schemas ajv can check values against ----

// The operations anyone may call without signing in: the health checks, this
// document, signing in, and reading the public map (buildings, stations, rooms).
const PUBLIC_OPERATIONS = [
  'GET /healthz', 'GET /readyz', 'GET /api/v1/openapi.yaml', 'POST /api/v1/session',
  ...['buildings', 'stations', 'rooms', 'closures'].flatMap((n) => [`GET /api/v1/${n}`, `GET /api/v1/${n}/{id}`]),
  // a station's free time and its calendar feeds, as a notice board by the door would show them
  'GET /api/v1/stations/{id}/availability', 'GET /api/v1/stations/{id}/slots',
  'GET /api/v1/stations/{id}/calendar.ics', 'GET /api/v1/rooms/{id}/calendar.ics',
  // published activities and their figures, series and who hosts when, and the activity
  // feeds: the posters of the stations (no names: sign-ups and check-ins are not public)
  ...['activities', 'series', 'host-absences'].flatMap((n) => [`GET /api/v1/${n}`, `GET /api/v1/${n}/{id}`]),
  'GET /api/v1/activities/{id}/attendance', 'GET /api/v1/series/{id}/attendance',
  'GET /api/v1/stations/{id}/activities.ics', 'GET /api/v1/series/{id}/activities.ics',
];

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

  it('says who may call each operation: public reads, sign-in elsewhere, CSRF on cookie writes', () => {
    const schemes = doc.components?.securitySchemes ?? {};
    const cookies = Object.keys(schemes).filter((n) => schemes[n].type === 'apiKey' && schemes[n].in === 'cookie');
    assert.deepEqual(cookies.map((n) => schemes[n].name).sort(), ['__Host-louyu_session', 'louyu_session']);
    assert.equal(schemes.bearerAuth?.scheme, 'bearer');
    assert.deepEqual([schemes.csrfToken?.in, schemes.csrfToken?.name], ['header', 'X-CSRF-Token']);
    const anonymous = [];
    for (const op of documentedOperations()) {
      const [method, path] = op.split(' ');
      const o = operation(method, path);
      const security = o.security ?? doc.security ?? [];
      for (const req of security)
        for (const name of Object.keys(req)) assert.ok(schemes[name], `${op}: unknown security scheme ${name}`);
      const open = security.length === 0 || security.some((req) => Object.keys(req).length === 0);
      if (open) anonymous.push(op);
      const statuses = Object.keys(o.responses ?? {});
      if (!open) {
        assert.ok(statuses.includes('401'), `${op} needs a signed-in user, so documents 401`);
        assert.deepEqual(security.map((req) => Object.keys(req).find((n) => n !== 'csrfToken')).sort(),
          ['bearerAuth', ...cookies].sort(), `${op} takes the bearer token and either cookie`);
      }
      const write = method !== 'GET';
      for (const req of security)
        if (Object.keys(req).some((n) => cookies.includes(n)))
          assert.equal('csrfToken' in req, write && op !== 'POST /api/v1/session',
            `${op}: a cookie ${write ? 'write needs' : 'read needs no'} X-CSRF-Token`);
      if (write && !open) assert.ok(statuses.includes('403'), `${op} is a write, refused 403 without its CSRF token`);
    }
    assert.deepEqual(anonymous.sort(), [...PUBLIC_OPERATIONS].sort(),
      'only the health checks, this document, signing in, reading buildings, stations, rooms and closures, a station\'s free time and feeds, ' +
      'and reading activities (their figures and feeds), series and host absences are open to anyone');
  });
});

// ---- the running server ----

describe('the server answers as docs/openapi.yaml says', () => {
  let server;
  before(async () => { server = await startServer({ demo: true }); });
  after(async () => { if (server) await server.stop(); });

  // Sends a request, checks the status, then checks the answer against what
  // the document gives for (method, template, status). The request carries the
  // admin's bearer token, or 'token' (null: none, an anonymous request), to srv.
  async function call(method, template, path, { body, headers = {}, expect, token, srv = server } = {}) {
    const h = { ...headers };
    if (token !== undefined) h.authorization = token ? `Bearer ${token}` : '';
    const res = await srv.request(method, path, body, h);
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
        { body: { building_id: 1, name: '站', area_m2: 50, org_id: 999999 }, expect: 422 });
      assert.deepEqual(pointers(s), ['/org_id']);
      const p = await call('PATCH', '/api/v1/stations/{id}', '/api/v1/stations/1', { body: { version: 1, building_id: 999999 }, expect: 422 });
      assert.deepEqual(pointers(p), ['/building_id']);
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

  // ---- sessions, access, and the records behind sign-in ----

  const cookieOf = (res) => (res.headers.get('set-cookie') ?? '').split(';')[0];

  describe('signing in and out', () => {
    it('signs in with the documented answer and cookie, and tells who is signed in', async () => {
      const body = { username: 'xita', password: DEMO_PASSWORD };
      assertMatches(requestSchema('POST', '/api/v1/session'), body, 'the credentials sent');
      const res = await call('POST', '/api/v1/session', '/api/v1/session', { body, token: null, expect: 200 });
      assert.equal(cookieOf(res), `louyu_session=${res.json.token}`, 'the cookie holds the token of the body');
      assert.notEqual(res.json.csrf_token, res.json.token);
      assert.equal(res.json.user.username, 'xita');
      assert.deepEqual(res.json.user.grants, [{ role: 'committee_admin', org_id: 3, station_id: null }]);
      const hours = (Date.parse(res.json.expires_at) - Date.now()) / 3.6e6;
      assert.ok(hours > 11.9 && hours <= 12, `a session lasts 12 hours at most (${hours})`);

      const me = await call('GET', '/api/v1/session', '/api/v1/session', { token: res.json.token, expect: 200 });
      assert.equal(me.json.token, undefined, 'the token is not shown again');
      assert.deepEqual(me.json, { csrf_token: res.json.csrf_token, expires_at: res.json.expires_at, user: res.json.user });
      const byCookie = await call('GET', '/api/v1/session', '/api/v1/session',
        { token: null, headers: { cookie: cookieOf(res) }, expect: 200 });
      assert.deepEqual(byCookie.json, me.json);
      await call('GET', '/api/v1/session', '/api/v1/session', { token: null, expect: 401 });
      const ended = await call('GET', '/api/v1/session', '/api/v1/session', { token: 'x'.repeat(43), expect: 401 });
      assert.match(ended.json.detail, /sign in/);
    });

    it('refuses wrong credentials alike (401), and invalid ones with a documented 400 or 415', async () => {
      const wrong = await call('POST', '/api/v1/session', '/api/v1/session',
        { body: { username: 'fuli', password: 'not-the-password' }, token: null, expect: 401 });
      const unknown = await call('POST', '/api/v1/session', '/api/v1/session',
        { body: { username: 'nobody-here', password: 'not-the-password' }, token: null, expect: 401 });
      assert.deepEqual(unknown.json, wrong.json, 'an unknown user gets the very answer of a wrong password');
      assert.equal(wrong.headers.get('set-cookie'), null);
      const body = { username: 1, colour: 'red' };
      assertDoesNotMatch(requestSchema('POST', '/api/v1/session'), body, 'invalid credentials');
      const bad = await call('POST', '/api/v1/session', '/api/v1/session', { body, token: null, expect: 400 });
      assert.deepEqual(pointers(bad), ['', '/password', '/username']);
      await call('POST', '/api/v1/session', '/api/v1/session', { body: '[]', token: null, expect: 400 });
      await call('POST', '/api/v1/session', '/api/v1/session',
        { body: 'username=xita', headers: { 'content-type': 'application/x-www-form-urlencoded' }, token: null, expect: 415 });
    });

    it('takes cookie writes only with X-CSRF-Token (403 without), bearer writes without', async () => {
      const admin = await signIn(server.url, 'admin');
      const cookie = { cookie: admin.cookie };
      const room = (await call('GET', '/api/v1/rooms/{id}', '/api/v1/rooms/2', { token: null, expect: 200 })).json;
      const change = { version: room.version, capacity: room.capacity + 1 };
      const none = await call('PATCH', '/api/v1/rooms/{id}', '/api/v1/rooms/2', { body: change, token: null, headers: cookie, expect: 403 });
      assert.match(none.json.detail, /X-CSRF-Token/);
      await call('PATCH', '/api/v1/rooms/{id}', '/api/v1/rooms/2',
        { body: change, token: null, headers: { ...cookie, 'x-csrf-token': admin.token }, expect: 403 });
      await call('POST', '/api/v1/orgs', '/api/v1/orgs',
        { body: { name: '无令牌', kind: 'branch', parent_id: 3 }, token: null, headers: cookie, expect: 403 });
      await call('POST', '/api/v1/users', '/api/v1/users',
        { body: { username: 'nocsrf', password: 'long enough' }, token: null, headers: cookie, expect: 403 });
      const done = await call('PATCH', '/api/v1/rooms/{id}', '/api/v1/rooms/2',
        { body: change, token: null, headers: { ...cookie, 'x-csrf-token': admin.csrf_token }, expect: 200 });
      assert.equal(done.json.capacity, room.capacity + 1);
      const back = await call('PATCH', '/api/v1/rooms/{id}', '/api/v1/rooms/2',
        { body: { version: done.json.version, capacity: room.capacity }, token: admin.token, expect: 200 });
      assert.equal(back.json.capacity, room.capacity, 'a bearer write needs no CSRF token');
    });

    it('signs out with a documented 204 that clears the cookie; the token stops working', async () => {
      const s = await signIn(server.url, 'member');
      const cookie = { cookie: s.cookie };
      await call('DELETE', '/api/v1/session', '/api/v1/session', { token: null, headers: cookie, expect: 403 });
      await call('GET', '/api/v1/session', '/api/v1/session', { token: null, headers: cookie, expect: 200 });
      const out = await call('DELETE', '/api/v1/session', '/api/v1/session',
        { token: null, headers: { ...cookie, 'x-csrf-token': s.csrf_token }, expect: 204 });
      assert.match(out.headers.get('set-cookie'), /^louyu_session=;.*Max-Age=0/);
      await call('GET', '/api/v1/session', '/api/v1/session', { token: null, headers: cookie, expect: 401 });
      await call('GET', '/api/v1/session', '/api/v1/session', { token: s.token, expect: 401 });

      const b = await signIn(server.url, 'zhongke');
      await call('DELETE', '/api/v1/session', '/api/v1/session', { token: b.token, expect: 204 });
      await call('GET', '/api/v1/orgs', '/api/v1/orgs', { token: b.token, expect: 401 });
      await call('DELETE', '/api/v1/session', '/api/v1/session', { token: b.token, expect: 401 });
      await call('DELETE', '/api/v1/session', '/api/v1/session', { token: null, expect: 401 });
    });

    it('throttles failed sign-ins with a documented 429 and Retry-After', async () => {
      const srv = await startServer({ as: null });
      try {
        const attempt = (username, password, expect) => call('POST', '/api/v1/session', '/api/v1/session',
          { srv, body: { username, password }, token: null, expect });
        for (let i = 0; i < 5; i++) await attempt('member', 'wrong-password', 401);
        const shut = await attempt('member', 'wrong-password', 429);
        assert.equal(shut.headers.get('retry-after'), '900');
        await attempt('member', DEMO_PASSWORD, 429);
        await attempt('zhongke', DEMO_PASSWORD, 200);
      } finally {
        assert.equal((await srv.stop()).code, 0);
      }
    });

    it('names the cookie __Host-louyu_session, Secure, behind a trusted HTTPS proxy', async () => {
      const srv = await startServer({ as: null, args: ['--trust-proxy'] });
      try {
        const https = { 'x-forwarded-proto': 'https' };
        const res = await call('POST', '/api/v1/session', '/api/v1/session',
          { srv, body: { username: 'xita', password: DEMO_PASSWORD }, headers: https, token: null, expect: 200 });
        assert.match(res.headers.get('set-cookie'), /^__Host-louyu_session=[^;]+;.*; Secure$/);
        const cookie = { cookie: cookieOf(res) };
        await call('GET', '/api/v1/session', '/api/v1/session', { srv, headers: { ...https, ...cookie }, token: null, expect: 200 });
        await call('GET', '/api/v1/session', '/api/v1/session', { srv, headers: cookie, token: null, expect: 401 });
        const out = await call('DELETE', '/api/v1/session', '/api/v1/session',
          { srv, headers: { ...https, ...cookie, 'x-csrf-token': res.json.csrf_token }, token: null, expect: 204 });
        assert.match(out.headers.get('set-cookie'), /^__Host-louyu_session=;.*; Secure$/);
      } finally {
        assert.equal((await srv.stop()).code, 0);
      }
    });
  });

  describe('who may do what', () => {
    // A request that a signed-in admin could make to each documented operation.
    const validBodies = {
      'POST /api/v1/buildings': { name: '匿名大厦', address: '珠江东路1号', latitude: 23.12, longitude: 113.33 },
      'PATCH /api/v1/buildings/{id}': { version: 1 },
      'POST /api/v1/stations': { building_id: 1, name: '匿名站', area_m2: 10 },
      'PATCH /api/v1/stations/{id}': { version: 1 },
      'POST /api/v1/rooms': { station_id: 1, name: '匿名室', kind: 'classroom', capacity: 1 },
      'PATCH /api/v1/rooms/{id}': { version: 1 },
    };

    it('answers public reads to anyone and 401 to anonymous callers everywhere else, as documented', async () => {
      // The demo has no host absence: record one, so that /api/v1/host-absences/1 exists.
      if ((await server.request('GET', '/api/v1/host-absences/1')).status === 404)
        await call('POST', '/api/v1/host-absences', '/api/v1/host-absences',
          { body: { series_id: 2, org_id: 4, day: '2030-01-10', reason: '年度审计' }, expect: 201 });
      const wrong = [];
      for (const op of documentedOperations()) {
        if (op === 'POST /api/v1/session') continue;
        const [method, template] = op.split(' ');
        const path = template.replace('{id}', '1');
        const open = PUBLIC_OPERATIONS.includes(op);
        const body = method === 'POST' || method === 'PATCH' ? (validBodies[op] ?? {}) : undefined;
        for (const token of [null, 'x'.repeat(43)]) {
          const res = await call(method, template, path, { body, token });
          const want = open ? 200 : 401;
          if (res.status !== want) wrong.push(`${op} ${token ? 'with an unknown token' : 'anonymous'}: ${res.status}, not ${want}`);
        }
      }
      assert.deepEqual(wrong, []);
    });

    it('answers 401 to an anonymous write before it looks at the body', async () => {
      const wrong = [];
      for (const op of Object.keys(validBodies)) {
        const [method, template] = op.split(' ');
        const res = await call(method, template, template.replace('{id}', '1'), { body: {}, token: null });
        if (res.status !== 401) wrong.push(`${op} {} anonymous: ${res.status}, not 401`);
      }
      assert.deepEqual(wrong, [], 'an anonymous caller may write nothing, so the first thing to tell it is to sign in');
    });

    it('refuses writes to buildings, stations and rooms beyond the caller\'s role with a documented 403', async () => {
      const member = (await signIn(server.url, 'member')).token;
      const manager = (await signIn(server.url, 'xita_station')).token;
      await call('POST', '/api/v1/buildings', '/api/v1/buildings', { body: validBodies['POST /api/v1/buildings'], token: member, expect: 403 });
      await call('DELETE', '/api/v1/rooms/{id}', '/api/v1/rooms/1', { token: member, expect: 403 });
      const station = (await call('GET', '/api/v1/stations/{id}', '/api/v1/stations/1', { token: manager, expect: 200 })).json;
      await call('DELETE', '/api/v1/stations/{id}', '/api/v1/stations/1', { token: manager, expect: 403 });
      await call('PATCH', '/api/v1/stations/{id}', '/api/v1/stations/1',
        { body: { version: station.version, org_id: 6 }, token: manager, expect: 403 });
      await call('POST', '/api/v1/rooms', '/api/v1/rooms',
        { body: { station_id: 2, name: '别站的', kind: 'classroom', capacity: 5 }, token: manager, expect: 403 });
      const room = await call('POST', '/api/v1/rooms', '/api/v1/rooms',
        { body: { station_id: 1, name: '站长的', kind: 'classroom', capacity: 5 }, token: manager, expect: 201 });
      await call('DELETE', '/api/v1/rooms/{id}', `/api/v1/rooms/${room.json.id}`, { token: manager, expect: 204 });
    });
  });

  describe('organisations, partnerships, users, grants and the audit log', () => {
    const tok = {};
    const made = {};
    before(async () => {
      for (const u of ['xita', 'fuli', 'xita_station', 'zhongke', 'member']) tok[u] = (await signIn(server.url, u)).token;
    });
    const ids = (res) => res.json.items.map((x) => x.id);

    it('lists and reads organisations within the caller\'s reach (else 404, or 403 for no reading role)', async () => {
      const all = await call('GET', '/api/v1/orgs', '/api/v1/orgs?limit=500', { expect: 200 });
      assert.ok(all.json.items.length >= 13, 'the demo has 13 organisations');
      for (const org of all.json.items) {
        const one = await call('GET', '/api/v1/orgs/{id}', `/api/v1/orgs/${org.id}`, { expect: 200 });
        assert.deepEqual(one.json, org);
      }
      assert.deepEqual(ids(await call('GET', '/api/v1/orgs', '/api/v1/orgs', { token: tok.xita, expect: 200 })), [3, 4, 5],
        'the West Tower committee, its branch and its partner');
      assert.deepEqual(ids(await call('GET', '/api/v1/orgs', '/api/v1/orgs', { token: tok.member, expect: 200 })), [4]);
      await call('GET', '/api/v1/orgs', '/api/v1/orgs', { token: tok.xita_station, expect: 403 });
      await call('GET', '/api/v1/orgs/{id}', '/api/v1/orgs/5', { token: tok.xita, expect: 200 });
      const hidden = await call('GET', '/api/v1/orgs/{id}', '/api/v1/orgs/6', { token: tok.xita, expect: 404 });
      const unknown = await call('GET', '/api/v1/orgs/{id}', '/api/v1/orgs/999999', { token: tok.xita, expect: 404 });
      assert.equal(hidden.json.title, unknown.json.title);
      await call('GET', '/api/v1/orgs/{id}', '/api/v1/orgs/3', { token: tok.xita_station, expect: 404 });

      const within = await call('GET', '/api/v1/orgs', '/api/v1/orgs?within=6&kind=branch&limit=500', { expect: 200 });
      assert.equal(within.json.items.length, 7);
      assert.ok(within.json.items.every((o) => o.path.startsWith('/1/2/6/') && o.kind === 'branch'));
      const children = await call('GET', '/api/v1/orgs', '/api/v1/orgs?parent_id=3&building_id=1', { expect: 200 });
      assert.deepEqual(ids(children), [4]);
      const named = await call('GET', '/api/v1/orgs', `/api/v1/orgs?q=${encodeURIComponent('西塔')}`, { expect: 200 });
      assert.deepEqual(ids(named), [3]);
      const bad = await call('GET', '/api/v1/orgs', '/api/v1/orgs?kind=club&within=0&colour=red', { expect: 400 });
      assert.deepEqual(params(bad), ['colour', 'kind', 'within']);
    });

    it('creates, updates and deletes organisations as the policy says (201, 200, 204; 403, 404, 409, 422)', async () => {
      const org = { name: '西塔测试总支', kind: 'general_branch', parent_id: 3, building_id: 1 };
      assertMatches(requestSchema('POST', '/api/v1/orgs'), org, 'the organisation sent');
      const c = await call('POST', '/api/v1/orgs', '/api/v1/orgs', { body: org, token: tok.xita, expect: 201 });
      assert.equal(c.headers.get('location'), `/api/v1/orgs/${c.json.id}`);
      assert.equal(c.json.path, `/1/2/3/${c.json.id}/`);
      assert.equal(c.json.managed, 'direct');
      made.org = c.json;
      await call('POST', '/api/v1/orgs', '/api/v1/orgs', { body: { ...org, parent_id: 6 }, token: tok.xita, expect: 403 });
      await call('POST', '/api/v1/orgs', '/api/v1/orgs', { body: { name: '新根', kind: 'joint_committee' }, token: tok.xita, expect: 403 });
      await call('POST', '/api/v1/orgs', '/api/v1/orgs', { body: { ...org, parent_id: 4 }, token: tok.member, expect: 403 });
      const invalid = await call('POST', '/api/v1/orgs', '/api/v1/orgs', { body: { kind: 'club', path: '/1/' }, token: tok.xita, expect: 400 });
      assert.deepEqual(pointers(invalid), ['/kind', '/name', '/path']);
      const orphan = await call('POST', '/api/v1/orgs', '/api/v1/orgs', { body: { ...org, parent_id: 999999 }, expect: 422 });
      assert.deepEqual(pointers(orphan), ['/parent_id']);

      const change = { version: 1, contact_name: '张书记', contact_phone: '020-8888 0000' };
      assertMatches(requestSchema('PATCH', '/api/v1/orgs/{id}'), change, 'the patch sent');
      const u = await call('PATCH', '/api/v1/orgs/{id}', `/api/v1/orgs/${made.org.id}`, { body: change, token: tok.xita, expect: 200 });
      assert.equal(u.json.version, 2);
      made.org = u.json;
      await call('PATCH', '/api/v1/orgs/{id}', `/api/v1/orgs/${made.org.id}`, { body: { version: 1, name: '旧' }, token: tok.xita, expect: 409 });
      await call('PATCH', '/api/v1/orgs/{id}', '/api/v1/orgs/4', { body: { version: 1, name: '改名' }, token: tok.member, expect: 403 });
      await call('PATCH', '/api/v1/orgs/{id}', '/api/v1/orgs/6', { body: { version: 1, name: '改名' }, token: tok.member, expect: 404 });
      const cycle = await call('PATCH', '/api/v1/orgs/{id}', '/api/v1/orgs/3', { body: { version: 1, parent_id: made.org.id }, expect: 422 });
      assert.deepEqual(pointers(cycle), ['/parent_id']);
      await call('DELETE', '/api/v1/orgs/{id}', '/api/v1/orgs/4', { token: tok.member, expect: 403 });
      await call('DELETE', '/api/v1/orgs/{id}', '/api/v1/orgs/7', { token: tok.xita, expect: 404 });
      await call('DELETE', '/api/v1/orgs/{id}', '/api/v1/orgs/3', { expect: 409 });
    });

    it('refuses to let a committee admin move an organisation out of their subtree (403)', async () => {
      assert.ok(made.org, 'needs the organisation created above');
      const away = await call('PATCH', '/api/v1/orgs/{id}', `/api/v1/orgs/${made.org.id}`,
        { body: { version: made.org.version, parent_id: 6 }, token: tok.xita, expect: 403 });
      assert.equal(away.json.status, 403);
      await call('PATCH', '/api/v1/orgs/{id}', `/api/v1/orgs/${made.org.id}`,
        { body: { version: made.org.version, parent_id: null }, token: tok.xita, expect: 403 });
      await call('PATCH', '/api/v1/orgs/{id}', '/api/v1/orgs/3', { body: { version: 1, parent_id: 6 }, token: tok.xita, expect: 403 });
      const now = await call('GET', '/api/v1/orgs/{id}', `/api/v1/orgs/${made.org.id}`, { expect: 200 });
      assert.equal(now.json.parent_id, 3, 'a refused move changes nothing');
      made.org = now.json;
    });

    it('links partners to committees (partnerships) as the policy says', async () => {
      assert.deepEqual(ids(await call('GET', '/api/v1/partnerships', '/api/v1/partnerships', { token: tok.xita, expect: 200 })), [1]);
      assert.deepEqual(ids(await call('GET', '/api/v1/partnerships', '/api/v1/partnerships', { token: tok.fuli, expect: 200 })), []);
      await call('GET', '/api/v1/partnerships', '/api/v1/partnerships', { token: tok.xita_station, expect: 403 });
      const f = await call('GET', '/api/v1/partnerships', '/api/v1/partnerships?partner_id=5&committee_id=3', { expect: 200 });
      assert.deepEqual(ids(f), [1]);
      await call('GET', '/api/v1/partnerships', '/api/v1/partnerships?q=x', { expect: 400 });
      await call('GET', '/api/v1/partnerships/{id}', '/api/v1/partnerships/1', { token: tok.xita, expect: 200 });
      await call('GET', '/api/v1/partnerships/{id}', '/api/v1/partnerships/1', { token: tok.fuli, expect: 404 });

      const partner = await call('POST', '/api/v1/orgs', '/api/v1/orgs',
        { body: { name: '共建测试单位', kind: 'partner', managed: 'partner' }, expect: 201 });
      await call('GET', '/api/v1/orgs/{id}', `/api/v1/orgs/${partner.json.id}`, { token: tok.xita, expect: 404 });
      const link = { partner_id: partner.json.id, committee_id: 3 };
      assertMatches(requestSchema('POST', '/api/v1/partnerships'), link, 'the partnership sent');
      // Only admins link partners; the committee's admin then reads the partner.
      await call('POST', '/api/v1/partnerships', '/api/v1/partnerships', { body: link, token: tok.xita, expect: 403 });
      const p = await call('POST', '/api/v1/partnerships', '/api/v1/partnerships', { body: link, expect: 201 });
      assert.equal(p.headers.get('location'), `/api/v1/partnerships/${p.json.id}`);
      await call('GET', '/api/v1/orgs/{id}', `/api/v1/orgs/${partner.json.id}`, { token: tok.xita, expect: 200 });
      await call('POST', '/api/v1/partnerships', '/api/v1/partnerships', { body: link, expect: 409 });
      // Only a co-building partner can be linked, and only to a committee.
      const self = await call('POST', '/api/v1/partnerships', '/api/v1/partnerships', { body: { partner_id: 3, committee_id: 3 }, expect: 422 });
      assert.deepEqual(pointers(self), ['/partner_id']);
      const toBranch = await call('POST', '/api/v1/partnerships', '/api/v1/partnerships', { body: { partner_id: 5, committee_id: 4 }, expect: 422 });
      assert.deepEqual(pointers(toBranch), ['/committee_id']);

      const moved = await call('PATCH', '/api/v1/partnerships/{id}', `/api/v1/partnerships/${p.json.id}`,
        { body: { version: 1, committee_id: made.org.id }, expect: 200 });
      assert.equal(moved.json.committee_id, made.org.id);
      await call('PATCH', '/api/v1/partnerships/{id}', `/api/v1/partnerships/${p.json.id}`,
        { body: { version: 2, committee_id: 6 }, token: tok.xita, expect: 403 });
      await call('PATCH', '/api/v1/partnerships/{id}', `/api/v1/partnerships/${p.json.id}`,
        { body: { version: 1, committee_id: 3 }, expect: 409 });
      await call('PATCH', '/api/v1/partnerships/{id}', `/api/v1/partnerships/${p.json.id}`,
        { body: { version: 2, committee_id: 3 }, token: tok.fuli, expect: 404 });
      await call('DELETE', '/api/v1/partnerships/{id}', `/api/v1/partnerships/${p.json.id}`, { token: tok.fuli, expect: 404 });
      await call('DELETE', '/api/v1/partnerships/{id}', `/api/v1/partnerships/${p.json.id}`, { token: tok.zhongke, expect: 404 });
      await call('DELETE', '/api/v1/partnerships/{id}', `/api/v1/partnerships/${p.json.id}`, { token: tok.xita, expect: 403 });
      await call('DELETE', '/api/v1/partnerships/{id}', `/api/v1/partnerships/${p.json.id}`, { expect: 204 });
      await call('GET', '/api/v1/partnerships/{id}', `/api/v1/partnerships/${p.json.id}`, { expect: 404 });
      await call('DELETE', '/api/v1/orgs/{id}', `/api/v1/orgs/${partner.json.id}`, { expect: 204 });
    });

    it('manages users, admins only (403 for anyone else), never showing a password', async () => {
      const all = await call('GET', '/api/v1/users', '/api/v1/users?limit=500', { expect: 200 });
      assert.ok(all.json.items.length >= 6);
      for (const u of all.json.items) {
        assert.ok(!('password' in u) && !('password_hash' in u));
        assert.deepEqual((await call('GET', '/api/v1/users/{id}', `/api/v1/users/${u.id}`, { expect: 200 })).json, u);
      }
      const q = await call('GET', '/api/v1/users', '/api/v1/users?q=xita&disabled=0', { expect: 200 });
      assert.deepEqual(q.json.items.map((u) => u.username), ['xita', 'xita_station']);
      const bad = await call('GET', '/api/v1/users', '/api/v1/users?disabled=2', { expect: 400 });
      assert.deepEqual(params(bad), ['disabled']);
      await call('GET', '/api/v1/users', '/api/v1/users', { token: tok.xita, expect: 403 });
      await call('GET', '/api/v1/users/{id}', '/api/v1/users/2', { token: tok.xita, expect: 403 });
      await call('GET', '/api/v1/users/{id}', '/api/v1/users/999999', { expect: 404 });

      const user = { username: 'wang', display_name: '王书记', password: 'correct horse battery' };
      assertMatches(requestSchema('POST', '/api/v1/users'), user, 'the user sent');
      await call('POST', '/api/v1/users', '/api/v1/users', { body: user, token: tok.xita, expect: 403 });
      const c = await call('POST', '/api/v1/users', '/api/v1/users', { body: user, expect: 201 });
      assert.equal(c.headers.get('location'), `/api/v1/users/${c.json.id}`);
      assert.deepEqual([c.json.username, c.json.display_name, c.json.disabled], ['wang', '王书记', false]);
      assert.ok(!c.text.includes(user.password), 'the answer does not show the password');
      made.user = c.json;
      await call('POST', '/api/v1/users', '/api/v1/users', { body: user, expect: 409 });
      const invalid = { username: 'Wang Wu', password: 'short' };
      assertDoesNotMatch(requestSchema('POST', '/api/v1/users'), invalid, 'an invalid user');
      const i = await call('POST', '/api/v1/users', '/api/v1/users', { body: invalid, expect: 400 });
      assert.ok(pointers(i).includes('/username'));
      const weak = await call('POST', '/api/v1/users', '/api/v1/users', { body: { username: 'li', password: 'short' }, expect: 400 });
      assert.deepEqual(pointers(weak), ['/password']);

      const wang = await signIn(server.url, 'wang', user.password);
      assert.deepEqual(wang.user.grants, []);
      made.wangToken = wang.token;
      await call('GET', '/api/v1/orgs', '/api/v1/orgs', { token: wang.token, expect: 403 });

      await call('PATCH', '/api/v1/users/{id}', `/api/v1/users/${made.user.id}`, { body: { version: 1, disabled: true }, token: tok.xita, expect: 403 });
      const off = await call('PATCH', '/api/v1/users/{id}', `/api/v1/users/${made.user.id}`, { body: { version: 1, disabled: true }, expect: 200 });
      assert.equal(off.json.disabled, true);
      await call('GET', '/api/v1/session', '/api/v1/session', { token: wang.token, expect: 401 });
      await call('POST', '/api/v1/session', '/api/v1/session',
        { body: { username: 'wang', password: user.password }, token: null, expect: 401 });
      await call('PATCH', '/api/v1/users/{id}', `/api/v1/users/${made.user.id}`, { body: { version: 1, disabled: false }, expect: 409 });
      await call('PATCH', '/api/v1/users/{id}', `/api/v1/users/${made.user.id}`, { body: { version: 2, username: 'xita' }, expect: 409 });
      const on = await call('PATCH', '/api/v1/users/{id}', `/api/v1/users/${made.user.id}`, { body: { version: 2, disabled: false }, expect: 200 });
      made.user = on.json;
      await call('PATCH', '/api/v1/users/{id}', `/api/v1/users/${made.user.id}`,
        { body: { version: 3, password: 'another password' }, expect: 400 });
      made.wangToken = (await signIn(server.url, 'wang', user.password)).token;
    });

    it('creates a user disabled when asked to', async () => {
      const body = { username: 'zhao', password: 'correct horse battery', disabled: true };
      assertMatches(requestSchema('POST', '/api/v1/users'), body, 'a disabled user');
      const c = await call('POST', '/api/v1/users', '/api/v1/users', { body, expect: 201 });
      assert.equal(c.json.disabled, true, 'POST /api/v1/users took disabled: true and created an enabled user');
    });

    it('grants and revokes roles, admins only; a grant counts at once', async () => {
      assert.ok(made.user && made.wangToken, 'needs the user created above');
      const all = await call('GET', '/api/v1/grants', '/api/v1/grants?limit=500', { expect: 200 });
      for (const g of all.json.items)
        assert.deepEqual((await call('GET', '/api/v1/grants/{id}', `/api/v1/grants/${g.id}`, { expect: 200 })).json, g);
      const x = await call('GET', '/api/v1/grants', '/api/v1/grants?user_id=2', { expect: 200 });
      assert.deepEqual(x.json.items.map((g) => [g.role, g.org_id, g.station_id]), [['committee_admin', 3, null]]);
      assert.equal((await call('GET', '/api/v1/grants', '/api/v1/grants?org_id=4', { expect: 200 })).json.items.length, 2);
      await call('GET', '/api/v1/grants', '/api/v1/grants?q=x', { expect: 400 });
      await call('GET', '/api/v1/grants', '/api/v1/grants', { token: tok.xita, expect: 403 });
      await call('GET', '/api/v1/grants/{id}', '/api/v1/grants/1', { token: tok.xita, expect: 403 });
      await call('GET', '/api/v1/grants/{id}', '/api/v1/grants/999999', { expect: 404 });

      const grant = { user_id: made.user.id, role: 'branch_secretary', org_id: 4 };
      assertMatches(requestSchema('POST', '/api/v1/grants'), grant, 'the grant sent');
      await call('POST', '/api/v1/grants', '/api/v1/grants', { body: grant, token: tok.xita, expect: 403 });
      const g = await call('POST', '/api/v1/grants', '/api/v1/grants', { body: grant, expect: 201 });
      assert.equal(g.headers.get('location'), `/api/v1/grants/${g.json.id}`);
      const me = await call('GET', '/api/v1/session', '/api/v1/session', { token: made.wangToken, expect: 200 });
      assert.deepEqual(me.json.user.grants, [{ role: 'branch_secretary', org_id: 4, station_id: null }]);
      assert.deepEqual(ids(await call('GET', '/api/v1/orgs', '/api/v1/orgs', { token: made.wangToken, expect: 200 })), [4]);
      await call('POST', '/api/v1/grants', '/api/v1/grants', { body: grant, expect: 409 });
      const misbound = { user_id: made.user.id, role: 'station_manager', org_id: 4 };
      assertDoesNotMatch(requestSchema('POST', '/api/v1/grants'), misbound, 'a station manager bound to an organisation');
      assert.deepEqual(pointers(await call('POST', '/api/v1/grants', '/api/v1/grants', { body: misbound, expect: 422 })), ['/station_id']);
      assert.deepEqual(pointers(await call('POST', '/api/v1/grants', '/api/v1/grants',
        { body: { ...grant, user_id: 999999 }, expect: 422 })), ['/user_id']);
      assert.deepEqual(pointers(await call('POST', '/api/v1/grants', '/api/v1/grants',
        { body: { ...grant, role: 'wizard' }, expect: 400 })), ['/role']);

      await call('DELETE', '/api/v1/grants/{id}', `/api/v1/grants/${g.json.id}`, { token: tok.xita, expect: 403 });
      await call('DELETE', '/api/v1/grants/{id}', `/api/v1/grants/${g.json.id}`, { expect: 204 });
      await call('DELETE', '/api/v1/grants/{id}', `/api/v1/grants/${g.json.id}`, { expect: 404 });
      await call('GET', '/api/v1/orgs', '/api/v1/orgs', { token: made.wangToken, expect: 403 });
    });

    it('keeps the audit log: admins read it all, committee admins their subtree, others 403', async () => {
      assert.ok(made.org && made.user, 'needs the writes above');
      const all = await call('GET', '/api/v1/audit', '/api/v1/audit?limit=500', { expect: 200 });
      assert.ok(all.json.items.length > 0);
      const mine = await call('GET', '/api/v1/audit', `/api/v1/audit?entity=organisation&entity_id=${made.org.id}`, { expect: 200 });
      assert.deepEqual(mine.json.items.map((e) => [e.action, e.username]).slice(0, 2), [['create', 'xita'], ['update', 'xita']]);
      const created = mine.json.items[0];
      assert.deepEqual(created.changes.name, [null, '西塔测试总支']);
      assert.equal(created.org_id, 3);
      assert.deepEqual((await call('GET', '/api/v1/audit/{id}', `/api/v1/audit/${created.id}`, { expect: 200 })).json, created);
      const user = await call('GET', '/api/v1/audit', `/api/v1/audit?entity=user&entity_id=${made.user.id}&action=create`, { expect: 200 });
      assert.equal(user.json.items.length, 1);
      assert.equal(user.json.items[0].org_id, null);
      assert.ok(!JSON.stringify(user.json).includes('correct horse'), 'no audit record shows a password');
      const bad = await call('GET', '/api/v1/audit', '/api/v1/audit?entity=bogus&action=x&q=y', { expect: 400 });
      assert.deepEqual(params(bad), ['action', 'entity', 'q']);

      const xita = await call('GET', '/api/v1/audit', '/api/v1/audit?limit=500', { token: tok.xita, expect: 200 });
      assert.ok(xita.json.items.some((e) => e.id === created.id));
      assert.ok(xita.json.items.every((e) => e.org_id !== null));
      await call('GET', '/api/v1/audit/{id}', `/api/v1/audit/${created.id}`, { token: tok.xita, expect: 200 });
      await call('GET', '/api/v1/audit/{id}', `/api/v1/audit/${created.id}`, { token: tok.fuli, expect: 404 });
      await call('GET', '/api/v1/audit/{id}', `/api/v1/audit/${user.json.items[0].id}`, { token: tok.xita, expect: 404 });
      await call('GET', '/api/v1/audit/{id}', `/api/v1/audit/${created.id}`, { token: tok.member, expect: 404 });
      await call('GET', '/api/v1/audit', '/api/v1/audit', { token: tok.member, expect: 403 });
      await call('GET', '/api/v1/audit', '/api/v1/audit', { token: tok.zhongke, expect: 403 });
      await call('GET', '/api/v1/audit', '/api/v1/audit', { token: tok.xita_station, expect: 403 });
    });

    it('lists only the audit records the caller may read, whatever other roles they hold', async () => {
      // xita is also made a member of an R&F branch: a member does not read audit records.
      const g = await call('POST', '/api/v1/grants', '/api/v1/grants', { body: { user_id: 2, role: 'member', org_id: 7 }, expect: 201 });
      try {
        const org = (await call('GET', '/api/v1/orgs/{id}', '/api/v1/orgs/7', { expect: 200 })).json;
        await call('PATCH', '/api/v1/orgs/{id}', '/api/v1/orgs/7', { body: { version: org.version, contact_name: '审计' }, expect: 200 });
        const listed = await call('GET', '/api/v1/audit', '/api/v1/audit?org_id=7&limit=500', { token: tok.xita, expect: 200 });
        const unreadable = [];
        for (const e of listed.json.items) {
          const one = await call('GET', '/api/v1/audit/{id}', `/api/v1/audit/${e.id}`, { token: tok.xita });
          if (one.status !== 200) unreadable.push(`${e.id} (${e.entity} ${e.entity_id} ${e.action}): ${one.status}`);
        }
        assert.deepEqual(unreadable, [], 'the list holds audit records that GET /api/v1/audit/{id} does not show to the caller');
      } finally {
        await call('DELETE', '/api/v1/grants/{id}', `/api/v1/grants/${g.json.id}`, { expect: 204 });
      }
    });

    it('cleans up with documented 204s', async () => {
      assert.ok(made.org, 'needs the organisation created above');
      await call('DELETE', '/api/v1/orgs/{id}', `/api/v1/orgs/${made.org.id}`, { token: tok.xita, expect: 204 });
      await call('GET', '/api/v1/orgs/{id}', `/api/v1/orgs/${made.org.id}`, { expect: 404 });
    });
  });

  describe('the register of members', () => {
    const tok = {};
    before(async () => {
      for (const u of ['xita', 'fuli', 'xita_station', 'zhongke', 'member']) tok[u] = (await signIn(server.url, u)).token;
    });

    // Days as the server counts them: Guangzhou's calendar, 'YYYY-MM-DD'.
    const today = () => new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const civil = (day) => day.split('-').map(Number);
    const text = (y, m, d) => `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
    const monthDays = (y, m) => new Date(Date.UTC(y, m, 0)).getUTCDate();
    // The same day n months later, clamped to the month's last day (as the server's cut-off).
    function addMonths(day, n) {
      const [y, m, d] = civil(day);
      const total = y * 12 + (m - 1) + n;
      const ny = Math.floor(total / 12), nm = (total % 12) + 1;
      return text(ny, nm, Math.min(d, monthDays(ny, nm)));
    }
    // The same day n years later; 29 February becomes 1 March in a common year.
    function addYears(day, n) {
      const [y, m, d] = civil(day);
      if (m === 2 && d === 29 && monthDays(y + n, 2) === 28) return text(y + n, 3, 1);
      return text(y + n, m, d);
    }
    function yearsBetween(from, to) {
      let years = 0;
      while (addYears(from, years + 1) <= to) years++;
      return years;
    }
    // The masks: same length, stars between the ends kept (all stars when too short to keep them).
    const keepEnds = (s, head, tail) => (s.length <= head + tail ? '*'.repeat(s.length)
      : s.slice(0, head) + '*'.repeat(s.length - head - tail) + s.slice(s.length - tail));
    const masked = (m) => ({
      ...m,
      phone: m.phone === null ? null : keepEnds(m.phone, 3, 4),
      born_on: m.born_on === null ? null : `${m.born_on.slice(0, 4)}-**-**`,
      id_number: m.id_number === null ? null : keepEnds(m.id_number, 3, 2),
    });
    const ids = (res) => res.json.items.map((x) => x.id);
    const views = async (id) => (await call('GET', '/api/v1/audit',
      `/api/v1/audit?entity=member&entity_id=${id}&action=view&limit=500`, { expect: 200 })).json.items;
    let everyone; // the whole register, as the admin reads it

    it('lists and reads the register: managers in full, member-role readers masked, others 403 or 404', async () => {
      const all = await call('GET', '/api/v1/members', '/api/v1/members?limit=500', { expect: 200 });
      everyone = all.json.items;
      assert.ok(everyone.length >= 75, `the demo has 75 people on the register (${everyone.length})`);
      assert.equal(all.json.next, null);
      assert.deepEqual([...new Set(everyone.map((m) => m.branch_id))].sort((a, b) => a - b), [4, 5, 7, 8]);
      for (const m of everyone) assert.ok(!m.phone?.includes('*') && !m.born_on?.includes('*'), 'the admin reads everything');
      const one = await call('GET', '/api/v1/members/{id}', `/api/v1/members/${everyone[0].id}`, { expect: 200 });
      assert.deepEqual(one.json, everyone[0]);
      const page = await call('GET', '/api/v1/members', '/api/v1/members?limit=2', { expect: 200 });
      assert.equal(page.json.items.length, 2);
      const next = await call('GET', '/api/v1/members', `/api/v1/members?limit=2&cursor=${page.json.next}`, { expect: 200 });
      assert.deepEqual(ids(next), everyone.slice(2, 4).map((m) => m.id));

      // The branch secretary manages branch 4: everything, in full.
      const z = await call('GET', '/api/v1/members', '/api/v1/members?limit=500', { token: tok.zhongke, expect: 200 });
      assert.deepEqual(z.json.items, everyone.filter((m) => m.branch_id === 4));
      // The West Tower committee manages branch 4 and the partner linked to it (5).
      const x = await call('GET', '/api/v1/members', '/api/v1/members?limit=500', { token: tok.xita, expect: 200 });
      assert.deepEqual(x.json.items, everyone.filter((m) => [4, 5].includes(m.branch_id)));
      const f = await call('GET', '/api/v1/members', '/api/v1/members?limit=500', { token: tok.fuli, expect: 200 });
      assert.deepEqual(f.json.items, everyone.filter((m) => [7, 8].includes(m.branch_id)));
      // A member reads their branch, with phone, date of birth and ID number masked.
      const mem = await call('GET', '/api/v1/members', '/api/v1/members?limit=500', { token: tok.member, expect: 200 });
      assert.deepEqual(mem.json.items, everyone.filter((m) => m.branch_id === 4).map(masked));
      const target = everyone.find((m) => m.branch_id === 4 && m.phone && m.born_on);
      const seen = await call('GET', '/api/v1/members/{id}', `/api/v1/members/${target.id}`, { token: tok.member, expect: 200 });
      assert.deepEqual(seen.json, masked(target));
      assert.match(seen.json.phone, /^[0-9]{3}\*+[0-9]{4}$/);
      assert.match(seen.json.born_on, /^[0-9]{4}-\*\*-\*\*$/);
      // Out of reach is not found; no reading role at all is 403 for the list.
      const rf = everyone.find((m) => m.branch_id === 7);
      await call('GET', '/api/v1/members/{id}', `/api/v1/members/${rf.id}`, { token: tok.member, expect: 404 });
      await call('GET', '/api/v1/members/{id}', `/api/v1/members/${target.id}`, { token: tok.fuli, expect: 404 });
      await call('GET', '/api/v1/members/{id}', `/api/v1/members/${target.id}`, { token: tok.xita_station, expect: 404 });
      await call('GET', '/api/v1/members', '/api/v1/members', { token: tok.xita_station, expect: 403 });
      await call('GET', '/api/v1/members/{id}', '/api/v1/members/999999', { expect: 404 });
      await call('GET', '/api/v1/members/{id}', '/api/v1/members/abc', { expect: 404 });
    });

    it('records every full read by a manager as a view in the audit log, and no masked one', async () => {
      assert.ok(everyone, 'needs the register read above');
      const target = everyone.find((m) => m.branch_id === 4 && m.phone);
      const before = (await views(target.id)).length;
      await call('GET', '/api/v1/members/{id}', `/api/v1/members/${target.id}`, { token: tok.member, expect: 200 });
      await call('GET', '/api/v1/members', '/api/v1/members?branch_id=4&limit=500', { token: tok.member, expect: 200 });
      assert.equal((await views(target.id)).length, before, 'a masked read is no view of personal data');
      await call('GET', '/api/v1/members/{id}', `/api/v1/members/${target.id}`, { token: tok.zhongke, expect: 200 });
      await call('GET', '/api/v1/members', `/api/v1/members?branch_id=4&limit=500`, { token: tok.xita, expect: 200 });
      const after = await views(target.id);
      assert.deepEqual(after.slice(before).map((a) => [a.username, a.action, a.entity, a.entity_id, a.org_id]),
        [['zhongke', 'view', 'member', target.id, 4], ['xita', 'view', 'member', target.id, 4]]);
      for (const a of after)
        assert.ok(Object.values(a.changes).every(([was, now]) => was === null && now === null),
          `a view holds no value that was seen: ${JSON.stringify(a.changes)}`);
      // The committee admin reads the views of its subtree's people; a branch secretary no audit at all.
      const xv = await call('GET', '/api/v1/audit', `/api/v1/audit?entity=member&action=view&entity_id=${target.id}&limit=500`,
        { token: tok.xita, expect: 200 });
      assert.ok(xv.json.items.length >= 2);
      await call('GET', '/api/v1/audit', '/api/v1/audit?action=view', { token: tok.zhongke, expect: 403 });
    });

    it('filters the register by the documented query parameters', async () => {
      assert.ok(everyone, 'needs the register read above');
      const t = today();
      const cutoff = addMonths(t, -3);
      const month = Number(everyone.find((m) => m.branch_id === 7 && m.admitted_on).admitted_on.slice(5, 7));
      const cases = [
        ['branch_id=5', (m) => m.branch_id === 5],
        ['within=6', (m) => [7, 8].includes(m.branch_id)],
        ['within=3', (m) => m.branch_id === 4],
        ['stage=applicant', (m) => m.stage === 'applicant'],
        ['stage=activist&kind=regular', (m) => m.stage === 'activist' && m.kind === 'regular'],
        ['kind=mobile', (m) => m.kind === 'mobile'],
        [`within=6&admitted_month=${month}`, (m) => [7, 8].includes(m.branch_id) && Number(m.admitted_on?.slice(5, 7)) === month],
        ['reports_overdue=true', (m) => m.stage === 'activist' && (m.last_report_on ?? m.activist_on) < cutoff],
        ['reports_overdue=false', () => true],
        [`q=${encodeURIComponent(everyone[0].name.slice(0, 1))}`, (m) => m.name.includes(everyone[0].name.slice(0, 1))],
      ];
      for (const [query, want] of cases) {
        const res = await call('GET', '/api/v1/members', `/api/v1/members?${query}&limit=500`, { expect: 200 });
        const expected = everyone.filter(want).map((m) => m.id);
        assert.deepEqual(ids(res), expected, query);
        if (query !== 'within=3') assert.ok(expected.length > 0, `the demo has someone for ${query}`);
      }
      const bad = await call('GET', '/api/v1/members', '/api/v1/members?within=0&stage=member&kind=vip&admitted_month=13&reports_overdue=yes&colour=red',
        { expect: 400 });
      assert.deepEqual(params(bad), ['admitted_month', 'colour', 'kind', 'reports_overdue', 'stage', 'within']);
      await call('GET', '/api/v1/members', '/api/v1/members?branch_id=4&branch_id=5', { expect: 400 });
    });

    it('registers, changes and removes people as the policy and the rules say (201, 200, 204; 400, 403, 404, 409, 422)', async () => {
      const t = today();
      const person = { name: '王小明', branch_id: 4, gender: 'male', born_on: '1990-05-06', phone: '13912345678',
        id_number: '44010619900506123X', external_id: 'OPENAPI-1', applied_on: addMonths(t, -30) };
      assertMatches(requestSchema('POST', '/api/v1/members'), person, 'the person sent');
      const c = await call('POST', '/api/v1/members', '/api/v1/members', { body: person, token: tok.zhongke, expect: 201 });
      assert.equal(c.headers.get('location'), `/api/v1/members/${c.json.id}`);
      for (const [k, v] of Object.entries(person)) assert.deepEqual(c.json[k], v, `member.${k}`);
      assert.deepEqual([c.json.stage, c.json.kind, c.json.version, c.json.activist_on, c.json.last_report_on],
        ['applicant', 'regular', 1, null, null]);
      const id = c.json.id;
      const old = { name: '陈老党员', branch_id: 5, kind: 'partner_vip', admitted_on: '2001-07-01', full_on: '2002-07-01' };
      const o = await call('POST', '/api/v1/members', '/api/v1/members', { body: old, token: tok.xita, expect: 201 });
      assert.equal(o.json.stage, 'full_member', 'an old member registered without the early stages');
      const gone = { name: '李已故', branch_id: 4, admitted_on: '1990-07-01', full_on: '1991-07-01', left_as: 'deceased', left_on: '2020-01-01' };
      assert.equal((await call('POST', '/api/v1/members', '/api/v1/members', { body: gone, token: tok.zhongke, expect: 201 })).json.stage, 'deceased');

      // Who may.
      await call('POST', '/api/v1/members', '/api/v1/members', { body: { ...person, phone: null, external_id: null }, token: tok.member, expect: 403 });
      await call('POST', '/api/v1/members', '/api/v1/members', { body: { ...person, branch_id: 7, phone: null, external_id: null }, token: tok.xita, expect: 403 });
      await call('POST', '/api/v1/members', '/api/v1/members', { body: { ...person, phone: null, external_id: null }, token: tok.xita_station, expect: 403 });
      // Invalid fields (the server's, and the stage, are read-only), every one listed.
      const invalid = { branch_id: 'four', gender: 'x', born_on: '1990-02-30', phone: '139-abc', id_number: 'abc',
        kind: 'vip', stage: 'full_member', last_report_on: t, id: 9, colour: 'red' };
      assertDoesNotMatch(requestSchema('POST', '/api/v1/members'), invalid, 'an invalid person');
      const i = await call('POST', '/api/v1/members', '/api/v1/members', { body: invalid, token: tok.zhongke, expect: 400 });
      assert.deepEqual(pointers(i), ['/born_on', '/branch_id', '/colour', '/gender', '/id', '/id_number', '/kind',
        '/last_report_on', '/name', '/phone', '/stage']);
      // The rules of the road (422).
      const noStage = { name: '无阶段', branch_id: 4 };
      assertDoesNotMatch(requestSchema('POST', '/api/v1/members'), noStage, 'a person with no stage day');
      await call('POST', '/api/v1/members', '/api/v1/members', { body: noStage, token: tok.zhongke, expect: 422 });
      const young = { name: '未成年', branch_id: 4, born_on: addYears(t, -17), applied_on: t };
      assertMatches(requestSchema('POST', '/api/v1/members'), young, 'a well-formed person');
      const y = await call('POST', '/api/v1/members', '/api/v1/members', { body: young, token: tok.zhongke, expect: 422 });
      assert.match(y.json.detail, /18/);
      const hurried = { name: '速成', branch_id: 4, applied_on: '2024-01-02', activist_on: '2024-06-01', target_on: '2024-12-01' };
      assert.match((await call('POST', '/api/v1/members', '/api/v1/members', { body: hurried, token: tok.zhongke, expect: 422 })).json.detail, /year/);
      await call('POST', '/api/v1/members', '/api/v1/members', { body: { name: '未来', branch_id: 4, applied_on: addYears(t, 1) }, token: tok.zhongke, expect: 422 });
      const half = await call('POST', '/api/v1/members', '/api/v1/members',
        { body: { name: '半离开', branch_id: 4, admitted_on: '2020-01-02', left_as: 'deceased' }, token: tok.zhongke, expect: 422 });
      assert.deepEqual(pointers(half), ['/left_on']);
      const nowhere = await call('POST', '/api/v1/members', '/api/v1/members',
        { body: { name: '无支部', branch_id: 999999, applied_on: '2024-01-02' }, expect: 422 });
      assert.deepEqual(pointers(nowhere), ['/branch_id']);
      // A phone or an external id already on the register.
      await call('POST', '/api/v1/members', '/api/v1/members', { body: { ...person, external_id: null }, token: tok.zhongke, expect: 409 });
      await call('POST', '/api/v1/members', '/api/v1/members', { body: { ...person, phone: null }, token: tok.zhongke, expect: 409 });

      // Changing the details.
      const change = { version: 1, phone: '13900000000', gender: 'female', employer_id: null };
      assertMatches(requestSchema('PATCH', '/api/v1/members/{id}'), change, 'the patch sent');
      const u = await call('PATCH', '/api/v1/members/{id}', `/api/v1/members/${id}`, { body: change, token: tok.zhongke, expect: 200 });
      assert.deepEqual([u.json.version, u.json.phone, u.json.gender, u.json.name], [2, '13900000000', 'female', person.name]);
      await call('PATCH', '/api/v1/members/{id}', `/api/v1/members/${id}`, { body: { version: 1, name: '旧' }, token: tok.zhongke, expect: 409 });
      await call('PATCH', '/api/v1/members/{id}', `/api/v1/members/${id}`, { body: { version: 2, phone: everyone[0].phone }, token: tok.zhongke, expect: 409 });
      const days = { version: 2, applied_on: '2020-01-01', left_as: 'deceased', stage: 'activist', last_report_on: t };
      assertDoesNotMatch(requestSchema('PATCH', '/api/v1/members/{id}'), days, 'a patch of the stage days');
      const ro = await call('PATCH', '/api/v1/members/{id}', `/api/v1/members/${id}`, { body: days, token: tok.zhongke, expect: 400 });
      assert.deepEqual(pointers(ro), ['/applied_on', '/last_report_on', '/left_as', '/stage']);
      await call('PATCH', '/api/v1/members/{id}', `/api/v1/members/${id}`, { body: { name: '改' }, token: tok.zhongke, expect: 400 });
      const younger = await call('PATCH', '/api/v1/members/{id}', `/api/v1/members/${id}`,
        { body: { version: 2, born_on: addYears(t, -10) }, token: tok.zhongke, expect: 422 });
      assert.match(younger.json.detail, /18/);
      assert.deepEqual(pointers(await call('PATCH', '/api/v1/members/{id}', `/api/v1/members/${id}`,
        { body: { version: 2, employer_id: 999999 }, expect: 422 })), ['/employer_id']);
      await call('PATCH', '/api/v1/members/{id}', `/api/v1/members/${id}`, { body: { version: 2, name: '改' }, token: tok.member, expect: 403 });
      await call('PATCH', '/api/v1/members/{id}', `/api/v1/members/${id}`, { body: { version: 2, name: '改' }, token: tok.fuli, expect: 404 });
      await call('PATCH', '/api/v1/members/{id}', `/api/v1/members/${id}`, { body: { version: 2, branch_id: 7 }, token: tok.xita, expect: 403 });
      await call('PATCH', '/api/v1/members/{id}', '/api/v1/members/999999', { body: { version: 1 }, expect: 404 });
      const now = await call('GET', '/api/v1/members/{id}', `/api/v1/members/${id}`, { expect: 200 });
      assert.deepEqual([now.json.version, now.json.branch_id], [2, 4], 'a refused change changes nothing');
      const audit = await call('GET', '/api/v1/audit', `/api/v1/audit?entity=member&entity_id=${id}&action=update`, { expect: 200 });
      assert.deepEqual(audit.json.items.map((a) => a.changes), [{ phone: [person.phone, '13900000000'], gender: ['male', 'female'] }]);

      // Removing.
      await call('DELETE', '/api/v1/members/{id}', `/api/v1/members/${o.json.id}`, { token: tok.member, expect: 404 });
      await call('DELETE', '/api/v1/members/{id}', `/api/v1/members/${id}`, { token: tok.member, expect: 403 });
      await call('DELETE', '/api/v1/members/{id}', `/api/v1/members/${id}`, { token: tok.fuli, expect: 404 });
      await call('DELETE', '/api/v1/members/{id}', `/api/v1/members/${o.json.id}`, { token: tok.xita, expect: 204 });
      await call('DELETE', '/api/v1/members/{id}', `/api/v1/members/${id}`, { token: tok.zhongke, expect: 204 });
      await call('DELETE', '/api/v1/members/{id}', `/api/v1/members/${id}`, { token: tok.zhongke, expect: 404 });
      await call('GET', '/api/v1/members/{id}', `/api/v1/members/${id}`, { expect: 404 });
      const del = await call('GET', '/api/v1/audit', `/api/v1/audit?entity=member&entity_id=${id}&action=delete`, { expect: 200 });
      assert.deepEqual(del.json.items.map((a) => [a.username, a.changes.name]), [['zhongke', ['王小明', null]]]);
    });

    it('moves a person along the road one stage at a time (200; 400, 403, 404, 409, 422)', async () => {
      const t = today();
      const applied = addMonths(t, -30);
      const p = (await call('POST', '/api/v1/members', '/api/v1/members',
        { body: { name: '张进步', branch_id: 4, born_on: '1995-03-04', applied_on: applied }, token: tok.zhongke, expect: 201 })).json;
      const path = `/api/v1/members/${p.id}/stage`;
      const T = '/api/v1/members/{id}/stage';
      const step = { version: 1, stage: 'activist', on: addMonths(applied, 4) };
      assertMatches(requestSchema('POST', T), step, 'the stage sent');
      // Who may, first: the member role reads but does not manage; out of reach is not found.
      await call('POST', T, path, { body: step, token: tok.member, expect: 403 });
      await call('POST', T, path, { body: step, token: tok.fuli, expect: 404 });
      await call('POST', T, '/api/v1/members/999999/stage', { body: step, token: tok.zhongke, expect: 404 });
      await call('POST', T, path, { body: { ...step, version: 2 }, token: tok.zhongke, expect: 409 });
      const bad = { version: 0, stage: 'leader', on: '2024-02-30', extra: 1 };
      assertDoesNotMatch(requestSchema('POST', T), bad, 'an invalid stage');
      assert.deepEqual(pointers(await call('POST', T, path, { body: bad, token: tok.zhongke, expect: 400 })),
        ['/extra', '/on', '/stage', '/version']);
      assert.deepEqual(pointers(await call('POST', T, path, { body: {}, token: tok.zhongke, expect: 400 })), ['/on', '/stage', '/version']);
      await call('POST', T, path, { body: '{"version": 1', token: tok.zhongke, expect: 400 });
      await call('POST', T, path, { body: 'version=1', headers: { 'content-type': 'text/plain' }, token: tok.zhongke, expect: 415 });
      // The rules of the road.
      const skip = await call('POST', T, path, { body: { ...step, stage: 'probationary' }, token: tok.zhongke, expect: 422 });
      assert.match(skip.json.detail, /one stage at a time/);
      await call('POST', T, path, { body: { ...step, on: addYears(t, 1) }, token: tok.zhongke, expect: 422 });
      await call('POST', T, path, { body: { ...step, on: addMonths(applied, -1) }, token: tok.zhongke, expect: 422 });
      const a = await call('POST', T, path, { body: step, token: tok.zhongke, expect: 200 });
      assert.deepEqual([a.json.stage, a.json.activist_on, a.json.version, a.json.phone], ['activist', step.on, 2, null]);
      const early = await call('POST', T, path,
        { body: { version: 2, stage: 'development_target', on: addMonths(step.on, 6) }, token: tok.zhongke, expect: 422 });
      assert.match(early.json.detail, /one year/);
      const d = await call('POST', T, path,
        { body: { version: 2, stage: 'development_target', on: addMonths(step.on, 13) }, token: tok.xita, expect: 200 });
      assert.equal(d.json.stage, 'development_target');
      const out = await call('POST', T, path, { body: { version: 3, stage: 'transferred_out', on: t }, token: tok.zhongke, expect: 200 });
      assert.deepEqual([out.json.stage, out.json.left_as, out.json.left_on], ['transferred_out', 'transferred_out', t]);
      await call('POST', T, path, { body: { version: 4, stage: 'deceased', on: t }, token: tok.zhongke, expect: 422 });
      const moves = await call('GET', '/api/v1/audit', `/api/v1/audit?entity=member&entity_id=${p.id}&action=stage`, { expect: 200 });
      assert.deepEqual(moves.json.items.map((m) => [m.username, m.org_id, m.changes.stage]), [
        ['zhongke', 4, ['applicant', 'activist']], ['xita', 4, ['activist', 'development_target']],
        ['zhongke', 4, ['development_target', 'transferred_out']]]);
      assert.deepEqual(moves.json.items[0].changes.activist_on, [null, step.on]);
    });

    it('records an activist\'s thought reports (200; 400, 403, 404, 409, 422)', async () => {
      const t = today();
      const p = (await call('POST', '/api/v1/members', '/api/v1/members', { body: { name: '刘汇报', branch_id: 4,
        born_on: '1996-01-01', applied_on: addMonths(t, -14), activist_on: addMonths(t, -10) }, token: tok.zhongke, expect: 201 })).json;
      const T = '/api/v1/members/{id}/thought-reports';
      const path = `/api/v1/members/${p.id}/thought-reports`;
      const overdue = async () => ids(await call('GET', '/api/v1/members', '/api/v1/members?reports_overdue=true&limit=500', { expect: 200 }));
      assert.ok((await overdue()).includes(p.id), 'an activist of ten months without a report is overdue');
      const report = { version: 1, on: addMonths(t, -1) };
      assertMatches(requestSchema('POST', T), report, 'the report sent');
      await call('POST', T, path, { body: report, token: tok.member, expect: 403 });
      await call('POST', T, path, { body: report, token: tok.fuli, expect: 404 });
      await call('POST', T, '/api/v1/members/999999/thought-reports', { body: report, expect: 404 });
      await call('POST', T, path, { body: { ...report, version: 5 }, token: tok.zhongke, expect: 409 });
      const bad = { ...report, stage: 'activist', on: '1.1.2020' };
      assertDoesNotMatch(requestSchema('POST', T), bad, 'an invalid report');
      assert.deepEqual(pointers(await call('POST', T, path, { body: bad, token: tok.zhongke, expect: 400 })), ['/on', '/stage']);
      const before = await call('POST', T, path, { body: { ...report, on: addMonths(t, -11) }, token: tok.zhongke, expect: 422 });
      assert.deepEqual(pointers(before), ['/on']);
      await call('POST', T, path, { body: { ...report, on: addYears(t, 1) }, token: tok.zhongke, expect: 422 });
      const r = await call('POST', T, path, { body: report, token: tok.zhongke, expect: 200 });
      assert.deepEqual([r.json.last_report_on, r.json.version, r.json.stage], [report.on, 2, 'activist']);
      assert.ok(!(await overdue()).includes(p.id), 'an activist who reported a month ago is not overdue');
      const notActivist = everyone.find((m) => m.branch_id === 4 && m.stage === 'full_member');
      const n = await call('POST', T, `/api/v1/members/${notActivist.id}/thought-reports`,
        { body: { version: notActivist.version, on: t }, token: tok.zhongke, expect: 422 });
      assert.match(n.json.detail, /activist/);
      const audit = await call('GET', '/api/v1/audit', `/api/v1/audit?entity=member&entity_id=${p.id}&action=thought_report`, { expect: 200 });
      assert.deepEqual(audit.json.items.map((a) => [a.username, a.changes]), [['zhongke', { last_report_on: [null, report.on] }]]);
    });

    // The comments of src/domain/members.h: last_report_on is "an activist's last thought
    // report". A report dated before it, handed in late, is refused or leaves it as it was.
    it('keeps the latest thought report: one dated earlier does not move last_report_on back', async () => {
      const t = today();
      const p = (await call('POST', '/api/v1/members', '/api/v1/members', { body: { name: '补交', branch_id: 4,
        born_on: '1996-01-01', applied_on: addMonths(t, -14), activist_on: addMonths(t, -10) }, token: tok.zhongke, expect: 201 })).json;
      const T = '/api/v1/members/{id}/thought-reports';
      const path = `/api/v1/members/${p.id}/thought-reports`;
      await call('POST', T, path, { body: { version: 1, on: t }, token: tok.zhongke, expect: 200 });
      const late = await call('POST', T, path, { body: { version: 2, on: addMonths(t, -5) }, token: tok.zhongke });
      assert.ok([200, 422].includes(late.status), late.text);
      const now = await call('GET', '/api/v1/members/{id}', `/api/v1/members/${p.id}`, { token: tok.zhongke, expect: 200 });
      assert.equal(now.json.last_report_on, t, `a report of ${addMonths(t, -5)} handed in late (${late.status}) moved the last report back`);
    });

    it('gives a person their data, and erases it on request (200; 400, 403, 404, 409)', async () => {
      const p = (await call('POST', '/api/v1/members', '/api/v1/members', { body: { name: '周隐私', branch_id: 4, gender: 'female',
        born_on: '1991-02-03', phone: '13700001111', id_number: '440106199102031234', external_id: 'OPENAPI-ERASE',
        admitted_on: '2015-07-01', full_on: '2016-07-01' }, token: tok.zhongke, expect: 201 })).json;
      const D = '/api/v1/members/{id}/data';
      const data = await call('GET', D, `/api/v1/members/${p.id}/data`, { token: tok.zhongke, expect: 200 });
      assert.equal(data.headers.get('content-disposition'), `attachment; filename="member-${p.id}.json"`);
      assert.deepEqual(data.json.member, p);
      assert.deepEqual(data.json.history.map((a) => [a.action, a.entity_id]), [['create', p.id]]);
      assert.deepEqual(data.json.history[0].changes.phone, [null, '13700001111']);
      assert.deepEqual((await views(p.id)).map((a) => a.username), ['zhongke'], 'giving the data is a view');
      await call('GET', D, `/api/v1/members/${p.id}/data`, { token: tok.member, expect: 403 });
      await call('GET', D, `/api/v1/members/${p.id}/data`, { token: tok.fuli, expect: 404 });
      await call('GET', D, '/api/v1/members/999999/data', { expect: 404 });

      const E = '/api/v1/members/{id}/erase';
      const path = `/api/v1/members/${p.id}/erase`;
      assertMatches(requestSchema('POST', E), { version: 1 }, 'the erasure sent');
      await call('POST', E, path, { body: { version: 1 }, token: tok.member, expect: 403 });
      await call('POST', E, path, { body: { version: 1 }, token: tok.fuli, expect: 404 });
      await call('POST', E, '/api/v1/members/999999/erase', { body: { version: 1 }, expect: 404 });
      await call('POST', E, path, { body: { version: 2 }, token: tok.zhongke, expect: 409 });
      assertDoesNotMatch(requestSchema('POST', E), { version: 1, reason: 'asked' }, 'an erasure with a reason');
      assert.deepEqual(pointers(await call('POST', E, path, { body: { version: 1, reason: 'asked' }, token: tok.zhongke, expect: 400 })), ['/reason']);
      assert.deepEqual(pointers(await call('POST', E, path, { body: {}, token: tok.zhongke, expect: 400 })), ['/version']);
      const e = await call('POST', E, path, { body: { version: 1 }, token: tok.zhongke, expect: 200 });
      assert.deepEqual(e.json, { ...p, name: `已删除 #${p.id}`, gender: null, born_on: null, phone: null, id_number: null,
        external_id: null, version: 2, updated_at: e.json.updated_at }, 'what identifies the person goes; branch, kind and stage days stay');
      const audit = await call('GET', '/api/v1/audit', `/api/v1/audit?entity=member&entity_id=${p.id}&limit=500`, { expect: 200 });
      assert.deepEqual(audit.json.items.map((a) => [a.action, a.changes]), [
        ['create', { erased: [false, true] }], ['view', { erased: [false, true] }], ['erase', {}]]);
      const after = await call('GET', D, `/api/v1/members/${p.id}/data`, { token: tok.xita, expect: 200 });
      assert.ok(!after.text.includes('13700001111') && !after.text.includes('周隐私'), 'nothing identifies the person any more');
    });

    it('imports a spreadsheet: dry run, all or nothing, or the good rows (200; 400, 403, 415, 422)', async () => {
      const I = '/api/v1/members/import';
      const csv = { 'content-type': 'text/csv' };
      const file = '序号,姓名,性别,手机,支部编号,申请入党日期,确定积极分子日期\r\n' +
        '1,赵导入,男,13600000001,4,2024-1-2,\r\n2,钱导入,女,13600000002,4,2023/03/04,2023年7月5日\r\n';
      const dry = await call('POST', I, `${I}?dry_run=true`, { body: file, headers: csv, token: tok.zhongke, expect: 200 });
      assert.deepEqual([dry.json.encoding, dry.json.committed, dry.json.counts, dry.json.rejected_csv],
        ['utf-8', false, { create: 2, update: 0, unchanged: 0, reject: 0 }, null]);
      const named = async () => ids(await call('GET', '/api/v1/members', `/api/v1/members?q=${encodeURIComponent('导入')}`, { expect: 200 }));
      assert.deepEqual(await named(), [], 'a dry run changes nothing');
      const done = await call('POST', I, I, { body: file, headers: csv, token: tok.zhongke, expect: 200 });
      assert.deepEqual([done.json.committed, done.json.rows.map((r) => [r.line, r.action])], [true, [[2, 'create'], [3, 'create']]]);
      const made = await named();
      assert.deepEqual(made, done.json.rows.map((r) => r.member_id));
      const second = (await call('GET', '/api/v1/members/{id}', `/api/v1/members/${made[1]}`, { expect: 200 })).json;
      assert.deepEqual([second.gender, second.applied_on, second.activist_on, second.stage], ['female', '2023-03-04', '2023-07-05', 'activist']);
      const again = await call('POST', I, I, { body: file, headers: csv, token: tok.zhongke, expect: 200 });
      assert.deepEqual(again.json.counts, { create: 0, update: 0, unchanged: 2, reject: 0 }, 'the same file twice changes nothing');

      // A row beyond the caller's branches refuses the file, unless partial.
      const mixed = '姓名,手机,支部编号,申请入党日期\r\n孙越界,13600000003,7,2024-1-2\r\n李界内,13600000004,4,2024-1-2\r\n';
      const refused = await call('POST', I, I, { body: mixed, headers: csv, token: tok.zhongke, expect: 422 });
      assert.deepEqual([refused.json.committed, refused.json.counts.reject, refused.json.rows.map((r) => r.action)],
        [false, 1, ['reject', 'create']]);
      assert.match(refused.json.detail, /line 2/);
      assert.match(refused.json.rejected_csv, /孙越界/);
      assert.deepEqual(await named(), made, 'a refused file imports nothing');
      const part = await call('POST', I, `${I}?partial=true`, { body: mixed, headers: csv, token: tok.zhongke, expect: 200 });
      assert.deepEqual([part.json.committed, part.json.counts], [true, { create: 1, update: 0, unchanged: 0, reject: 1 }]);
      assert.match(part.json.rejected_csv, /^姓名,手机,支部编号,申请入党日期,错误 error\r\n孙越界,/);
      // The member role registers nobody: it may not import at all.
      const newcomers = '姓名,手机,支部编号,申请入党日期\r\n吴新人,13600000005,4,2024-1-2\r\n郑新人,13600000006,4,2024-1-2\r\n';
      await call('POST', I, I, { body: newcomers, headers: csv, token: tok.member, expect: 403 });
      // Files and queries that cannot be read.
      assert.deepEqual(params(await call('POST', I, `${I}?dry_run=yes`, { body: file, headers: csv, expect: 400 })), ['dry_run']);
      assert.match((await call('POST', I, I, { body: '名字,电话\r\n张,1\r\n', headers: csv, expect: 400 })).json.detail, /unknown columns/);
      await call('POST', I, I, { body: '', headers: csv, expect: 400 });
      await call('POST', I, `${I}?encoding=latin1`, { body: file, headers: csv, expect: 400 });
      await call('POST', I, I, { body: { name: 'x' }, expect: 415 });
      for (const id of [...made, part.json.rows[1].member_id])
        await call('DELETE', '/api/v1/members/{id}', `/api/v1/members/${id}`, { expect: 204 });
    });

    it('exports the register as CSV and as a workbook, as the list shows it (200; 400, 403)', async () => {
      assert.ok(everyone, 'needs the register read above');
      const C = '/api/v1/members/export.csv';
      const branch4 = (await call('GET', '/api/v1/members', '/api/v1/members?branch_id=4&limit=500', { expect: 200 })).json.items;
      const z = await call('GET', C, `${C}?branch_id=4`, { token: tok.zhongke, expect: 200 });
      assert.ok(z.text.startsWith('\uFEFF') || z.text.startsWith('编号'), 'UTF-8 with a BOM');
      const lines = z.text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean);
      assert.equal(lines[0], '编号,姓名,性别,出生日期,手机,身份证号,支部编号,类型,申请入党日期,确定积极分子日期,确定发展对象日期,入党日期,转正日期');
      assert.equal(lines.length, branch4.length + 1, 'everyone, not a page');
      const withPhone = branch4.find((m) => m.phone && m.born_on);
      assert.ok(lines.some((l) => l.includes(withPhone.phone) && l.includes(withPhone.born_on)), 'a manager exports in full');
      const mem = await call('GET', C, `${C}?branch_id=4&limit=1`, { token: tok.member, expect: 200 });
      assert.ok(!mem.text.includes(withPhone.phone), 'a member exports masked');
      assert.ok(mem.text.includes(masked(withPhone).phone));
      assert.equal(mem.text.replace(/^\uFEFF/, '').split('\r\n').filter(Boolean).length, branch4.length + 1);
      await call('GET', C, C, { token: tok.xita_station, expect: 403 });
      assert.deepEqual(params(await call('GET', C, `${C}?colour=red&stage=x`, { expect: 400 })), ['colour', 'stage']);
      const X = '/api/v1/members/export.xlsx';
      const x = await call('GET', X, `${X}?branch_id=5`, { token: tok.xita, expect: 200 });
      assert.ok(x.text.startsWith('PK'), 'a workbook is a ZIP archive');
      await call('GET', X, X, { token: tok.xita_station, expect: 403 });
      await call('GET', X, `${X}?within=x`, { expect: 400 });
    });

    // "The caller must be allowed to manage each row's branch" (src/domain/import.h), and
    // what a caller may not read answers as if it did not exist: an import by someone who
    // manages nobody must not confirm who is on the register, nor under which id.
    it('tells a caller who does not manage a row\'s branch nothing about who is on the register', async () => {
      assert.ok(everyone, 'needs the register read above');
      const known = everyone.find((m) => m.branch_id === 4 && m.phone && m.admitted_on && !m.applied_on);
      const same = `姓名,手机,支部编号,入党日期\r\n${known.name},${known.phone},4,${known.admitted_on}\r\n`;
      const other = `姓名,手机,支部编号,入党日期\r\n别人,${known.phone},4,${known.admitted_on}\r\n`;
      const wrong = [];
      for (const who of ['xita_station', 'fuli', 'member'])
        for (const [what, body] of [['the same row', same], ['another name', other]]) {
          const res = await call('POST', '/api/v1/members/import', '/api/v1/members/import?dry_run=true',
            { body, headers: { 'content-type': 'text/csv' }, token: tok[who] });
          // Refusing the row because the phone is taken says no more than registering the
          // person would (phones are unique); it must not say who has it, nor which member.
          const told = res.json?.rows?.some((r) => r.member_id !== null || r.action !== 'reject')
            || (res.json?.rows ?? []).some((r) => new RegExp(`\\b${known.id}\\b`).test(r.reason ?? ''))
            || JSON.stringify(res.json?.rows ?? []).includes(known.name);
          if (told) wrong.push(`${who}, ${what}: ${res.status} ${JSON.stringify(res.json?.rows)}`);
        }
      assert.deepEqual(wrong, [], `callers who do not manage branch 4 learn that member ${known.id} has phone ${known.phone}`);
    });

    // The export's columns are the import's (src/api/members.c), and importing the same
    // people again changes nothing (src/domain/import.h): an export imported back
    // changes nothing, whatever the phone numbers look like.
    it('reads its own export back: importing an export changes nothing', async () => {
      // Phones are stored as digits (with a leading + for a country code): the + comes back
      // through the exports' guard against formulas.
      const people = [['本地电话', '13912345678'], ['国际电话', '+8613912345671']];
      const made = [];
      for (const [name, phone] of people)
        made.push((await call('POST', '/api/v1/members', '/api/v1/members',
          { body: { name, branch_id: 4, phone, applied_on: '2024-01-02' }, token: tok.zhongke, expect: 201 })).json.id);
      try {
        const auth = { authorization: `Bearer ${tok.zhongke}` };
        const wrong = [];
        for (const [ext, type] of [['csv', 'text/csv'], ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet']]) {
          const file = Buffer.from(await (await fetch(`${server.url}/api/v1/members/export.${ext}?q=${encodeURIComponent('电话')}`,
            { headers: auth })).arrayBuffer());
          const back = await call('POST', '/api/v1/members/import', '/api/v1/members/import?dry_run=true',
            { body: file, headers: { 'content-type': type }, token: tok.zhongke });
          back.json.rows.forEach((r, i) => {
            if (r.action !== 'unchanged' || r.member_id !== made[i])
              wrong.push(`${ext}: ${people[i][1]} came back as ${r.action} ${r.member_id ?? ''} ${r.reason ?? ''}`.trim());
          });
        }
        assert.deepEqual(wrong, [], 'the export imported back creates or refuses people already on the register');
      } finally {
        for (const id of made) await call('DELETE', '/api/v1/members/{id}', `/api/v1/members/${id}`, { expect: 204 });
      }
    });

    it('answers the political birthdays of a month in an organisation\'s subtree (200; 400, 404)', async () => {
      const t = today();
      const T = '/api/v1/birthdays';
      const register = (await call('GET', '/api/v1/members', '/api/v1/members?limit=500', { expect: 200 })).json.items;
      const members = register.filter((m) => ['probationary', 'full_member'].includes(m.stage));
      const month = Number(members.find((m) => m.branch_id === 4).admitted_on.slice(5, 7));
      const expected = (branches) => members
        .filter((m) => branches.includes(m.branch_id) && Number(m.admitted_on.slice(5, 7)) === month)
        .map((m) => ({ member_id: m.id, name: m.name, branch_id: m.branch_id, admitted_on: m.admitted_on,
          years: yearsBetween(m.admitted_on, t) }));
      const x = await call('GET', T, `${T}?month=${month}&org_id=3`, { token: tok.xita, expect: 200 });
      assert.deepEqual(x.json, { items: expected([4]), next: null });
      assert.ok(x.json.items.length > 0);
      const all = await call('GET', T, `${T}?org_id=1&month=${month}`, { expect: 200 });
      assert.deepEqual(all.json.items, expected([4, 7, 8]), 'the partner (5) is not in the district\'s tree');
      const mem = await call('GET', T, `${T}?month=${month}&org_id=4`, { token: tok.member, expect: 200 });
      assert.deepEqual(mem.json.items, expected([4]), 'a member reads the birthdays of their branch');
      const f = await call('GET', T, `${T}?month=${month}&org_id=1`, { token: tok.fuli, expect: 404 });
      assert.match(f.json.detail, /organisation/);
      await call('GET', T, `${T}?month=${month}&org_id=3`, { token: tok.fuli, expect: 404 });
      await call('GET', T, `${T}?month=${month}&org_id=3`, { token: tok.xita_station, expect: 404 });
      await call('GET', T, `${T}?month=${month}&org_id=999999`, { expect: 404 });
      const bad = await call('GET', T, `${T}?month=13&limit=5`, { expect: 400 });
      assert.deepEqual(params(bad), ['limit', 'month', 'org_id']);
      assert.deepEqual(params(await call('GET', T, T, { token: tok.xita, expect: 400 })), ['month', 'org_id']);
      assert.deepEqual(params(await call('GET', T, `${T}?month=0&org_id=x`, { expect: 400 })), ['month', 'org_id']);
    });

    it('lists the register\'s audit records with the documented entity and actions', async () => {
      const res = await call('GET', '/api/v1/audit', '/api/v1/audit?entity=member&limit=500', { expect: 200 });
      const actions = new Set(res.json.items.map((a) => a.action));
      for (const a of ['create', 'update', 'delete', 'view', 'stage', 'thought_report'])
        assert.ok(actions.has(a), `an audit record of ${a}`);
      const one = res.json.items.find((a) => a.action === 'view');
      await call('GET', '/api/v1/audit/{id}', `/api/v1/audit/${one.id}`, { expect: 200 });
      const x = await call('GET', '/api/v1/audit', '/api/v1/audit?entity=member&action=stage&limit=500', { token: tok.xita, expect: 200 });
      assert.ok(x.json.items.every((a) => [4, 5].includes(a.org_id)));
    });
  });

  // ---- activities, series, sign-ups, check-ins and attendance ----

  describe('activities, series, sign-ups, check-ins and attendance', () => {
    const tok = {};
    const A = '/api/v1/activities';
    const R = '/api/v1/registrations';
    const K = '/api/v1/checkins';
    // Guangzhou time, in which the server answers.
    const OFFSET = 8 * 3600e3;
    const local = (ms) => `${new Date(ms + OFFSET).toISOString().slice(0, 19)}+08:00`;
    // A day 60 days ahead, and an hour of it (the station is open round the clock).
    const DAY = Math.floor((Date.now() + OFFSET) / 86400e3) + 60;
    const at = (hour) => DAY * 86400e3 - OFFSET + hour * 3600e3;
    const rooms = [];
    const room = async () => {
      const r = await call('POST', '/api/v1/rooms', '/api/v1/rooms',
        { body: { station_id: 1, name: `活动室${rooms.length + 1}`, kind: 'meeting_room', capacity: 10 }, expect: 201 });
      rooms.push(r.json);
      return r.json;
    };
    const rules = (res) => res.json.rule;
    const ids = (res) => res.json.items.map((x) => x.id);
    const made = {};

    before(async () => {
      for (const u of ['xita', 'fuli', 'xita_station', 'zhongke', 'member']) tok[u] = (await signIn(server.url, u)).token;
      // Station 1 open round the clock, asking approval of outsiders, with quotas no test meets.
      const station = (await server.request('GET', '/api/v1/stations/1')).json;
      const r = await server.request('PATCH', '/api/v1/stations/1', {
        version: station.version,
        opening_hours: [1, 2, 3, 4, 5, 6, 7].map((day) => ({ day, open: '00:00', close: '24:00' })),
        booking_rules: { approval: 'outsiders', max_open_bookings: 1000, vip_max_open_bookings: 1000,
          max_hours_per_month: 744, vip_max_hours_per_month: 744 },
      });
      assert.equal(r.status, 200, r.text);
    });

    it('lists and reads the demo\'s activities, series, absences and sign-ups as documented', async () => {
      const all = await call('GET', A, `${A}?limit=500`, { token: null, expect: 200 });
      assert.deepEqual(all.json.items.map((a) => a.id), [1, 2, 3, 4, 5, 6, 7], 'the demo has seven activities, all published');
      for (const a of all.json.items) {
        const one = await call('GET', `${A}/{id}`, `${A}/${a.id}`, { token: null, expect: 200 });
        assert.deepEqual(one.json, a);
        const figures = await call('GET', `${A}/{id}/attendance`, `${A}/${a.id}/attendance`, { token: null, expect: 200 });
        assert.equal(figures.json.registered, a.registered);
      }
      const study = await call('GET', A, `${A}?series_id=1&kind=study&status=published&station_id=1`, { expect: 200 });
      assert.deepEqual(study.json.items.map((a) => a.id), [1, 2, 3, 4], 'a brand\'s sessions include its sub-series\'');
      const hosted = await call('GET', A, `${A}?host_org_id=4&q=${encodeURIComponent('学习')}`, { expect: 200 });
      assert.ok(hosted.json.items.every((a) => a.host_org_id === 4 && a.title.includes('学习')));
      const first = all.json.items[0];
      const window = await call('GET', A, `${A}?from=${encodeURIComponent(first.start)}&to=${encodeURIComponent(first.end)}`, { expect: 200 });
      assert.ok(window.json.items.some((a) => a.id === first.id));
      assert.deepEqual(params(await call('GET', A, `${A}?kind=party&status=x&from=today&station_id=0`, { expect: 400 })),
        ['from', 'kind', 'station_id', 'status']);
      await call('GET', `${A}/{id}`, `${A}/999999`, { expect: 404 });
      await call('GET', `${A}/{id}/attendance`, `${A}/1/attendance?x=1`, { expect: 400 });

      const series = await call('GET', '/api/v1/series', '/api/v1/series?limit=500', { token: null, expect: 200 });
      assert.deepEqual(series.json.items.map((s) => [s.id, s.parent_id]), [[1, null], [2, 1], [3, 1], [4, 1]]);
      for (const s of series.json.items)
        assert.deepEqual((await call('GET', '/api/v1/series/{id}', `/api/v1/series/${s.id}`, { token: null, expect: 200 })).json, s);
      assert.deepEqual(ids(await call('GET', '/api/v1/series', '/api/v1/series?parent_id=1&org_id=3', { expect: 200 })), [2, 3, 4]);
      await call('GET', '/api/v1/series/{id}', '/api/v1/series/999999', { expect: 404 });
      const absences = await call('GET', '/api/v1/host-absences', '/api/v1/host-absences?series_id=2', { token: null, expect: 200 });
      for (const ab of absences.json.items)
        await call('GET', '/api/v1/host-absences/{id}', `/api/v1/host-absences/${ab.id}`, { token: null, expect: 200 });
      assert.deepEqual(params(await call('GET', '/api/v1/host-absences', '/api/v1/host-absences?q=x', { expect: 400 })), ['q']);

      const regs = await call('GET', R, `${R}?limit=500`, { expect: 200 });
      assert.ok(regs.json.items.length >= 5, 'the demo has sign-ups');
      for (const r of regs.json.items)
        assert.deepEqual((await call('GET', `${R}/{id}`, `${R}/${r.id}`, { expect: 200 })).json, r);
      const invited = await call('GET', R, `${R}?activity_id=7&status=registered`, { expect: 200 });
      assert.ok(invited.json.items.every((r) => r.source === 'invited' && r.membership_years >= 1), 'the birthday gathering\'s guests');
      const mine = await call('GET', R, R, { token: tok.member, expect: 200 });
      assert.ok(mine.json.items.every((r) => r.member_id === 1), 'a member lists their own sign-ups');
      await call('GET', `${R}/{id}`, `${R}/${invited.json.items[0].id}`, { token: tok.fuli, expect: 404 });
      await call('GET', R, R, { token: null, expect: 401 });
      assert.deepEqual(params(await call('GET', R, `${R}?status=gone&colour=red`, { expect: 400 })), ['colour', 'status']);
      await call('GET', K, K, { token: tok.member, expect: 200 });
      await call('GET', `${K}/{id}`, `${K}/999999`, { expect: 404 });

      for (const [template, path] of [['/api/v1/stations/{id}/activities.ics', '/api/v1/stations/1/activities.ics'],
        ['/api/v1/series/{id}/activities.ics', '/api/v1/series/1/activities.ics']]) {
        const feed = await call('GET', template, path, { token: null, expect: 200 });
        assert.match(feed.text, /UID:activity-1@louyu/);
        await call('GET', template, `${path}?x=1`, { token: null, expect: 400 });
        await call('GET', template, path.replace('/1/', '/999999/'), { token: null, expect: 404 });
      }
      const my = await call('GET', `${R}/calendar.ics`, `${R}/calendar.ics`, { token: tok.member, expect: 200 });
      assert.match(my.text, /UID:activity-5@louyu/, 'member 1 is signed up for the volunteer hour');
    });

    it('makes, changes, publishes and cancels an activity as documented (201, 200; 400, 401, 403, 404, 409, 422)', async () => {
      const r1 = await room();
      const body = { title: '支部主题党日', description: '重温入党誓词\n参观党建展', kind: 'theme_party_day', host_org_id: 4,
        room_id: r1.id, start: local(at(9)), end: local(at(10)), capacity: 8, audience: 'committee' };
      assertMatches(requestSchema('POST', A), body, 'the activity sent');
      const c = await call('POST', A, A, { body, token: tok.zhongke, expect: 201 });
      assert.equal(c.headers.get('location'), `${A}/${c.json.id}`);
      assert.deepEqual([c.json.status, c.json.station_id, c.json.co_organisers, c.json.walk_ins, c.json.registered],
        ['draft', 1, [], true, 0]);
      const booking = await call('GET', '/api/v1/bookings/{id}', `/api/v1/bookings/${c.json.booking_id}`, { expect: 200 });
      assert.deepEqual([booking.json.room_id, booking.json.org_id, booking.json.start], [r1.id, 4, c.json.start]);
      // A draft is for those who run it (and the host's people).
      await call('GET', `${A}/{id}`, `${A}/${c.json.id}`, { token: tok.member, expect: 200 });
      await call('GET', `${A}/{id}`, `${A}/${c.json.id}`, { token: tok.fuli, expect: 404 });
      await call('GET', `${A}/{id}`, `${A}/${c.json.id}`, { token: null, expect: 404 });
      assert.ok(!(await call('GET', A, `${A}?status=draft`, { token: null, expect: 200 })).json.items.length);
      // Refusals of the making.
      assert.equal(rules(await call('POST', A, A, { body, token: tok.zhongke, expect: 409 })), 'overlap');
      await call('POST', A, A, { body: { ...body, host_org_id: 7 }, token: tok.zhongke, expect: 403 });
      await call('POST', A, A, { body, token: tok.member, expect: 403 });
      await call('POST', A, A, { body, token: null, expect: 401 });
      const big = await call('POST', A, A, { body: { ...body, start: local(at(11)), end: local(at(12)), capacity: 11 }, expect: 422 });
      assert.equal(rules(big), 'capacity');
      const past = await call('POST', A, A, { body: { ...body, start: local(Date.now() - 7200e3 - (Date.now() % 60e3)),
        end: local(Date.now() - 3600e3 - (Date.now() % 60e3)) }, expect: 422 });
      assert.equal(rules(past), 'past');
      assert.deepEqual(pointers(await call('POST', A, A, { body: { ...body, start: local(at(11)), end: local(at(12)),
        host_org_id: 999999 }, expect: 422 })), ['/host_org_id']);
      assert.deepEqual(pointers(await call('POST', A, A, { body: { ...body, start: local(at(11)), end: local(at(12)),
        kind: 'appointment_service', slot_minutes: 25, slot_capacity: 2 }, expect: 422 })), ['/slot_minutes']);
      const invalid = { title: ' ', kind: 'party', host_org_id: 4, capacity: 0, status: 'held', publish: 'yes' };
      assertDoesNotMatch(requestSchema('POST', A), invalid, 'an invalid activity');
      assert.deepEqual(pointers(await call('POST', A, A, { body: invalid, expect: 400 })),
        ['/capacity', '/kind', '/publish', '/status', '/title']);
      assert.deepEqual(pointers(await call('POST', A, A, { body: { title: 'x', kind: 'study', host_org_id: 4, capacity: 1 }, expect: 400 })),
        ['/room_id']);
      await call('POST', A, A, { body: 'title=x', headers: { 'content-type': 'text/plain' }, expect: 415 });

      // Changing it.
      const change = { version: c.json.version, title: '支部主题党日（扩大）', capacity: 10, co_organisers: [5], walk_ins: false };
      assertMatches(requestSchema('PATCH', `${A}/{id}`), change, 'the change sent');
      const u = await call('PATCH', `${A}/{id}`, `${A}/${c.json.id}`, { body: change, token: tok.xita, expect: 200 });
      assert.deepEqual([u.json.version, u.json.capacity, u.json.co_organisers, u.json.walk_ins], [2, 10, [5], false]);
      await call('PATCH', `${A}/{id}`, `${A}/${c.json.id}`, { body: { version: 1, title: '旧' }, token: tok.xita, expect: 409 });
      assert.equal(rules(await call('PATCH', `${A}/{id}`, `${A}/${c.json.id}`, { body: { version: 2, capacity: 11 }, expect: 422 })), 'capacity');
      assert.deepEqual(pointers(await call('PATCH', `${A}/{id}`, `${A}/${c.json.id}`,
        { body: { version: 2, kind: 'study', start: local(at(8)) }, expect: 400 })), ['/kind', '/start']);
      assert.deepEqual(pointers(await call('PATCH', `${A}/{id}`, `${A}/${c.json.id}`,
        { body: { version: 2, co_organisers: [999999] }, expect: 422 })), ['/co_organisers']);
      await call('PATCH', `${A}/{id}`, `${A}/${c.json.id}`, { body: { version: 2, title: '改' }, token: tok.member, expect: 403 });
      await call('PATCH', `${A}/{id}`, `${A}/${c.json.id}`, { body: { version: 2, title: '改' }, token: tok.fuli, expect: 404 });
      await call('PATCH', `${A}/{id}`, `${A}/999999`, { body: { version: 1 }, expect: 404 });

      // Publishing: a draft whose booking is confirmed.
      await call('POST', `${A}/{id}/publish`, `${A}/${c.json.id}/publish`, { body: { version: 2 }, token: tok.member, expect: 403 });
      await call('POST', `${A}/{id}/publish`, `${A}/${c.json.id}/publish`, { body: { version: 1 }, expect: 409 });
      assert.deepEqual(pointers(await call('POST', `${A}/{id}/publish`, `${A}/${c.json.id}/publish`, { body: {}, expect: 400 })), ['/version']);
      const p = await call('POST', `${A}/{id}/publish`, `${A}/${c.json.id}/publish`, { body: { version: 2 }, token: tok.zhongke, expect: 200 });
      assert.deepEqual([p.json.status, p.json.version], ['published', 3]);
      assert.equal(rules(await call('POST', `${A}/{id}/publish`, `${A}/${c.json.id}/publish`, { body: { version: 3 }, expect: 409 })), 'status');
      await call('GET', `${A}/{id}`, `${A}/${c.json.id}`, { token: null, expect: 200 });
      await call('PATCH', `${A}/{id}`, `${A}/${c.json.id}`, { body: { version: 3, title: '改' }, token: tok.fuli, expect: 403 });
      // An outsider's booking waits for the station's approval: its activity cannot be published yet.
      const outsider = await call('POST', A, A, { body: { ...body, host_org_id: 7, room_id: (await room()).id, publish: true },
        token: tok.fuli, expect: 201 });
      assert.equal(outsider.json.status, 'draft');
      assert.equal(rules(await call('POST', `${A}/{id}/publish`, `${A}/${outsider.json.id}/publish`,
        { body: { version: 1 }, token: tok.fuli, expect: 409 })), 'booking_not_confirmed');
      // Its booking goes with it, never alone.
      assert.equal(rules(await call('POST', '/api/v1/bookings/{id}/cancel', `/api/v1/bookings/${outsider.json.booking_id}/cancel`,
        { body: { version: 1 }, expect: 409 })), 'activity');
      // An activity in a booking made before.
      const b = await call('POST', '/api/v1/bookings', '/api/v1/bookings',
        { body: { room_id: r1.id, org_id: 4, start: local(at(14)), end: local(at(15)), title: '预约在先', attendance: 5 }, expect: 201 });
      const inBooking = { title: '预约在先', kind: 'study', host_org_id: 4, booking_id: b.json.id, capacity: 5, publish: true };
      assertMatches(requestSchema('POST', A), inBooking, 'an activity in a booking made before');
      const ib = await call('POST', A, A, { body: inBooking, token: tok.zhongke, expect: 201 });
      assert.deepEqual([ib.json.start, ib.json.room_id, ib.json.status], [b.json.start, r1.id, 'published']);
      await call('POST', A, A, { body: inBooking, token: tok.zhongke, expect: 409 });
      assert.deepEqual(pointers(await call('POST', A, A, { body: { ...inBooking, host_org_id: 3 }, expect: 422 })), ['/booking_id']);

      // Cancelling it.
      const cancel = { version: 1, reason: '主讲人临时出差' };
      assertMatches(requestSchema('POST', `${A}/{id}/cancel`), cancel, 'the cancellation sent');
      await call('POST', `${A}/{id}/cancel`, `${A}/${outsider.json.id}/cancel`, { body: cancel, token: tok.zhongke, expect: 404 });
      const x = await call('POST', `${A}/{id}/cancel`, `${A}/${outsider.json.id}/cancel`, { body: cancel, token: tok.xita, expect: 200 });
      assert.deepEqual([x.json.status, x.json.reason], ['cancelled', '主讲人临时出差']);
      const freed = await call('GET', '/api/v1/bookings/{id}', `/api/v1/bookings/${outsider.json.booking_id}`, { expect: 200 });
      assert.equal(freed.json.status, 'cancelled', 'the room is free again');
      assert.equal(rules(await call('POST', `${A}/{id}/cancel`, `${A}/${outsider.json.id}/cancel`, { body: { version: 2 }, expect: 409 })), 'status');
      await call('PATCH', `${A}/{id}`, `${A}/${outsider.json.id}`, { body: { version: 2, title: '改' }, expect: 409 });
      made.activity = p.json;
    });

    it('signs people up with a waiting list, and cancels sign-ups as documented (201, 200; 401, 403, 404, 409, 422)', async () => {
      const r = await room();
      const a = (await call('POST', A, A, { body: { title: '党课：新时代的使命', kind: 'party_lesson', host_org_id: 4, room_id: r.id,
        start: local(at(19)), end: local(at(20)), capacity: 2, publish: true }, expect: 201 })).json;
      const self = { activity_id: a.id };
      assertMatches(requestSchema('POST', R), self, 'a sign-up of oneself');
      const m = await call('POST', R, R, { body: self, token: tok.member, expect: 201 });
      assert.equal(m.headers.get('location'), `${R}/${m.json.id}`);
      assert.deepEqual([m.json.member_id, m.json.user_id, m.json.source, m.json.status, m.json.position], [1, 6, 'self', 'registered', null]);
      assert.equal(rules(await call('POST', R, R, { body: self, token: tok.member, expect: 409 })), 'already_registered');
      assert.equal(rules(await call('POST', R, R, { body: self, token: tok.fuli, expect: 422 })), 'audience',
        'an account that is no member is a guest, whom only an activity for anyone takes');
      await call('POST', R, R, { body: { activity_id: a.id, member_id: 2 }, token: tok.member, expect: 403 });
      await call('POST', R, R, { body: self, token: null, expect: 401 });
      const staff = { activity_id: a.id, member_id: 2 };
      assertMatches(requestSchema('POST', R), staff, 'a sign-up by the organisers');
      assert.equal((await call('POST', R, R, { body: staff, token: tok.zhongke, expect: 201 })).json.status, 'registered');
      const w1 = await call('POST', R, R, { body: { activity_id: a.id, member_id: 3 }, token: tok.xita_station, expect: 201 });
      const w2 = await call('POST', R, R, { body: { activity_id: a.id, member_id: 4 }, token: tok.xita, expect: 201 });
      assert.deepEqual([w1.json.status, w1.json.position, w2.json.status, w2.json.position], ['waiting', 1, 'waiting', 2]);
      const guest = { activity_id: a.id, name: '林女士', phone: '13800001234' };
      assertMatches(requestSchema('POST', R), guest, 'a guest');
      assert.equal(rules(await call('POST', R, R, { body: guest, token: tok.zhongke, expect: 422 })), 'audience', 'a guest is for the audience anyone');
      assert.deepEqual(pointers(await call('POST', R, R, { body: { activity_id: a.id, phone: '13800001234' }, token: tok.zhongke, expect: 400 })), ['/phone']);
      assert.equal(rules(await call('POST', R, R, { body: { ...self, slot_start: a.start }, token: tok.member, expect: 422 })), 'slot');
      assert.deepEqual(pointers(await call('POST', R, R, { body: { activity_id: 999999 }, token: tok.member, expect: 422 })), ['/activity_id']);
      // One person, one place at a time.
      const same = (await call('POST', A, A, { body: { title: '同一时间', kind: 'study', host_org_id: 4, room_id: (await room()).id,
        start: a.start, end: a.end, capacity: 5, publish: true }, expect: 201 })).json;
      assert.equal(rules(await call('POST', R, R, { body: { activity_id: same.id }, token: tok.member, expect: 409 })), 'overlap');
      // A draft is no activity to those who may not read it, and not open to those who may.
      const draft = (await call('POST', A, A, { body: { title: '草稿', kind: 'study', host_org_id: 7, room_id: (await room()).id,
        start: local(at(21)), end: local(at(22)), capacity: 5 }, token: tok.fuli, expect: 201 })).json;
      await call('POST', R, R, { body: { activity_id: draft.id }, token: tok.member, expect: 422 });
      assert.equal(rules(await call('POST', R, R, { body: { activity_id: draft.id, member_id: 2 }, token: tok.fuli, expect: 409 })), 'status');

      // Cancelling: the first who waits moves up.
      const cancel = { version: m.json.version, reason: '临时出差' };
      assertMatches(requestSchema('POST', `${R}/{id}/cancel`), cancel, 'the cancellation sent');
      await call('POST', `${R}/{id}/cancel`, `${R}/${w1.json.id}/cancel`, { body: { version: 1 }, token: tok.member, expect: 404 });
      await call('POST', `${R}/{id}/cancel`, `${R}/${m.json.id}/cancel`, { body: { version: 9 }, token: tok.member, expect: 409 });
      const c = await call('POST', `${R}/{id}/cancel`, `${R}/${m.json.id}/cancel`, { body: cancel, token: tok.member, expect: 200 });
      assert.deepEqual([c.json.status, c.json.reason, c.json.version], ['cancelled', '临时出差', 2]);
      const moved = await call('GET', `${R}/{id}`, `${R}/${w1.json.id}`, { token: tok.zhongke, expect: 200 });
      assert.deepEqual([moved.json.status, moved.json.position], ['registered', null]);
      assert.equal((await call('GET', `${R}/{id}`, `${R}/${w2.json.id}`, { expect: 200 })).json.position, 1);
      assert.equal(rules(await call('POST', `${R}/{id}/cancel`, `${R}/${m.json.id}/cancel`, { body: { version: 2 }, token: tok.member, expect: 409 })), 'status');
      // More places: those waiting move up; fewer than are taken: 409.
      assert.equal(rules(await call('PATCH', `${A}/{id}`, `${A}/${a.id}`, { body: { version: a.version, capacity: 1 }, expect: 409 })), 'capacity');
      const more = await call('PATCH', `${A}/{id}`, `${A}/${a.id}`, { body: { version: a.version, capacity: 3 }, token: tok.zhongke, expect: 200 });
      assert.deepEqual([more.json.registered, more.json.waiting], [3, 0]);
      const list = await call('GET', R, `${R}?activity_id=${a.id}&status=registered&limit=500`, { token: tok.zhongke, expect: 200 });
      assert.deepEqual(list.json.items.map((x) => x.member_id).sort(), [2, 3, 4]);
      const figures = await call('GET', `${A}/{id}/attendance`, `${A}/${a.id}/attendance`, { token: null, expect: 200 });
      assert.deepEqual([figures.json.registered, figures.json.waiting, figures.json.cancelled, figures.json.checked_in], [3, 0, 1, 0]);
      // An appointment service: a slot each.
      const cut = (await call('POST', A, A, { body: { title: '义剪服务（预约）', kind: 'appointment_service', host_org_id: 3,
        room_id: (await room()).id, start: local(at(13)), end: local(at(14)), capacity: 2, audience: 'anyone',
        slot_minutes: 30, slot_capacity: 1, publish: true }, expect: 201 })).json;
      assert.equal(rules(await call('POST', R, R, { body: { activity_id: cut.id }, token: tok.fuli, expect: 422 })), 'slot');
      assert.equal(rules(await call('POST', R, R, { body: { activity_id: cut.id, slot_start: local(at(13) + 600e3) }, token: tok.fuli, expect: 422 })), 'slot');
      const s1 = await call('POST', R, R, { body: { activity_id: cut.id, slot_start: local(at(13)) }, token: tok.fuli, expect: 201 });
      assert.deepEqual([s1.json.member_id, s1.json.user_id, s1.json.slot_start, s1.json.end], [null, 3, local(at(13)), local(at(13) + 1800e3)]);
      const s2 = await call('POST', R, R, { body: { activity_id: cut.id, slot_start: local(at(13)) }, token: tok.xita, expect: 201 });
      assert.deepEqual([s2.json.status, s2.json.position], ['waiting', 1], 'the slot is full');
      const g = await call('POST', R, R, { body: { activity_id: cut.id, slot_start: local(at(13) + 1800e3), name: '林女士', phone: '13800001234' },
        token: tok.xita, expect: 201 });
      assert.deepEqual([g.json.name, g.json.phone, g.json.source, g.json.member_id], ['林女士', '13800001234', 'staff', null]);
    });

    it('checks people in by the rotating code or at the desk, once each, and undoes (201, 200; 400, 403, 404, 409, 422)', async () => {
      const r = await room();
      const soon = (Math.floor(Date.now() / 60e3) + 2) * 60e3;
      const a = (await call('POST', A, A, { body: { title: '公益1小时：社区长者探访', kind: 'volunteer_service', host_org_id: 4, room_id: r.id,
        start: local(soon), end: local(soon + 3600e3), capacity: 5, audience: 'committee', publish: true }, token: tok.zhongke, expect: 201 })).json;
      await call('POST', R, R, { body: { activity_id: a.id }, token: tok.member, expect: 201 });
      const reg2 = (await call('POST', R, R, { body: { activity_id: a.id, member_id: 2 }, token: tok.zhongke, expect: 201 })).json;

      // The venue screen: for the organisers only, never cached.
      const C = `${A}/{id}/checkin-code`;
      const code = await call('GET', C, `${A}/${a.id}/checkin-code`, { token: tok.xita_station, expect: 200 });
      assert.equal(code.headers.get('cache-control'), 'no-store');
      assert.ok(code.json.url.endsWith(`/checkin?activity=${a.id}&code=${code.json.code}`));
      await call('GET', C, `${A}/${a.id}/checkin-code`, { token: tok.member, expect: 403 });
      await call('GET', C, `${A}/${a.id}/checkin-code`, { token: tok.fuli, expect: 403 });
      await call('GET', C, `${A}/${a.id}/checkin-code`, { token: null, expect: 401 });
      await call('GET', C, `${A}/999999/checkin-code`, { expect: 404 });
      await call('GET', C, `${A}/${a.id}/checkin-code?size=2`, { expect: 400 });
      const svg = await call('GET', `${A}/{id}/checkin-qr.svg`, `${A}/${a.id}/checkin-qr.svg`, { token: tok.zhongke, expect: 200 });
      assert.equal(svg.headers.get('cache-control'), 'no-store');
      const png = await fetch(`${server.url}${A}/${a.id}/checkin-qr.png`, { headers: { authorization: `Bearer ${tok.xita}` } });
      assert.deepEqual([png.status, png.headers.get('content-type')], [200, 'image/png']);
      assert.deepEqual([...new Uint8Array(await png.arrayBuffer()).slice(1, 4)], [0x50, 0x4e, 0x47]);
      await call('GET', `${A}/{id}/checkin-qr.png`, `${A}/${a.id}/checkin-qr.png`, { token: tok.member, expect: 403 });

      // Scanning: the caller, once.
      const scan = { activity_id: a.id, code: code.json.code.toLowerCase() };
      assertMatches(requestSchema('POST', K), scan, 'a scan');
      const k = await call('POST', K, K, { body: scan, token: tok.member, expect: 201 });
      assert.equal(k.headers.get('location'), `${K}/${k.json.id}`);
      assert.deepEqual([k.json.member_id, k.json.user_id, k.json.method, k.json.by_user, k.json.registration_id !== null],
        [1, 6, 'scan', null, true]);
      const again = await call('POST', K, K, { body: scan, token: tok.member, expect: 200 });
      assert.deepEqual(again.json, k.json, 'checked in once: the same check-in');
      assert.equal(again.headers.get('location'), null);
      assert.equal(rules(await call('POST', K, K, { body: { activity_id: a.id, code: '0000000000' }, token: tok.member, expect: 403 })), 'code');
      assert.equal(rules(await call('POST', K, K, { body: scan, token: tok.fuli, expect: 422 })), 'audience');
      await call('POST', K, K, { body: scan, token: null, expect: 401 });
      // At the desk: the organisers.
      const desk = { activity_id: a.id, registration_id: reg2.id };
      assertMatches(requestSchema('POST', K), desk, 'a desk check-in');
      await call('POST', K, K, { body: desk, token: tok.member, expect: 403 });
      const d = await call('POST', K, K, { body: desk, token: tok.zhongke, expect: 201 });
      assert.deepEqual([d.json.member_id, d.json.method, d.json.by_user], [2, 'desk', 5]);
      assert.equal((await call('POST', K, K, { body: { activity_id: a.id, member_id: 2 }, token: tok.xita, expect: 200 })).json.id, d.json.id);
      const walk = await call('POST', K, K, { body: { activity_id: a.id, member_id: 3 }, token: tok.xita_station, expect: 201 });
      assert.deepEqual([walk.json.method, walk.json.registration_id], ['walk_in', null]);
      const guest = { activity_id: a.id, guest_name: '林女士', phone: '13800001234' };
      assertMatches(requestSchema('POST', K), guest, 'a guest at the door');
      assert.equal((await call('POST', K, K, { body: guest, token: tok.zhongke, expect: 201 })).json.name, '林女士');
      assert.deepEqual(pointers(await call('POST', K, K, { body: { activity_id: a.id, phone: '13800009999' }, token: tok.zhongke, expect: 422 })), ['/phone']);
      await call('POST', K, K, { body: { activity_id: a.id, member_id: 2, code: code.json.code }, token: tok.zhongke, expect: 400 });
      assert.deepEqual(pointers(await call('POST', K, K, { body: { activity_id: 999999, member_id: 2 }, token: tok.zhongke, expect: 422 })), ['/activity_id']);
      assert.ok(made.activity, 'needs the activity published above');
      assert.equal(rules(await call('POST', K, K, { body: { activity_id: made.activity.id, member_id: 2 }, token: tok.zhongke, expect: 409 })),
        'check_in_window', 'check-in opens 30 minutes before the start');

      // Counted once each: two members scanned or at the desk, a walk-in, a guest.
      const fig = await call('GET', `${A}/{id}/attendance`, `${A}/${a.id}/attendance`, { token: null, expect: 200 });
      assert.deepEqual(fig.json, { activity_id: a.id, registered: 2, waiting: 0, cancelled: 0, checked_in: 4, members: 3, guests: 1,
        walk_ins: 2, scanned: 1, at_desk: 1, no_shows: 0, volunteer_minutes: 240 });
      assert.equal((await call('GET', `${A}/{id}`, `${A}/${a.id}`, { expect: 200 })).json.checked_in, 4);
      const theirs = await call('GET', K, `${K}?activity_id=${a.id}&limit=500`, { token: tok.zhongke, expect: 200 });
      assert.equal(theirs.json.items.length, 4);
      assert.deepEqual(ids(await call('GET', K, K, { token: tok.member, expect: 200 })), [k.json.id], 'a member lists their own');
      await call('GET', `${K}/{id}`, `${K}/${k.json.id}`, { token: tok.member, expect: 200 });
      await call('GET', `${K}/{id}`, `${K}/${d.json.id}`, { token: tok.member, expect: 404 });
      const booking = await call('GET', '/api/v1/bookings/{id}', `/api/v1/bookings/${a.booking_id}`, { expect: 200 });
      assert.notEqual(booking.json.checked_in_at, null, 'the first check-in checked the room\'s booking in');

      // Undoing a mistake.
      const U = `${K}/{id}/undo`;
      await call('POST', U, `${K}/${k.json.id}/undo`, { token: tok.member, expect: 403 });
      await call('POST', U, `${K}/${d.json.id}/undo`, { token: tok.member, expect: 404 });
      await call('POST', U, `${K}/${k.json.id}/undo`, { token: tok.fuli, expect: 404 });
      const undone = await call('POST', U, `${K}/${walk.json.id}/undo`, { token: tok.zhongke, expect: 200 });
      assert.deepEqual([undone.json.undone_by, undone.json.version], [5, 2]);
      assert.notEqual(undone.json.undone_at, null);
      assert.equal(rules(await call('POST', U, `${K}/${walk.json.id}/undo`, { token: tok.zhongke, expect: 409 })), 'status');
      await call('POST', U, `${K}/999999/undo`, { expect: 404 });
      assert.equal((await call('GET', `${A}/{id}/attendance`, `${A}/${a.id}/attendance`, { expect: 200 })).json.checked_in, 3);

      // Attendance: the member's record, the organisation's and the series'.
      const year = Number(local(soon).slice(0, 4));
      const M = '/api/v1/members/{id}/attendance';
      const own = await call('GET', M, `/api/v1/members/1/attendance?year=${year}`, { token: tok.member, expect: 200 });
      assert.ok(own.json.items.some((x) => x.activity_id === a.id && x.method === 'scan'));
      assert.equal(own.json.volunteer_minutes, own.json.items.filter((x) => x.kind === 'volunteer_service').length * 60);
      await call('GET', M, '/api/v1/members/1/attendance?year=all', { token: tok.zhongke, expect: 200 });
      await call('GET', M, '/api/v1/members/1/attendance', { token: tok.fuli, expect: 404 });
      await call('GET', M, '/api/v1/members/1/attendance', { token: null, expect: 401 });
      assert.deepEqual(params(await call('GET', M, '/api/v1/members/1/attendance?year=1999&x=1', { expect: 400 })), ['x', 'year']);
      const O = '/api/v1/orgs/{id}/attendance';
      const org = await call('GET', O, `/api/v1/orgs/4/attendance?year=${year}`, { token: tok.member, expect: 200 });
      assert.ok(org.json.people >= 3 && org.json.person_times >= org.json.people && org.json.guests >= 1);
      assert.ok(org.json.by_kind.some((x) => x.kind === 'volunteer_service'));
      assert.equal(org.json.volunteer_hours, org.json.volunteer_minutes / 60);
      const above = await call('GET', O, '/api/v1/orgs/3/attendance?year=all', { token: tok.xita, expect: 200 });
      assert.ok(above.json.people >= org.json.people, 'the committee counts what its branches hosted');
      await call('GET', O, '/api/v1/orgs/4/attendance', { token: tok.xita_station, expect: 404 });
      await call('GET', O, '/api/v1/orgs/4/attendance?year=twenty', { expect: 400 });
      const S = '/api/v1/series/{id}/attendance';
      const series = await call('GET', S, '/api/v1/series/1/attendance?year=all', { token: null, expect: 200 });
      assert.equal(series.json.series_id, 1);
      await call('GET', S, '/api/v1/series/999999/attendance', { token: null, expect: 404 });
    });

    it('schedules a series\' sessions in rotation, with absences (200, 201, 204; 400, 403, 404, 409, 422)', async () => {
      const body = { org_id: 3, parent_id: 1, name: '分享1小时·试点', description: '午间分享', hosts: [4, 5] };
      assertMatches(requestSchema('POST', '/api/v1/series'), body, 'the series sent');
      await call('POST', '/api/v1/series', '/api/v1/series', { body, token: tok.fuli, expect: 403 });
      await call('POST', '/api/v1/series', '/api/v1/series', { body, token: tok.zhongke, expect: 403 });
      const s = await call('POST', '/api/v1/series', '/api/v1/series', { body, token: tok.xita, expect: 201 });
      assert.equal(s.headers.get('location'), `/api/v1/series/${s.json.id}`);
      assert.deepEqual(pointers(await call('POST', '/api/v1/series', '/api/v1/series', { body: { ...body, parent_id: s.json.id }, expect: 422 })), ['/parent_id']);
      assert.deepEqual(pointers(await call('POST', '/api/v1/series', '/api/v1/series', { body: { ...body, hosts: [4, 4] }, expect: 400 })), ['/hosts']);
      assert.deepEqual(pointers(await call('POST', '/api/v1/series', '/api/v1/series', { body: { ...body, hosts: [999999] }, expect: 422 })), ['/hosts']);
      const u = await call('PATCH', '/api/v1/series/{id}', `/api/v1/series/${s.json.id}`,
        { body: { version: 1, hosts: [5, 4] }, token: tok.xita, expect: 200 });
      assert.deepEqual(u.json.hosts, [5, 4]);
      await call('PATCH', '/api/v1/series/{id}', `/api/v1/series/${s.json.id}`, { body: { version: 1, name: '旧' }, expect: 409 });
      await call('PATCH', '/api/v1/series/{id}', `/api/v1/series/${s.json.id}`, { body: { version: 2, name: '改' }, token: tok.fuli, expect: 403 });

      // Branch 4 cannot host on the first Monday: it keeps its place.
      const r = await room();
      const first = at(12.5);
      const day = (ms) => local(ms).slice(0, 10);
      const absence = { series_id: s.json.id, org_id: 4, day: day(first + 86400e3), reason: '年度审计' };
      assertMatches(requestSchema('POST', '/api/v1/host-absences'), absence, 'the absence sent');
      await call('POST', '/api/v1/host-absences', '/api/v1/host-absences', { body: absence, token: tok.xita_station, expect: 403 });
      const ab = await call('POST', '/api/v1/host-absences', '/api/v1/host-absences', { body: absence, token: tok.zhongke, expect: 201 });
      assert.equal(ab.headers.get('location'), `/api/v1/host-absences/${ab.json.id}`);
      await call('POST', '/api/v1/host-absences', '/api/v1/host-absences', { body: absence, token: tok.zhongke, expect: 409 });
      assert.deepEqual(pointers(await call('POST', '/api/v1/host-absences', '/api/v1/host-absences',
        { body: { ...absence, org_id: 6 }, expect: 422 })), ['/org_id']);
      const tmp = await call('POST', '/api/v1/host-absences', '/api/v1/host-absences', { body: { ...absence, day: '2030-02-01' }, expect: 201 });
      await call('PATCH', '/api/v1/host-absences/{id}', `/api/v1/host-absences/${tmp.json.id}`,
        { body: { version: 1, reason: '改期' }, token: tok.zhongke, expect: 200 });
      await call('PATCH', '/api/v1/host-absences/{id}', `/api/v1/host-absences/${tmp.json.id}`, { body: { version: 1, reason: '旧' }, expect: 409 });
      await call('DELETE', '/api/v1/host-absences/{id}', `/api/v1/host-absences/${tmp.json.id}`, { token: tok.member, expect: 403 });
      await call('DELETE', '/api/v1/host-absences/{id}', `/api/v1/host-absences/${tmp.json.id}`, { token: tok.zhongke, expect: 204 });
      await call('GET', '/api/v1/host-absences/{id}', `/api/v1/host-absences/${tmp.json.id}`, { expect: 404 });

      const P = '/api/v1/series/{id}/schedule';
      const plan = { room_id: r.id, start: local(first), end: local(first + 3600e3), rrule: 'FREQ=DAILY;COUNT=3', kind: 'sharing',
        capacity: 10, audience: 'partners', publish: true };
      assertMatches(requestSchema('POST', P), plan, 'the schedule sent');
      const dry = await call('POST', P, `/api/v1/series/${s.json.id}/schedule`, { body: { ...plan, dry_run: true }, token: tok.xita, expect: 200 });
      assert.deepEqual(dry.json.items.map((i) => [i.host_org_id, i.skipped, i.activity]), [[5, null, null], [5, null, null], [4, null, null]],
        'branch 4, absent on the second day, hosts on the third');
      await call('POST', P, `/api/v1/series/${s.json.id}/schedule`, { body: plan, token: tok.zhongke, expect: 403 });
      await call('POST', P, `/api/v1/series/${s.json.id}/schedule`, { body: plan, token: null, expect: 401 });
      await call('POST', P, '/api/v1/series/999999/schedule', { body: plan, expect: 404 });
      assert.deepEqual(pointers(await call('POST', P, `/api/v1/series/${s.json.id}/schedule`,
        { body: { ...plan, rrule: 'FREQ=DAILY', host_org_id: 4 }, expect: 400 })), ['/host_org_id', '/rrule']);
      const done = await call('POST', P, `/api/v1/series/${s.json.id}/schedule`, { body: plan, token: tok.xita, expect: 201 });
      assert.deepEqual(done.json.items.map((i) => [i.host_org_id, i.activity?.series_id, i.activity?.title, i.activity?.status]), [
        [5, s.json.id, '分享1小时·试点', 'published'], [5, s.json.id, '分享1小时·试点', 'published'], [4, s.json.id, '分享1小时·试点', 'published']]);
      const more = await call('POST', P, `/api/v1/series/${s.json.id}/schedule`,
        { body: { ...plan, rrule: 'FREQ=DAILY;COUNT=4' }, token: tok.xita, expect: 201 });
      assert.deepEqual(more.json.items.map((i) => i.skipped), ['exists', 'exists', 'exists', null], 'the same dates are not scheduled twice');
      // All or none: a session whose room is taken refuses the schedule.
      const before = first + 7 * 86400e3;
      await call('POST', '/api/v1/bookings', '/api/v1/bookings', { body: { room_id: r.id, org_id: 3, start: local(before + 86400e3),
        end: local(before + 86400e3 + 3600e3), title: '已占用', attendance: 2 }, expect: 201 });
      const taken = await call('POST', P, `/api/v1/series/${s.json.id}/schedule`,
        { body: { ...plan, start: local(before), end: local(before + 3600e3), rrule: 'FREQ=DAILY;COUNT=2' }, expect: 409 });
      assert.equal(taken.json.rule, 'overlap');
      assert.match(taken.json.detail, /hosted by organisation/);
      const empty = await call('POST', '/api/v1/series', '/api/v1/series', { body: { org_id: 3, name: '无主办' }, expect: 201 });
      assert.equal(rules(await call('POST', P, `/api/v1/series/${empty.json.id}/schedule`, { body: plan, expect: 422 })), 'no_hosts');
      await call('DELETE', '/api/v1/series/{id}', `/api/v1/series/${s.json.id}`, { token: tok.xita, expect: 409 });
      await call('DELETE', '/api/v1/series/{id}', `/api/v1/series/${empty.json.id}`, { token: tok.fuli, expect: 403 });
      await call('DELETE', '/api/v1/series/{id}', `/api/v1/series/${empty.json.id}`, { token: tok.xita, expect: 204 });
      const feed = await call('GET', '/api/v1/series/{id}/activities.ics', `/api/v1/series/${s.json.id}/activities.ics`, { token: null, expect: 200 });
      assert.equal(feed.text.match(/BEGIN:VEVENT/g).length, 4);
    });

    it('schedules the month\'s political birthday gathering and invites (201, 200; 400, 401, 404, 422)', async () => {
      const B = '/api/v1/orgs/{id}/birthday-gatherings';
      const r = await room();
      // 100 days ahead: a month after the demo's gathering of next month.
      const start = at(19) + 40 * 86400e3;
      const month = local(start).slice(0, 7);
      const body = { month, room_id: r.id, start: local(start), minutes: 120 };
      assertMatches(requestSchema('POST', B), body, 'the gathering asked for');
      // out of their reach, the committee is not there (403 is for those who read it but do
      // not keep its register)
      await call('POST', B, '/api/v1/orgs/3/birthday-gatherings', { body, token: tok.member, expect: 404 });
      await call('POST', B, '/api/v1/orgs/3/birthday-gatherings', { body, token: null, expect: 401 });
      const g = await call('POST', B, '/api/v1/orgs/3/birthday-gatherings', { body, token: tok.xita, expect: 201 });
      const [y, m] = month.split('-').map(Number);
      assert.deepEqual([g.json.created, g.json.activity.title, g.json.activity.kind, g.json.activity.birthday_month,
        g.json.activity.status, g.json.activity.capacity, g.json.activity.end],
      [true, `${y}年${m}月政治生日会`, 'political_birthday', month, 'published', 10, local(start + 7200e3)]);
      const guests = await call('GET', R, `${R}?activity_id=${g.json.activity.id}&limit=500`, { token: tok.xita, expect: 200 });
      assert.equal(guests.json.items.length, g.json.invited);
      assert.ok(guests.json.items.every((x) => x.source === 'invited' && x.membership_years >= 1));
      const again = await call('POST', B, '/api/v1/orgs/3/birthday-gatherings', { body: { month }, token: tok.xita, expect: 200 });
      assert.deepEqual([again.json.created, again.json.invited, again.json.already_invited, again.json.activity.id],
        [false, 0, g.json.invited, g.json.activity.id]);
      await call('POST', B, '/api/v1/orgs/3/birthday-gatherings', { body: { month }, token: tok.zhongke, expect: 404 });
      await call('POST', B, '/api/v1/orgs/999999/birthday-gatherings', { body: { month }, expect: 404 });
      const bad = { month: '2027-3', colour: 'red', minutes: 0 };
      assertDoesNotMatch(requestSchema('POST', B), bad, 'an invalid gathering');
      assert.deepEqual(pointers(await call('POST', B, '/api/v1/orgs/3/birthday-gatherings', { body: bad, expect: 400 })), ['/colour', '/minutes']);
      assert.deepEqual(pointers(await call('POST', B, '/api/v1/orgs/3/birthday-gatherings', { body: { month: '2027-13' }, expect: 400 })), ['/month']);
      assert.equal(rules(await call('POST', B, '/api/v1/orgs/4/birthday-gatherings', { body: { month: '2030-05' }, expect: 422 })), 'no_room');
      assert.equal(rules(await call('POST', B, '/api/v1/orgs/3/birthday-gatherings', { body: { month: '2020-05' }, expect: 422 })), 'past');
      assert.deepEqual(pointers(await call('POST', B, '/api/v1/orgs/3/birthday-gatherings',
        { body: { month: '2030-05', start: '2030-06-01T19:00:00+08:00' }, expect: 422 })), ['/start']);
    });

    it('links an account to a person on the register (member_id), one account each (201, 200; 409, 422)', async () => {
      const body = { username: `zheng_${process.pid}`, display_name: '罗诗涵', member_id: 2, password: 'correct horse battery' };
      assertMatches(requestSchema('POST', '/api/v1/users'), body, 'a user who is a member');
      const u = await call('POST', '/api/v1/users', '/api/v1/users', { body, expect: 201 });
      assert.equal(u.json.member_id, 2);
      await call('POST', '/api/v1/users', '/api/v1/users', { body: { ...body, username: `zheng2_${process.pid}` }, expect: 409 });
      assert.deepEqual(pointers(await call('POST', '/api/v1/users', '/api/v1/users',
        { body: { ...body, username: `zheng3_${process.pid}`, member_id: 999999 }, expect: 422 })), ['/member_id']);
      const s = await signIn(server.url, body.username, body.password);
      assert.equal(s.user.member_id, 2, 'the session tells who the user is on the register');
      const off = await call('PATCH', '/api/v1/users/{id}', `/api/v1/users/${u.json.id}`, { body: { version: 1, member_id: null }, expect: 200 });
      assert.equal(off.json.member_id, null);
      await call('PATCH', '/api/v1/users/{id}', `/api/v1/users/${u.json.id}`, { body: { version: 2, member_id: 1 }, expect: 409 });
    });

    it('records activities, sign-ups and check-ins in the audit log with the documented entities and actions', async () => {
      const res = await call('GET', '/api/v1/audit', '/api/v1/audit?limit=500', { expect: 200 });
      let page = res.json;
      const seen = new Set(page.items.map((a) => `${a.entity}/${a.action}`));
      while (page.next) {
        page = (await call('GET', '/api/v1/audit', `/api/v1/audit?limit=500&cursor=${page.next}`, { expect: 200 })).json;
        for (const a of page.items) seen.add(`${a.entity}/${a.action}`);
      }
      for (const k of ['activity/create', 'activity/update', 'activity/publish', 'activity/cancel', 'registration/create',
        'registration/cancel', 'registration/move_up', 'check-in/create', 'check-in/undo', 'series/create', 'absence/create'])
        assert.ok(seen.has(k), `an audit record ${k}`);
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
