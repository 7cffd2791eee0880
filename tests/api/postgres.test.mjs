// What only PostgreSQL deployments have: several louyu servers on one database
// behind nginx, a database that goes away and comes back, concurrent writers
// whose transactions conflict, and connection errors that never show a password.
// Skipped (with a note) unless the suite runs on PostgreSQL (tests/run-api).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { PG, startServer, freshDb, louyu, signIn } from './lib.mjs';

const skip = PG ? false : 'the suite is running on SQLite (see tests/run-api)';
const root = new URL('../..', import.meta.url).pathname;
const pgScript = join(root, 'scripts/pg-test-server');

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

const until = async (what, fn, tries = 200) => {
  for (let i = 0; i < tries; i++) {
    if (await fn()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting: ${what}`);
};

test('a wrong password or an unreachable server: one clear line, exit 1, no password shown', { skip }, () => {
  const wrong = PG.replace(/:[^:@/]+@/, ':not-the-password@') + '/postgres';
  const r = louyu(['serve', '--db', wrong, '--listen', '127.0.0.1:0']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /password authentication failed/);
  assert.doesNotMatch(r.stderr, /not-the-password/);
  assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);

  const down = louyu(['serve', '--db', 'postgresql://louyu:s3cret-pw@127.0.0.1:1/louyu', '--listen', '127.0.0.1:0']);
  assert.equal(down.status, 1);
  assert.match(down.stderr, /cannot connect to database postgresql:\/\/louyu:\*\*\*@127\.0\.0\.1:1\/louyu/);
  assert.doesNotMatch(down.stderr, /s3cret-pw/);

  const bad = louyu(['init', '--db', 'postgresql://louyu:s3cret-pw@[::1/louyu']);
  assert.equal(bad.status, 1);
  assert.doesNotMatch(bad.stderr, /s3cret-pw/);
});

test('the database goes away: 503 and /readyz 503; it comes back: louyu recovers by itself', { skip }, async () => {
  // A PostgreSQL server of this test's own, so that stopping it disturbs no other test.
  const dir = mkdtempSync(join(tmpdir(), 'louyu-pg-restart-'));
  const started = spawnSync(pgScript, ['start', dir], { encoding: 'utf8' });
  assert.equal(started.status, 0, started.stderr);
  const base = started.stdout.trim();
  const db = `${base}/postgres`;
  assert.equal(louyu(['demo', '--db', db]).status, 0);
  const srv = await startServer({ db });
  try {
    assert.equal((await srv.request('GET', '/readyz')).status, 200);
    assert.equal((await srv.request('GET', '/api/v1/rooms')).status, 200);

    assert.equal(spawnSync(pgScript, ['pause', dir]).status, 0);
    const ready = await srv.request('GET', '/readyz');
    assert.equal(ready.status, 503);
    const rooms = await srv.request('GET', '/api/v1/rooms');
    assert.equal(rooms.status, 503);
    assert.equal(rooms.headers.get('content-type'), 'application/problem+json');
    const create = await srv.request('POST', '/api/v1/buildings', { name: '离线', address: 'x', latitude: 23, longitude: 113 });
    assert.equal(create.status, 503);
    assert.equal((await srv.request('GET', '/healthz')).status, 200, 'the process itself lives on');

    assert.equal(spawnSync(pgScript, ['resume', dir]).status, 0);
    await until('readyz after the database came back', async () => (await srv.request('GET', '/readyz')).status === 200);
    const after = await srv.request('GET', '/api/v1/rooms');
    assert.equal(after.status, 200);
    assert.equal(after.json.items.length, 6);
    const made = await srv.request('POST', '/api/v1/buildings', { name: '恢复', address: 'x', latitude: 23, longitude: 113 });
    assert.equal(made.status, 201);
    const names = (await srv.request('GET', '/api/v1/buildings?limit=500')).json.items.map((b) => b.name);
    assert.ok(names.includes('恢复') && !names.includes('离线'));
  } finally {
    assert.equal((await srv.stop()).code, 0);
    spawnSync(pgScript, ['stop', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
});

test('concurrent writers: one stale-version race has exactly one winner, creates all land', { skip }, async () => {
  const srv = await startServer();
  try {
    const room = (await srv.request('GET', '/api/v1/rooms/1')).json;
    const patches = await Promise.all(Array.from({ length: 32 }, (_, i) =>
      srv.request('PATCH', '/api/v1/rooms/1', { version: room.version, capacity: 10 + i })));
    const codes = patches.map((p) => p.status).sort();
    assert.equal(codes.filter((c) => c === 200).length, 1, JSON.stringify(codes));
    assert.equal(codes.filter((c) => c === 409).length, 31, JSON.stringify(codes));
    const now = (await srv.request('GET', '/api/v1/rooms/1')).json;
    assert.equal(now.version, room.version + 1);

    const creates = await Promise.all(Array.from({ length: 32 }, (_, i) =>
      srv.request('POST', '/api/v1/rooms', { station_id: 1, name: `并发${i}`, kind: 'talk_room', capacity: 2 })));
    assert.deepEqual([...new Set(creates.map((c) => c.status))], [201]);
    const ids = new Set(creates.map((c) => c.json.id));
    assert.equal(ids.size, 32);
  } finally {
    assert.equal((await srv.stop()).code, 0);
  }
});

const nginx = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((p) => spawnSync(p, ['-v']).status === 0);

test('two louyu servers on one database behind nginx (deploy/nginx-louyu.conf)', { skip: skip || (!nginx && 'nginx is not installed') }, async () => {
  const fresh = freshDb();
  const a = await startServer({ db: fresh.db });
  const b = await startServer({ db: fresh.db });
  const dir = mkdtempSync(join(tmpdir(), 'louyu-nginx-'));
  const port = await freePort();
  // The deployment file as shipped, with this test's ports.
  const site = readFileSync(join(root, 'deploy/nginx-louyu.conf'), 'utf8')
    .replace(/server 127\.0\.0\.1:8081;/, `server 127.0.0.1:${a.port};`)
    .replace(/server 127\.0\.0\.1:8082;/, `server 127.0.0.1:${b.port};`)
    .replace(/listen 8080;/, `listen 127.0.0.1:${port};`);
  assert.notEqual(site, readFileSync(join(root, 'deploy/nginx-louyu.conf'), 'utf8'));
  writeFileSync(join(dir, 'louyu.conf'), site);
  writeFileSync(join(dir, 'nginx.conf'), `
pid ${dir}/nginx.pid;
error_log ${dir}/error.log;
worker_processes 1;
events { worker_connections 256; }
http { access_log off; client_body_temp_path ${dir}; proxy_temp_path ${dir}; include ${dir}/louyu.conf; }
`);
  const ng = spawn(nginx, ['-c', join(dir, 'nginx.conf'), '-p', dir, '-g', 'daemon off;'], { stdio: 'ignore' });
  const front = `http://127.0.0.1:${port}`;
  try {
    await until('nginx answers', async () => { try { return (await fetch(front + '/healthz')).ok; } catch { return false; } });
    // A session made through the front door works on both servers, and through the front
    // door whichever server answers.
    const session = await signIn(front, 'admin');
    const auth = { authorization: `Bearer ${session.token}` };
    for (const s of [a, b]) {
      const me = await s.request('GET', '/api/v1/session', undefined, auth);
      assert.equal(me.status, 200, me.text);
      assert.equal(me.json.user.username, 'admin');
    }
    for (let i = 0; i < 6; i++) {
      const viaCookie = await fetch(front + '/api/v1/session', { headers: { cookie: session.cookie } });
      assert.equal(viaCookie.status, 200);
    }
    // Written through the front door, the building is there on both servers.
    const made = await fetch(front + '/api/v1/buildings', {
      method: 'POST', headers: { 'content-type': 'application/json', ...auth },
      body: JSON.stringify({ name: '前门', address: 'nginx', latitude: 23.12, longitude: 113.32 }),
    });
    assert.equal(made.status, 201);
    const id = (await made.json()).id;
    for (const s of [a, b]) assert.equal((await s.request('GET', `/api/v1/buildings/${id}`)).json.name, '前门');
    // A change made on one server is seen at once on the other, and its version guards both.
    const onA = await a.request('PATCH', `/api/v1/buildings/${id}`, { version: 1, floors: 12 });
    assert.equal(onA.status, 200);
    assert.equal((await b.request('GET', `/api/v1/buildings/${id}`)).json.floors, 12);
    assert.equal((await b.request('PATCH', `/api/v1/buildings/${id}`, { version: 1, floors: 13 })).status, 409);
    // nginx spreads requests over both servers; signing out on one ends the session on both.
    for (let i = 0; i < 20; i++) assert.equal((await fetch(front + `/api/v1/buildings/${id}`)).status, 200);
    assert.equal((await a.request('DELETE', '/api/v1/session', undefined, auth)).status, 204);
    assert.equal((await b.request('GET', '/api/v1/session', undefined, auth)).status, 401);
    const served = (s) => s.logs().stdout.split('\n').filter((l) => l.includes(`/api/v1/buildings/${id}`)).length;
    assert.ok(served(a) > 1 && served(b) > 1, `a served ${served(a)}, b served ${served(b)}`);
  } finally {
    ng.kill('SIGQUIT');
    await new Promise((r) => ng.on('exit', r));
    assert.equal((await a.stop()).code, 0);
    assert.equal((await b.stop()).code, 0);
    fresh.cleanup();
    rmSync(dir, { recursive: true, force: true });
  }
});
