// HTTP framing attacks, each followed by a smuggled request: the answer is one 400 (or
// the status named) with the connection closed, and the smuggled request is never
// answered, since nothing more is read from the connection. tests/api/http.test.mjs
// checks that such requests store nothing; this checks the connection.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, assertStopsCleanly, raw, statuses, get, report } from './lib.mjs';

let srv;
before(async () => { srv = await startServer({ as: null, args: ['--access-log', 'off'] }); });
after(() => assertStopsCleanly(srv));

const SMUGGLED = 'GET /api/v1/stations HTTP/1.1\r\nHost: louyu\r\n\r\n';
const body = '{"username":"x","password":"y"}';
const post = (headers, payload = body) =>
  `POST /api/v1/session HTTP/1.1\r\nHost: louyu\r\nContent-Type: application/json\r\n${headers}\r\n${payload}`;

// [name, request bytes, statuses taken]
const CASES = [
  ['two differing Content-Length headers', post(`Content-Length: ${body.length}\r\nContent-Length: ${body.length + 48}\r\n`)],
  ['Content-Length with Transfer-Encoding: chunked',
    post(`Content-Length: ${body.length + 10}\r\nTransfer-Encoding: chunked\r\n`, `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`)],
  ['Transfer-Encoding: chunked with Content-Length after it',
    post(`Transfer-Encoding: chunked\r\nContent-Length: 4\r\n`, `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`)],
  ['bare LF line endings', 'GET /api/v1/stations HTTP/1.1\nHost: louyu\n\n'],
  ['a bare LF after one header', 'GET /api/v1/stations HTTP/1.1\r\nHost: louyu\nX-A: b\r\n\r\n'],
  ['a bare LF ending the head', 'GET /api/v1/stations HTTP/1.1\r\nHost: louyu\r\n\n'],
  ['a bare CR inside a header', 'GET /api/v1/stations HTTP/1.1\r\nHost: louyu\r\nX-A: a\rb\r\n\r\n'],
  ['a NUL byte in the request line', 'GET /api/v1/stations\0/x HTTP/1.1\r\nHost: louyu\r\n\r\n'],
  ['a NUL byte in a header value', 'GET /api/v1/stations HTTP/1.1\r\nHost: louyu\r\nX-A: a\0b\r\n\r\n'],
  ['a NUL byte in a header name', 'GET /api/v1/stations HTTP/1.1\r\nHost: louyu\r\nX\0A: b\r\n\r\n'],
  ['a folded header (obs-fold)', 'GET /api/v1/stations HTTP/1.1\r\nHost: louyu\r\nX-A: a\r\n b\r\n\r\n'],
  ['a folded Content-Length', post(`Content-Length:\r\n ${body.length}\r\n`)],
  ['whitespace between a header name and its colon', post(`Content-Length : ${body.length}\r\n`)],
  ['a control character in the request target', 'GET /api/v1/stations\x01 HTTP/1.1\r\nHost: louyu\r\n\r\n'],
  ['two spaces in the request line', 'GET  /api/v1/stations HTTP/1.1\r\nHost: louyu\r\n\r\n'],
  ['a request line without version', 'GET /api/v1/stations\r\nHost: louyu\r\n\r\n'],
  ['a bad chunk size', post('Transfer-Encoding: chunked\r\n', `zz\r\n${body}\r\n0\r\n\r\n`)],
  ['a chunk size past 64 bits', post('Transfer-Encoding: chunked\r\n', `1${'0'.repeat(20)}\r\n${body}\r\n0\r\n\r\n`), [400, 413]],
  ['a Content-Length with a sign', post('Content-Length: +31\r\n')],
  ['a Content-Length list', post(`Content-Length: ${body.length}, ${body.length}\r\n`)],
  // HTTP/1.7 is read as 1.1, as RFC 9112 asks; another major version is refused.
  ['an HTTP version of another major', 'GET /api/v1/stations HTTP/2.0\r\nHost: louyu\r\n\r\n', [400, 505]],
];

for (const [name, bytes, taken = [400]] of CASES) {
  test(`${name}: ${taken.join(' or ')}, the connection closed, the smuggled request unanswered`, async () => {
    const { text, closed } = await raw(srv.port, bytes + SMUGGLED);
    // libmicrohttpd 0.9.75 writes the status line and headers of its own 400 for a bad
    // Content-Length twice: a garbled answer, but one answer, and the connection closes.
    const seen = [...new Set(statuses(text))];
    assert.equal(seen.length, 1, `answers: ${JSON.stringify(text.slice(0, 300))}`);
    assert.ok(taken.includes(seen[0]), `status ${seen[0]}: ${JSON.stringify(text.slice(0, 300))}`);
    assert.ok(closed, 'the connection stays open');
  });
}

test('a well-formed request with odd but legal spacing is served, and kept alive', async () => {
  // No space after the colon, several spaces and a tab, trailing whitespace: all legal.
  const ok = 'GET /api/v1/stations HTTP/1.1\r\nHost:louyu\r\nAccept:  \t application/json \r\n\r\n';
  const { text, closed } = await raw(srv.port, ok + SMUGGLED, 1500);
  assert.deepEqual(statuses(text), [200, 200]);
  assert.ok(!closed);
});

test('after every framing attack, the server still answers', async (t) => {
  const r = await get(srv.port, '/api/v1/stations');
  report(t, 'framing', { cases: CASES.length, after_ms: Math.round(r.ms) });
  assert.equal(r.status, 200);
});
