// HTTP-level behaviour: body and header limits, framing, keep-alive, request ids,
// the access log, health checks and graceful shutdown.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer, freshDb, rawRequest, rawStatus, assertStopsCleanly } from './lib.mjs';

const MiB = 1024 * 1024;

let srv;
before(async () => { srv = await startServer(); });
after(() => assertStopsCleanly(srv));

// Splits a raw answer into responses: [{ status, headers (lower-case names), body }].
function parseResponses(raw) {
  const out = [];
  let rest = Buffer.from(raw, 'utf8');
  while (rest.length) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const head = rest.subarray(0, end).toString('utf8').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(head[0]);
    if (!m) break;
    const headers = {};
    for (const line of head.slice(1)) {
      const i = line.indexOf(':');
      const k = line.slice(0, i).trim().toLowerCase();
      headers[k] = headers[k] ? `${headers[k]}, ${line.slice(i + 1).trim()}` : line.slice(i + 1).trim();
    }
    const len = Number(headers['content-length'] || 0);
    const body = rest.subarray(end + 4, end + 4 + len).toString('utf8');
    out.push({ status: Number(m[1]), headers, body });
    rest = rest.subarray(end + 4 + len);
  }
  return out;
}

function assertProblemRaw(res, status) {
  assert.equal(res.status, status, JSON.stringify(res));
  assert.match(res.headers['content-type'] || '', /^application\/problem\+json/);
  const p = JSON.parse(res.body);
  assert.equal(p.status, status);
  assert.equal(typeof p.title, 'string');
  assert.equal(typeof p.detail, 'string');
}

// Raw requests act as the shared server's admin, like srv.request() does.
const bearer = () => (srv && srv.token ? `Authorization: Bearer ${srv.token}\r\n` : '');
const post = (path, length, extra = '') =>
  `POST ${path} HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n${bearer()}${extra}` +
  (length === null ? '' : `Content-Length: ${length}\r\n`) + '\r\n';

// Like rawRequest, but a server that hangs up while we still write (EPIPE,
// ECONNRESET) is expected: resolves with whatever it answered.
function rawSend(port, bytes, ms = 5000) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    const done = () => { clearTimeout(timer); sock.destroy(); resolve(data); };
    const timer = setTimeout(done, ms);
    sock.on('data', (d) => { data += d; });
    sock.on('error', () => setTimeout(done, 300));
    sock.on('close', done);
    sock.write(bytes, () => {});
  });
}

// A body of exactly n bytes that is a valid JSON object with one unknown field, "pad".
function paddedJson(n) {
  const prefix = '{"pad":"';
  const suffix = '"}';
  return prefix + 'a'.repeat(n - prefix.length - suffix.length) + suffix;
}

async function countBuildings(s = srv) {
  const r = await s.request('GET', '/api/v1/buildings?limit=500');
  assert.equal(r.status, 200);
  return r.json.items.length;
}

// ---- bodies ----

test('a body declared over 1 MiB: 413 problem, before it is sent when the client waits', async () => {
  const before = await countBuildings();
  // A client that asks first (Expect: 100-continue, as curl does for big bodies) gets the
  // 413 instead of "100 Continue" and never sends the body.
  const asked = await rawRequest(srv.port, post('/api/v1/buildings', MiB + 1, 'Expect: 100-continue\r\n'));
  const [res] = parseResponses(asked);
  assert.ok(res, `no answer: ${JSON.stringify(asked)}`);
  assertProblemRaw(res, 413);
  // A declared size far past any body louyu would read is refused at once, too.
  const huge = await rawRequest(srv.port, post('/api/v1/buildings', 50 * MiB) + '{');
  assert.equal(rawStatus(huge), 413);
  // One sent in full is read, dropped and answered.
  const sent = await rawSend(srv.port, post('/api/v1/buildings', MiB + 1) + 'x'.repeat(MiB + 1));
  assert.equal(rawStatus(sent), 413);
  assert.equal(await countBuildings(), before);
});

