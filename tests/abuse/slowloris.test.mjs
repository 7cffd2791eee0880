// Slowloris and slow POST: clients that send their request a byte at a time, never idle
// long enough for the idle timeout. The server must close each within --header-timeout
// (a head) or --request-timeout (a body) of its first byte, and an honest client on
// another address must be served within 1 s all along.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SIZES, startServer, assertStopsCleanly, startProbe, baseline, stats, slowProbes, report,
  memory, connect, connectMany, sleep,
} from './lib.mjs';
import { spawn } from 'node:child_process';

// The watchdog scans twice a second and counts a head from the scan before its first
// byte: a connection may outlive its deadline by up to a second, and the client sees the
// close a little later still.
const SLACK_MS = 2500;
const H = SIZES.headerTimeout;

// Trickles a request head on each socket, one byte a second, never finishing it.
function trickle(socks) {
  const head = 'GET /api/v1/stations HTTP/1.1\r\nHost: louyu\r\n';
  for (const s of socks) {
    if (s.closedAt !== null || s.destroyed) continue;
    s.write(head);
    s.sent = 0;
  }
  const timer = setInterval(() => {
    for (const s of socks) if (s.closedAt === null && !s.destroyed) s.write('X-Slow-Loris: 1\r\n'[s.sent++ % 17]);
  }, 1000);
  return () => clearInterval(timer);
}

async function waitAllClosed(socks, ms) {
  const until = performance.now() + ms;
  while (performance.now() < until && socks.some((s) => s.closedAt === null)) await sleep(100);
  return socks.filter((s) => s.closedAt === null).length;
}

// Runs a slowloris of 'socks' (already connected) while probing; returns the figures.
async function slowloris(srv, socks) {
  const probe = startProbe(srv.port);
  const stop = trickle(socks);
  const open = await waitAllClosed(socks, H * 1000 + SLACK_MS + 3000);
  stop();
  const probes = await probe.stop();
  socks.forEach((s) => s.destroy());
  // Connections refused at once (the per-address cap) live a few milliseconds; the
  // others are the ones the server took and then had to close.
  const taken = socks.filter((s) => s.closedAt !== null && s.closedAt - s.openedAt > 500);
  const lifetimes = taken.map((s) => s.closedAt - s.openedAt);
  return {
    probes,
    figures: {
      connections: socks.length,
      taken: taken.length,
      refused_at_once: socks.length - taken.length - open,
      still_open: open,
      longest_life_ms: lifetimes.length ? Math.round(Math.max(...lifetimes)) : null,
      shortest_life_ms: lifetimes.length ? Math.round(Math.min(...lifetimes)) : null,
      probe: stats(probes),
      server: memory(srv.child.pid),
    },
  };
}

test(`${SIZES.slowloris} slowloris connections from one address: the per-address cap takes 256, the header timeout closes them, 127.0.0.2 is served`, async (t) => {
  const srv = await startServer({ as: null, args: ['--header-timeout', String(H), '--access-log', 'off'] });
  try {
    const before = await baseline(srv.port);
    const socks = await connectMany(srv.port, SIZES.slowloris, '127.0.0.1');
    const { probes, figures } = await slowloris(srv, socks);
    report(t, 'slowloris-one-address', { header_timeout_s: H, baseline: before, ...figures });
    assert.equal(figures.still_open, 0, 'slow connections still open after the header timeout');
    assert.ok(figures.taken > 0 && figures.taken <= 256, `taken: ${figures.taken}`);
    assert.ok(figures.longest_life_ms <= H * 1000 + SLACK_MS, `a slow connection lived ${figures.longest_life_ms} ms`);
    assert.ok(figures.shortest_life_ms >= H * 1000 - 1000, `closed before its deadline: ${figures.shortest_life_ms} ms`);
    assert.deepEqual(slowProbes(probes), []);
  } finally {
    await assertStopsCleanly(srv);
  }
});

test(`${SIZES.slowloris} slowloris connections from ${Math.ceil(SIZES.slowloris / 250)} addresses: all taken, all closed by the header timeout`, async (t) => {
  const srv = await startServer({ as: null, args: ['--header-timeout', String(H), '--access-log', 'off'] });
  try {
    const socks = [];
    for (let i = 0; i < SIZES.slowloris; i += 250)
      socks.push(...(await connectMany(srv.port, Math.min(250, SIZES.slowloris - i), `127.0.1.${1 + i / 250}`)));
    const { probes, figures } = await slowloris(srv, socks);
    report(t, 'slowloris-many-addresses', { header_timeout_s: H, ...figures });
    assert.equal(figures.still_open, 0);
    assert.equal(figures.taken, SIZES.slowloris, 'every connection is taken (no address is over the cap)');
    assert.ok(figures.longest_life_ms <= H * 1000 + SLACK_MS, `a slow connection lived ${figures.longest_life_ms} ms`);
    assert.deepEqual(slowProbes(probes), []);
  } finally {
    await assertStopsCleanly(srv);
  }
});

