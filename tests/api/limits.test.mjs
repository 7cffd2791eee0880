// Connection limits that libmicrohttpd 0.9.75 does not set by itself: the idle
// timeout and the per-address and total connection caps.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { startServer } from './lib.mjs';

// Opens a connection and resolves once it is established.
function connect(port) {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => resolve(s));
    s.on('error', reject);
  });
}

// Resolves with true when the server closes the socket within 'ms', else false.
function closedWithin(sock, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    sock.on('close', () => { clearTimeout(timer); resolve(true); });
    sock.on('error', () => {});
  });
}

// Sends one GET on an open socket and resolves with the status, or 0 when closed first.
function getOn(sock, path) {
  return new Promise((resolve) => {
    let data = '';
    sock.on('data', (d) => {
      data += d;
      const m = /^HTTP\/1\.1 (\d{3})/.exec(data);
      if (m && data.includes('\r\n\r\n')) resolve(Number(m[1]));
    });
    sock.on('close', () => resolve(0));
    sock.on('error', () => resolve(0));
    sock.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`);
  });
}

test('an idle connection is closed after --timeout', async () => {
  const srv = await startServer({ args: ['--timeout', '1'] });
  try {
    const sock = await connect(srv.port);
    assert.equal(await closedWithin(sock, 10000), true, 'idle connection still open');
    // A connection in use is not cut: a request right after connecting is answered.
    const busy = await connect(srv.port);
    assert.equal(await getOn(busy, '/healthz'), 200);
    busy.destroy();
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

test('connections from one address are capped by --max-per-ip', async () => {
  const srv = await startServer({ args: ['--max-per-ip', '2'], as: null });
  try {
    const a = await connect(srv.port);
    const b = await connect(srv.port);
    assert.equal(await getOn(a, '/healthz'), 200);
    assert.equal(await getOn(b, '/healthz'), 200);
    const c = await connect(srv.port); // the kernel accepts; louyu closes it at once
    assert.equal(await getOn(c, '/healthz'), 0, 'third connection was served');
    a.destroy();
    await new Promise((r) => setTimeout(r, 200));
    const d = await connect(srv.port); // a slot is free again
    assert.equal(await getOn(d, '/healthz'), 200);
    [b, c, d].forEach((s) => s.destroy());
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

test('connections in total are capped by --max-connections', async () => {
  const srv = await startServer({ args: ['--max-connections', '3', '--threads', '1'], as: null });
  try {
    const open = [];
    for (let i = 0; i < 3; i++) open.push(await connect(srv.port));
    for (const s of open) assert.equal(await getOn(s, '/healthz'), 200);
    // Over the cap, libmicrohttpd leaves the connection in the listen backlog: it is not
    // served while the others stay open, and is served as soon as one closes.
    const extra = await connect(srv.port);
    const answer = getOn(extra, '/healthz');
    const early = await Promise.race([answer, new Promise((r) => setTimeout(() => r('waiting'), 1000))]);
    assert.equal(early, 'waiting', 'connection over the cap was served at once');
    open[0].destroy();
    assert.equal(await answer, 200);
    [...open, extra].forEach((s) => s.destroy());
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});