test('a body of exactly 1 MiB is read (and judged on its content)', async () => {
  const r = await srv.request('POST', '/api/v1/buildings', paddedJson(MiB));
  assert.equal(r.status, 400, r.text.slice(0, 300));
  assert.ok(r.json.errors.some((e) => e.pointer === '/pad'), r.text.slice(0, 300));
});

// A client that sends its whole body without waiting (curl without Expect, fetch)
// must still be able to read the 413: the server has to drain the body or close in
// stages (RFC 9112, section 9.6), not close with unread data, which resets the
// connection and loses the answer.
test('a 4 MiB body sent in full without waiting: the client still reads the 413', async () => {
  const before = await countBuildings();
  const size = 4 * MiB;
  const wrong = [];
  for (let i = 0; i < 3; i++) {
    const answer = await rawSend(srv.port, post('/api/v1/buildings', size) + paddedJson(size));
    const [res] = parseResponses(answer);
    if (!res || res.status !== 413) wrong.push(res ? res.status : 'no answer (connection reset)');
  }
  assert.deepEqual(wrong, []);
  assert.equal(await countBuildings(), before);
});

test('Expect: 100-continue with a body over 1 MiB: 413 instead of 100 Continue', async () => {
  const answer = await rawRequest(srv.port, post('/api/v1/buildings', MiB + 1, 'Expect: 100-continue\r\n'));
  assert.equal(rawStatus(answer), 413, answer.slice(0, 200));
  assert.ok(!/^HTTP\/1\.1 100/.test(answer));
  const [res] = parseResponses(answer);
  assertProblemRaw(res, 413);
  // within the limit, the server asks for the body
  const small = await rawRequest(srv.port, post('/api/v1/buildings', 100, 'Expect: 100-continue\r\n'), 1000);
  assert.equal(rawStatus(small), 100, small.slice(0, 200));
});

test('a chunked body over 1 MiB: 413', async () => {
  const before = await countBuildings();
  const chunk = 'a'.repeat(64 * 1024);
  let body = `8\r\n{"pad":"\r\n`;
  for (let i = 0; i < 17; i++) body += `${(64 * 1024).toString(16)}\r\n${chunk}\r\n`;
  body += '2\r\n"}\r\n0\r\n\r\n';
  const answer = await rawRequest(srv.port, post('/api/v1/buildings', null, 'Transfer-Encoding: chunked\r\n') + body, 5000);
  const [res] = parseResponses(answer);
  assert.ok(res, `no answer: ${JSON.stringify(answer.slice(0, 200))}`);
  assertProblemRaw(res, 413);
  assert.equal(await countBuildings(), before);
});

test('a small chunked body is accepted', async () => {
  const json = JSON.stringify({ name: '分块大厦', address: '珠江新城', latitude: 23.12, longitude: 113.32 });
  const bytes = Buffer.from(json);
  const half = Math.floor(bytes.length / 2);
  const a = bytes.subarray(0, half);
  const b = bytes.subarray(half);
  const req = Buffer.concat([
    Buffer.from(post('/api/v1/buildings', null, 'Transfer-Encoding: chunked\r\nConnection: close\r\n')),
    Buffer.from(`${a.length.toString(16)}\r\n`), a, Buffer.from('\r\n'),
    Buffer.from(`${b.length.toString(16)}\r\n`), b, Buffer.from('\r\n0\r\n\r\n'),
  ]);
  const [res] = parseResponses(await rawRequest(srv.port, req));
  assert.equal(res.status, 201, JSON.stringify(res));
  const created = JSON.parse(res.body);
  assert.equal(created.name, '分块大厦');
  assert.equal((await srv.request('GET', `/api/v1/buildings/${created.id}`)).json.name, '分块大厦');
  assert.equal((await srv.request('DELETE', `/api/v1/buildings/${created.id}`)).status, 204);
});

// ---- headers and framing ----

