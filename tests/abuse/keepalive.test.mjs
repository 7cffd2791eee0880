// Idle keep-alive connections: many clients that made one request and hold their
// connection open. What an attacker can hold is what --max-per-ip lets each of its
// addresses hold, so the test spreads them over addresses of 250 connections each (a
// small botnet); the server must keep serving a fresh client, and its memory must grow
// by a bounded amount per connection.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  SIZES, startServer, assertStopsCleanly, startProbe, baseline, stats, slowProbes, report, memory,
  connectMany, sleep,
} from './lib.mjs';

const PER_ADDRESS = 250;

// One request on each socket, answered with keep-alive; resolves with how many were.
async function oneRequestEach(socks) {
  for (const s of socks) s.write('GET /healthz HTTP/1.1\r\nHost: louyu\r\n\r\n');
  const until = performance.now() + 60000;
  const answered = () => socks.filter((s) => /^HTTP\/1\.1 200 [\s\S]*\r\n\r\n/.test(s.received)).length;
  while (answered() < socks.length && performance.now() < until) await sleep(100);
  return answered();
}

test(`${SIZES.keepalive} idle keep-alive connections from ${Math.ceil(SIZES.keepalive / PER_ADDRESS)} addresses: a fresh client is still served, memory bounded`, async (t) => {
  // The idle timeout is raised so that the connections outlive their own opening.
  const srv = await startServer({ as: null, args: ['--timeout', '120', '--access-log', 'off'] });
  const socks = [];
  try {
    const before = await baseline(srv.port, 1000);
    const idle = memory(srv.child.pid);
    const opening = performance.now();
    for (let i = 0; i < SIZES.keepalive; i += PER_ADDRESS) {
      const from = `127.0.2.${1 + i / PER_ADDRESS}`;
      socks.push(...(await connectMany(srv.port, Math.min(PER_ADDRESS, SIZES.keepalive - i), from)));
    }
    const answered = await oneRequestEach(socks);
    const openMs = performance.now() - opening;
    assert.equal(answered, SIZES.keepalive, 'every connection got its answer');
    const probe = startProbe(srv.port);
    await sleep(3000);
    const probes = await probe.stop();
    const held = memory(srv.child.pid);
    const stillOpen = socks.filter((s) => s.closedAt === null).length;
    report(t, 'keepalive-idle', {
      connections: SIZES.keepalive,
      opened_and_answered_ms: Math.round(openMs),
      still_open: stillOpen,
      baseline: before,
      probe: stats(probes),
      server_idle: idle,
      server_with_connections: held,
      kib_per_connection: +(((held.rss_mib - idle.rss_mib) * 1024) / SIZES.keepalive).toFixed(1),
    });
    assert.equal(stillOpen, SIZES.keepalive, 'the server closed idle connections it had room for');
    assert.deepEqual(slowProbes(probes), []);
    // Bounded: libmicrohttpd's 48 KiB buffer per connection is a ceiling never reached by
    // an idle one; allow 64 KiB each on top of the idle server.
    assert.ok(held.rss_mib - idle.rss_mib < (SIZES.keepalive * 64) / 1024, `RSS grew ${held.rss_mib - idle.rss_mib} MiB`);
  } finally {
    socks.forEach((s) => s.destroy());
    await assertStopsCleanly(srv);
  }
});

test('300 keep-alive connections from one address: 256 are kept, the rest are closed at once', async (t) => {
  const srv = await startServer({ as: null, args: ['--access-log', 'off'] });
  const socks = [];
  try {
    socks.push(...(await connectMany(srv.port, 300, '127.0.0.1')));
    await sleep(500);
    for (const s of socks) if (s.closedAt === null) s.write('GET /healthz HTTP/1.1\r\nHost: louyu\r\n\r\n');
    await sleep(1500);
    const served = socks.filter((s) => /^HTTP\/1\.1 200 /.test(s.received) && s.closedAt === null).length;
    const closed = socks.filter((s) => s.closedAt !== null && s.received === '').length;
    report(t, 'keepalive-one-address', { connections: 300, kept_and_served: served, closed_unserved: closed });
    assert.equal(served, 256);
    assert.equal(closed, 44);
    const probe = startProbe(srv.port);
    await sleep(1000);
    assert.deepEqual(slowProbes(await probe.stop()), []);
  } finally {
    socks.forEach((s) => s.destroy());
    await assertStopsCleanly(srv);
  }
});
