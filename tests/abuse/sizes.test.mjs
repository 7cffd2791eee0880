// Oversized requests: a long request line, big headers, a big body, JSON nested 100,000
// deep, a body of the largest size made of one huge array. Each is refused (or, for the
// array, answered) with the connection closed where the request could not be read to
// its end; the server keeps answering others within 1 s; memory stays bounded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  SIZES, startServer, assertStopsCleanly, raw, statuses, post, startProbe, baseline, stats, slowProbes,
  report, memory,
} from './lib.mjs';

const MiB = 1024 * 1024;
const SMUGGLED = 'GET /api/v1/stations HTTP/1.1\r\nHost: louyu\r\n\r\n';

let srv;
before(async () => { srv = await startServer({ as: null, args: ['--access-log', 'off'] }); });
after(() => assertStopsCleanly(srv));

// Refused with one of 'taken', the connection closed, the request after it unanswered.
async function refused(bytes, taken) {
  const { text, closed } = await raw(srv.port, bytes, 5000);
  const seen = statuses(text);
  assert.ok(seen.length >= 1 && taken.includes(seen[0]), `answer: ${JSON.stringify(text.slice(0, 200))}`);
  assert.ok(!seen.includes(200), 'the request after it was answered');
  assert.ok(closed, 'the connection stays open');
}

test('a 100 KB request target: 414, the connection closed', async () => {
  await refused(`GET /api/v1/stations?q=${'a'.repeat(100000)} HTTP/1.1\r\nHost: louyu\r\n\r\n${SMUGGLED}`, [414, 400]);
});

test('one 100 KB header, and 2,000 small ones: 431, the connection closed', async () => {
  await refused(`GET /healthz HTTP/1.1\r\nHost: louyu\r\nX-Big: ${'a'.repeat(100000)}\r\n\r\n${SMUGGLED}`, [431, 400]);
  const many = Array.from({ length: 2000 }, (_, i) => `X-H${i}: ${'v'.repeat(30)}\r\n`).join('');
  await refused(`GET /healthz HTTP/1.1\r\nHost: louyu\r\n${many}\r\n${SMUGGLED}`, [431, 400]);
});

test('a 2 MiB body sent in full: 413 after it is drained, the connection closed', async () => {
  const head = `POST /api/v1/session HTTP/1.1\r\nHost: louyu\r\nContent-Type: application/json\r\nContent-Length: ${2 * MiB}\r\n\r\n`;
  await refused(Buffer.concat([Buffer.from(head), Buffer.alloc(2 * MiB, 0x20), Buffer.from(SMUGGLED)]), [413]);
});

test('JSON nested 100,000 deep to the public sign-in: 400, no stack overflow', async (t) => {
  for (const open of ['[', '{"a":']) {
    const r = await post(srv.port, '/api/v1/session', open.repeat(100000));
    assert.equal(r.status, 400, r.body.slice(0, 200));
    assert.match(JSON.parse(r.body).detail, /nested 100000 deep/);
  }
  const alive = await post(srv.port, '/api/v1/session', '{"username":"x","password":"wrong-password"}');
  report(t, 'nested-json', { depth: 100000, then_signin_status: alive.status });
  assert.equal(alive.status, 401);
});

test(`${SIZES.hugeArrays} bodies of 1 MiB of [0,0,...] at once: answered 400, memory bounded, others served`, async (t) => {
  const array = '[' + '0,'.repeat(MiB / 2 - 2) + '0]'; // MiB - 1 bytes, 524,287 elements
  assert.ok(array.length <= MiB);
  const before = await baseline(srv.port, 1000);
  const idle = memory(srv.child.pid);
  const probe = startProbe(srv.port);
  const answers = [];
  for (let round = 0; round < 3; round++)
    answers.push(...(await Promise.all(Array.from({ length: SIZES.hugeArrays }, () => post(srv.port, '/api/v1/session', array, '127.0.0.1')))));
  const probes = await probe.stop();
  const after = memory(srv.child.pid);
  report(t, 'huge-arrays', {
    bodies: answers.length,
    at_once: SIZES.hugeArrays,
    statuses: [...new Set(answers.map((a) => a.status))],
    slowest_answer_ms: Math.round(Math.max(...answers.map((a) => a.ms))),
    baseline: before,
    probe: stats(probes),
    server_before: idle,
    server_after: after,
  });
  assert.deepEqual([...new Set(answers.map((a) => a.status))], [400]);
  assert.deepEqual(slowProbes(probes), []);
  // The values are counted before any parse (core/jsonshape.h) and the body refused at
  // 10,000: no tree is built, so what remains is the bodies themselves, 1 MiB each while
  // they are received and held. (Parsed, each cost jansson 80 to 110 MiB of heap.)
  const bound = idle.rss_mib + 2 * SIZES.hugeArrays + 32;
  assert.ok(after.hwm_mib < bound, `peak ${after.hwm_mib} MiB, bound ${bound}`);
});