test('headers far over 32 KiB: 431', async () => {
  const answer = await rawRequest(srv.port, `GET /healthz HTTP/1.1\r\nHost: test\r\nX-Big: ${'a'.repeat(100 * 1024)}\r\n\r\n`);
  assert.equal(rawStatus(answer), 431, answer.slice(0, 200));
  const many = Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${'v'.repeat(30)}\r\n`).join('');
  const answer2 = await rawRequest(srv.port, `GET /healthz HTTP/1.1\r\nHost: test\r\n${many}\r\n`);
  assert.equal(rawStatus(answer2), 431, answer2.slice(0, 200));
  // the server still answers afterwards
  assert.equal((await srv.request('GET', '/healthz')).status, 200);
});

test('a request line with hundreds of query parameters: a 4xx answer, and a clean exit after', async () => {
  // Its own server: the request must not leave anything behind that outlives it.
  const s = await startServer({ demo: false });
  const wrong = [];
  try {
    const params = Array.from({ length: 600 }, (_, i) => `p${i}=1`).join('&');
    const answer = await rawRequest(s.port, `GET /api/v1/buildings?${params} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n`);
    const st = rawStatus(answer);
    if (!(st >= 400 && st < 500)) wrong.push(`answer: ${JSON.stringify(answer.slice(0, 200))}`);
    assert.equal((await s.request('GET', '/healthz')).status, 200);
  } finally {
    const { code, signal } = await s.stop();
    if (signal !== null || code !== 0) wrong.push(`exit ${code} ${signal}: ${s.logs().stderr.slice(-1200)}`);
  }
  assert.deepEqual(wrong, []);
});

test('two differing Content-Length headers: 400, nothing stored', async () => {
  const before = await countBuildings();
  const json = JSON.stringify({ name: '走私大厦', address: 'x', latitude: 1, longitude: 1 });
  const answer = await rawRequest(srv.port,
    post('/api/v1/buildings', json.length, `Content-Length: ${json.length + 5}\r\n`) + json + 'GET /');
  const [res] = parseResponses(answer);
  assertProblemRaw(res, 400);
  assert.equal(await countBuildings(), before);
});

test('Content-Length together with Transfer-Encoding: chunked: 400, nothing stored', async () => {
  const before = await countBuildings();
  const json = JSON.stringify({ name: '走私大厦', address: 'x', latitude: 1, longitude: 1 });
  const chunked = `${json.length.toString(16)}\r\n${json}\r\n0\r\n\r\n`;
  for (const extra of ['Transfer-Encoding: chunked\r\n', 'Transfer-Encoding: chunked\r\nContent-Length: 4\r\n']) {
    const answer = await rawRequest(srv.port,
      `POST /api/v1/buildings HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: ${chunked.length}\r\n${extra}\r\n${chunked}`);
    const [res] = parseResponses(answer);
    assertProblemRaw(res, 400);
  }
  assert.equal(await countBuildings(), before);
});

test('a Transfer-Encoding other than chunked is refused at once (400 or 501), nothing stored', async () => {
  const before = await countBuildings();
  const json = JSON.stringify({ name: '编码大厦', address: 'x', latitude: 1, longitude: 1 });
  const n = Buffer.byteLength(json);
  const cases = [
    ['gzip', json],
    ['gzip, chunked', `${n.toString(16)}\r\n${json}\r\n0\r\n\r\n`],
    ['chunked, gzip', `${n.toString(16)}\r\n${json}\r\n0\r\n\r\n`],
  ];
  const wrong = [];
  for (const [te, body] of cases) {
    const answer = await rawRequest(srv.port,
      `POST /api/v1/buildings HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nTransfer-Encoding: ${te}\r\n\r\n${body}`);
    const st = rawStatus(answer);
    if (st !== 400 && st !== 501) wrong.push(`Transfer-Encoding: ${te} -> ${st || 'no answer'}`);
  }
  assert.deepEqual(wrong, []);
  assert.equal(await countBuildings(), before);
});

test('an HTTP/1.1 request without Host: 400', async () => {
  const answer = await rawRequest(srv.port, 'GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n');
  assert.equal(rawStatus(answer), 400, answer.slice(0, 200));
  const ok10 = await rawRequest(srv.port, 'GET /healthz HTTP/1.0\r\n\r\n');
  assert.equal(rawStatus(ok10), 200, 'HTTP/1.0 needs no Host');
});

test('a Content-Length that is not a number: 400', async () => {
  const answer = await rawRequest(srv.port, post('/api/v1/buildings', 'abc') + '{}');
  assert.equal(rawStatus(answer), 400, answer.slice(0, 200));
});

// ---- connections ----

test('keep-alive: two requests on one connection are both answered', async () => {
  const answer = await rawRequest(srv.port,
    'GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n' +
    'GET /api/v1/buildings?limit=1 HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n', 5000);
  const res = parseResponses(answer);
  assert.equal(res.length, 2, answer);
  assert.equal(res[0].status, 200);
  assert.deepEqual(JSON.parse(res[0].body), { status: 'ok' });
  assert.ok(!/close/i.test(res[0].headers.connection || ''), `first answer closes: ${res[0].headers.connection}`);
  assert.equal(res[1].status, 200);
  assert.equal(JSON.parse(res[1].body).items.length, 1);
  assert.notEqual(res[0].headers['x-request-id'], res[1].headers['x-request-id']);
});

test('keep-alive: a POST then a GET on one connection', async () => {
  const json = JSON.stringify({ name: '长连接大厦', address: 'x', latitude: 1, longitude: 1 });
  const answer = await rawRequest(srv.port,
    post('/api/v1/buildings', Buffer.byteLength(json)) + json +
    `GET /api/v1/buildings?q=${encodeURIComponent('长连接')} HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n`, 5000);
  const res = parseResponses(answer);
  assert.equal(res.length, 2, answer);
  assert.equal(res[0].status, 201);
  assert.ok(!/close/i.test(res[0].headers.connection || ''));
  const id = JSON.parse(res[0].body).id;
  assert.deepEqual(JSON.parse(res[1].body).items.map((b) => b.id), [id]);
  assert.equal((await srv.request('DELETE', `/api/v1/buildings/${id}`)).status, 204);
});

test('fetch reuses a kept-alive connection: no Connection: close on a normal 200', async () => {
  const r = await srv.request('GET', '/api/v1/rooms');
  assert.equal(r.status, 200);
  assert.ok(!/close/i.test(r.headers.get('connection') || ''));
});

// ---- request ids and the access log ----

test('every response carries a distinct X-Request-Id', async () => {
  const ids = new Set();
  const calls = [
    ['GET', '/healthz'], ['GET', '/readyz'], ['GET', '/api/v1/buildings'], ['GET', '/api/v1/nothing'],
    ['PUT', '/api/v1/buildings'], ['GET', '/api/v1/buildings?limit=0'], ['POST', '/api/v1/rooms', {}],
    ['HEAD', '/api/v1/stations'], ['DELETE', '/api/v1/rooms/987654'],
  ];
  for (const [method, path, body] of calls) {
    const r = await srv.request(method, path, body);
    const id = r.headers.get('x-request-id');
    assert.ok(id && id.length > 0, `${method} ${path}: no X-Request-Id`);
    assert.ok(!ids.has(id), `${method} ${path}: X-Request-Id ${id} repeats`);
    ids.add(id);
  }
  const raw = parseResponses(await rawSend(srv.port, post('/api/v1/buildings', 2 * MiB) + 'x'.repeat(2 * MiB)))[0];
  assert.ok(raw.headers['x-request-id'], 'a 413 answer has an X-Request-Id too');
});

// Waits until the access log holds a line for each of the request ids.
async function logLines(s, ids) {
  for (let i = 0; i < 100; i++) {
    const lines = s.logs().stdout.split('\n').filter((l) => l.trim());
    const parsed = lines.map((l) => JSON.parse(l));
    if (ids.every((id) => parsed.some((p) => String(p.id) === String(id)))) return { lines, parsed };
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`access log lacks some of ${ids}: ${s.logs().stdout.slice(-2000)}`);
}

test('the access log has one JSON line per request with id, method, path, status, bytes, us', async () => {
  const calls = [
    ['GET', '/healthz'], ['GET', '/api/v1/buildings?limit=2'], ['GET', '/api/v1/nothing'],
    ['POST', '/api/v1/rooms', { name: 1 }], ['DELETE', '/api/v1/buildings'],
  ];
  const seen = [];
  for (const [method, path, body] of calls) {
    const r = await srv.request(method, path, body);
    seen.push({ method, path: path.split('?')[0], status: r.status, id: r.headers.get('x-request-id'), bytes: Buffer.byteLength(r.text) });
  }
  const { lines, parsed } = await logLines(srv, seen.map((s) => s.id));
  for (const line of lines) assert.doesNotThrow(() => JSON.parse(line), line);
  for (const want of seen) {
    const got = parsed.filter((p) => String(p.id) === String(want.id));
    assert.equal(got.length, 1, `one log line for request ${want.id}`);
    const [e] = got;
    assert.equal(e.method, want.method);
    assert.equal(e.path, want.path);
    assert.equal(e.status, want.status);
    assert.equal(e.bytes, want.bytes);
    assert.ok(Number.isInteger(e.us) && e.us >= 0, `us: ${e.us}`);
  }
  const ids = parsed.map((p) => p.id);
  assert.equal(new Set(ids).size, ids.length, 'request ids in the log are unique');
});

// ---- health ----

test('/healthz and /readyz answer 200', async () => {
  const h = await srv.request('GET', '/healthz');
  assert.equal(h.status, 200);
  assert.match(h.headers.get('content-type'), /^application\/json/);
  assert.deepEqual(h.json, { status: 'ok' });
  const r = await srv.request('GET', '/readyz');
  assert.equal(r.status, 200);
  assert.match(r.headers.get('content-type'), /^application\/json/);
  assert.equal(typeof r.json, 'object');
});

// ---- shutdown ----

// Everything the API holds, as one comparable value.
async function snapshot(s) {
  const out = {};
  for (const kind of ['buildings', 'stations', 'rooms']) {
    const r = await s.request('GET', `/api/v1/${kind}?limit=500`);
    assert.equal(r.status, 200);
    assert.equal(r.json.next, null);
    out[kind] = r.json.items;
  }
  return out;
}

function waitFor(pred, what, tries = 200) {
  return new Promise((resolve, reject) => {
    let n = 0;
    const tick = () => {
      if (pred()) return resolve();
      if (++n > tries) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 25);
    };
    tick();
  });
}

test('SIGTERM: requests in flight are finished, exit 0, the database is intact', async (t) => {
  const fresh = freshDb();
  t.after(() => fresh.cleanup());
  const s = await startServer({ db: fresh.db });
  let stopped = false;
  t.after(async () => { if (!stopped) await s.stop(); });

  // Some writes to have something to check after the restart.
  for (let i = 0; i < 5; i++) {
    const r = await s.request('POST', '/api/v1/buildings', { name: `停机前大厦${i}`, address: 'x', latitude: 23.1, longitude: 113.3 });
    assert.equal(r.status, 201);
  }

  // A request whose body is only half sent when the signal arrives.
  const json = Buffer.from(JSON.stringify({ name: '停机中大厦', address: 'x', latitude: 23.1, longitude: 113.3 }));
  const sock = net.connect(s.port, '127.0.0.1');
  let answer = '';
  sock.on('data', (d) => { answer += d; });
  sock.on('error', () => {});
  const closed = new Promise((resolve) => sock.on('close', resolve));
  await new Promise((resolve) => sock.on('connect', resolve));
  // A first, complete request on the connection proves the server has it.
  sock.write('GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n');
  await waitFor(() => answer.includes('{"status":"ok"}'), 'the first answer');
  sock.write(post('/api/v1/buildings', json.length, `Authorization: Bearer ${s.token}\r\nConnection: close\r\n`)
    .replace(bearer(), ''));
  sock.write(json.subarray(0, 10));
  await new Promise((r) => setTimeout(r, 300));

  // A sequence of other requests running while the signal arrives.
  const seq = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      try {
        const r = await fetch(`${s.url}/api/v1/buildings?limit=500`);
        await r.text();
        seq.push(r.status);
      } catch {
        break; // refused once the server stops listening
      }
    }
  })();
  await waitFor(() => seq.length >= 3, 'a few requests before the signal');

  s.child.kill('SIGTERM');
  await waitFor(() => /SIGTERM/.test(s.logs().stderr), 'the server to notice SIGTERM');
  sock.write(json.subarray(10));
  await closed;
  running = false;
  await loop;

  const { code, signal } = await s.stop();
  stopped = true;
  assert.equal(signal, null);
  assert.equal(code, 0, s.logs().stderr);
  assert.match(s.logs().stderr, /stopped/);
  for (const st of seq) assert.equal(st, 200, `a request during shutdown got ${st}`);

  const res = parseResponses(answer);
  assert.equal(res.length, 2, `the in-flight request was answered: ${JSON.stringify(answer)}`);
  assert.equal(res[1].status, 201, res[1].body);
  const inflight = JSON.parse(res[1].body);

  // Reopen the same database with a new server: everything is there.
  const s2 = await startServer({ db: fresh.db });
  try {
    const snap = await snapshot(s2);
    assert.ok(snap.buildings.length >= 9 + 6);
    for (let i = 0; i < 5; i++) assert.ok(snap.buildings.some((b) => b.name === `停机前大厦${i}`));
    assert.deepEqual(snap.buildings.find((b) => b.id === inflight.id), inflight);
    assert.equal(snap.stations.length, 2);
    assert.equal(snap.rooms.length, 6);
    assert.equal((await s2.request('GET', '/readyz')).status, 200);
  } finally {
    const { code: code2 } = await s2.stop();
    assert.equal(code2, 0, s2.logs().stderr);
  }
});

test('SIGINT also stops the server with exit 0', async (t) => {
  const s = await startServer();
  let done = false;
  t.after(async () => { if (!done) await s.stop(); });
  assert.equal((await s.request('GET', '/healthz')).status, 200);
  const exited = new Promise((resolve) => s.child.on('exit', (code, signal) => resolve({ code, signal })));
  s.child.kill('SIGINT');
  const { code, signal } = await exited;
  done = true;
  await s.stop();
  assert.equal(signal, null);
  assert.equal(code, 0, s.logs().stderr);
  assert.match(s.logs().stderr, /SIGINT/);
  assert.match(s.logs().stderr, /stopped/);
});

test('a restart on the same database keeps every write', async (t) => {
  const fresh = freshDb({ demo: false });
  t.after(() => fresh.cleanup());
  const s1 = await startServer({ db: fresh.db });
  let before;
  try {
    assert.deepEqual((await snapshot(s1)).buildings, []);
    const b = await s1.request('POST', '/api/v1/buildings', { name: '重启大厦', address: 'x', latitude: 23.1, longitude: 113.3 });
    const st = await s1.request('POST', '/api/v1/stations', { building_id: b.json.id, name: '重启站', area_m2: 50 });
    const rm = await s1.request('POST', '/api/v1/rooms', { station_id: st.json.id, name: '重启室', kind: 'classroom', capacity: 9 });
    assert.equal(rm.status, 201);
    const p = await s1.request('PATCH', `/api/v1/rooms/${rm.json.id}`, { version: 1, capacity: 10 });
    assert.equal(p.status, 200);
    before = await snapshot(s1);
  } finally {
    assert.equal((await s1.stop()).code, 0);
  }
  const s2 = await startServer({ db: fresh.db });
  try {
    assert.deepEqual(await snapshot(s2), before);
  } finally {
    assert.equal((await s2.stop()).code, 0);
  }
});