test('a kept-alive connection that trickles its next request is closed by the header timeout too', async () => {
  const srv = await startServer({ as: null, args: ['--header-timeout', String(H), '--access-log', 'off'] });
  try {
    const s = await connect(srv.port, '127.0.0.1');
    s.write('GET /healthz HTTP/1.1\r\nHost: louyu\r\n\r\n');
    while (!s.received.includes('\r\n\r\n')) await sleep(20);
    assert.match(s.received, /^HTTP\/1\.1 200 /);
    await sleep(1500); // idle, well within --timeout: nothing happens
    assert.equal(s.closedAt, null, 'an idle kept-alive connection was closed early');
    const began = performance.now();
    const stop = trickle([s]);
    const open = await waitAllClosed([s], H * 1000 + SLACK_MS + 3000);
    stop();
    assert.equal(open, 0, 'the trickling connection is still open');
    const life = s.closedAt - began;
    assert.ok(life >= H * 1000 - 1000 && life <= H * 1000 + SLACK_MS, `closed ${life.toFixed(0)} ms after its first byte`);
  } finally {
    await assertStopsCleanly(srv);
  }
});

test('a slow POST (a body a byte a second) is closed by the request timeout, and nothing is stored', async (t) => {
  const R = SIZES.requestTimeout;
  const srv = await startServer({ args: ['--header-timeout', String(H), '--request-timeout', String(R), '--access-log', 'off'] });
  try {
    const body = JSON.stringify({ name: '慢速大厦', address: 'x', latitude: 23.1, longitude: 113.3 });
    const s = await connect(srv.port, '127.0.0.1');
    s.write(`POST /api/v1/buildings HTTP/1.1\r\nHost: louyu\r\nAuthorization: Bearer ${srv.token}\r\n` +
      `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body) + 1000}\r\n\r\n`);
    const began = performance.now();
    let i = 0;
    const timer = setInterval(() => { if (s.closedAt === null) s.write(body[i++ % body.length]); }, 1000);
    const open = await waitAllClosed([s], R * 1000 + SLACK_MS + 3000);
    clearInterval(timer);
    assert.equal(open, 0, 'the slow POST is still open');
    const life = s.closedAt - began;
    report(t, 'slow-post', { request_timeout_s: R, closed_after_ms: Math.round(life) });
    assert.ok(life >= R * 1000 - 1500 && life <= R * 1000 + SLACK_MS, `closed ${life.toFixed(0)} ms after the head`);
    const r = await srv.request('GET', `/api/v1/buildings?q=${encodeURIComponent('慢速')}`);
    assert.deepEqual(r.json.items, []);
  } finally {
    await assertStopsCleanly(srv);
  }
});

// The other side of the deadlines: a request that waits for the server is not a slow
// client. With one worker thread held by a write that waits for the database (another
// process holds SQLite's write lock), a request on another connection of that thread
// waits longer than the header timeout without sending slowly: it must be answered, not
// cut. (Found by the booking races on PostgreSQL, where a booking waited for a row lock.)
test('a request queued behind a slow handler on its thread is answered, not cut by the header timeout', async () => {
  const srv = await startServer({ args: ['--threads', '1', '--header-timeout', '2', '--access-log', 'off'] });
  const holder = spawn('sqlite3', [srv.db], { stdio: ['pipe', 'ignore', 'ignore'] });
  try {
    // A kept-alive connection of the one thread, made before the thread is held.
    const kept = await connect(srv.port, '127.0.0.1');
    kept.write('GET /healthz HTTP/1.1\r\nHost: louyu\r\n\r\n');
    while (!/\r\n\r\n[\s\S]*ok/.test(kept.received)) await sleep(20);
    kept.received = '';
    holder.stdin.write('BEGIN IMMEDIATE;\nINSERT INTO secrets (name, value) VALUES (\'held\', \'x\');\n.shell sleep 4\nROLLBACK;\n');
    holder.stdin.end();
    await sleep(500); // the lock is taken
    const write = srv.request('POST', '/api/v1/buildings',
      { name: '排队楼宇', address: '天河区', latitude: 23.1, longitude: 113.3 });
    await sleep(300); // the write waits in its handler, holding the one thread
    const sent = performance.now();
    kept.write('GET /healthz HTTP/1.1\r\nHost: louyu\r\n\r\n');
    while (!/^HTTP\/1\.1 \d{3}/.test(kept.received) && kept.closedAt === null && performance.now() - sent < 15000) await sleep(20);
    const waited = performance.now() - sent;
    const w = await write;
    assert.match(kept.received, /^HTTP\/1\.1 200/, `the queued request was ${kept.closedAt !== null ? 'cut' : 'not answered'} after ${Math.round(waited)} ms`);
    assert.ok(waited > 2000, `it did not wait behind the write (${Math.round(waited)} ms): the test proves nothing`);
    assert.ok([201, 503].includes(w.status), w.text);
    kept.destroy();
  } finally {
    holder.kill();
    await assertStopsCleanly(srv);
  }
});
