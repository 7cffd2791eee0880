// Shared helpers for the black-box API tests: start the real louyu binary on a
// free loopback port with a fresh database, talk to it over HTTP, stop it.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import http from 'node:http';
import net from 'node:net';

export const BIN = process.env.LOUYU_BIN || new URL('../../build/asan/louyu', import.meta.url).pathname;

// Runs a louyu command to completion: { status, stdout, stderr }.
export function louyu(args, opts = {}) {
  const r = spawnSync(BIN, args, { encoding: 'utf8', ...opts });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// When set (a base URL such as postgresql://louyu:louyu@127.0.0.1:5433, as printed by
// scripts/pg-test-server), every fresh database is a new PostgreSQL database there.
export const PG = process.env.LOUYU_TEST_PG || '';
export const DEMO_PASSWORD = 'louyu-demo';
let pgCounter = 0;

// Runs SQL against the PostgreSQL server's maintenance database.
export function psql(sql, dbName = 'postgres') {
  const r = spawnSync('psql', [`${PG}/${dbName}`, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`psql failed: ${r.stderr}`);
  return r.stdout.trim();
}

// A fresh database: an SQLite file in a temporary directory, or a new PostgreSQL
// database when LOUYU_TEST_PG is set. 'demo' loads the demo data, with 'demoArgs' given
// to `louyu demo` too (['--scale', 'town']); 'out' is what it printed.
export function freshDb({ demo = true, demoArgs = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'louyu-test-'));
  let db = join(dir, 'louyu.db');
  let drop = () => {};
  if (PG) {
    const name = `louyu_t${process.pid}_${++pgCounter}`;
    psql(`CREATE DATABASE ${name}`);
    db = `${PG}/${name}`;
    drop = () => psql(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  }
  const r = louyu([demo ? 'demo' : 'init', '--db', db, ...(demo ? demoArgs : [])]);
  if (r.status !== 0) throw new Error(`louyu ${demo ? 'demo' : 'init'} failed: ${r.stderr}`);
  if (!demo) {
    // Every test database has an admin with the demo password, as the demo does.
    const u = louyu(['user', 'add', 'admin', '--role', 'admin', '--db', db],
      { env: { ...process.env, LOUYU_PASSWORD: DEMO_PASSWORD } });
    if (u.status !== 0) throw new Error(`louyu user add failed: ${u.stderr}`);
  }
  return {
    db,
    dir,
    out: r.stdout,
    cleanup: () => {
      drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Signs in over HTTP; resolves with the session answer ({token, csrf_token, user, ...})
// and the cookie, or throws.
// Like the web app, it comes back when the server is checking as many passwords as it
// can at once (503 with Retry-After).
export async function signIn(url, username, password = DEMO_PASSWORD) {
  let res;
  for (let attempt = 1; ; attempt++) {
    res = await fetch(`${url}/api/v1/session`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    if (res.status !== 503 || attempt >= 50) break;
    await res.text();
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 800));
  }
  const body = await res.json();
  if (res.status !== 200) throw new Error(`sign-in as ${username}: ${res.status} ${JSON.stringify(body)}`);
  return { ...body, cookie: (res.headers.get('set-cookie') || '').split(';')[0] };
}

// Starts `louyu serve` and resolves once it listens. The returned server has
// url, request(), stop() (SIGTERM, resolves with the exit code) and logs().
// It signs in as 'as' (a demo user; default the admin, null for nobody), and request()
// sends that session's bearer token.
export async function startServer({ demo = true, db, args = [], as = 'admin' } = {}) {
  const fresh = db ? null : freshDb({ demo });
  const dbPath = db || fresh.db;
  const child = spawn(BIN, ['serve', '--db', dbPath, '--listen', '127.0.0.1:0', ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => { stdout += d; });
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`louyu did not start: ${stderr}`)), 30000);
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /serving http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`louyu exited ${code}: ${stderr}`)); });
  });
  const url = `http://127.0.0.1:${port}`;
  const session = as ? await signIn(url, as) : null;
  return {
    url,
    port,
    db: dbPath,
    child,
    session,
    token: session ? session.token : null,
    logs: () => ({ stdout, stderr }),
    // fetch relative to the server; a plain object body is sent as JSON. Requests carry
    // the signed-in user's bearer token unless headers.authorization is given ('' for
    // none: an anonymous request).
    async request(method, path, body, headers = {}) {
      const init = { method, headers: { ...headers } };
      const auth = Object.keys(init.headers).find((h) => h.toLowerCase() === 'authorization');
      if (auth === undefined && session) init.headers.authorization = `Bearer ${session.token}`;
      else if (auth !== undefined && !init.headers[auth]) delete init.headers[auth];
      if (body !== undefined) {
        init.body = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
        if (!Object.keys(init.headers).some((h) => h.toLowerCase() === 'content-type'))
          init.headers['content-type'] = 'application/json';
      }
      const res = await fetch(url + path, init);
      const text = await res.text();
      let json = null;
      try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
      return { status: res.status, headers: res.headers, text, json };
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const r = await exited;
      if (fresh) fresh.cleanup();
      return r;
    },
  };
}

// Stops a server and asserts that it exited by itself with status 0 (so an
// AddressSanitizer report or a leak fails the test that owns the server).
export async function assertStopsCleanly(srv) {
  if (!srv) return;
  const { code, signal } = await srv.stop();
  if (signal !== null || code !== 0)
    throw new Error(`louyu exited ${code} (signal ${signal}): ${srv.logs().stderr}`);
}

// Sends raw bytes over one TCP connection and resolves with everything the
// server sent back before closing (or before 'ms' of silence).
export function rawRequest(port, bytes, ms = 2000) {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    let data = '';
    const timer = setTimeout(() => { sock.destroy(); resolve(data); }, ms);
    sock.on('data', (d) => { data += d; });
    sock.on('error', (e) => { clearTimeout(timer); e.code === 'ECONNRESET' ? resolve(data) : reject(e); });
    sock.on('close', () => { clearTimeout(timer); resolve(data); });
    sock.write(bytes);
  });
}

// The status code of the first response in a raw HTTP answer, or 0.
export function rawStatus(answer) {
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(answer);
  return m ? Number(m[1]) : 0;
}

// ---- races: one client = one keep-alive connection of its own ----

// A client with an agent of one socket: its requests go over one connection, and no two
// clients share one. A request unanswered within a minute fails (a deadlock shows as a
// failure, not as a hung test). Records the local port of its socket per destination
// (a local port is unique only per destination: two servers may see the same one).
export function connection(url, token) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const { hostname, port } = new URL(url);
  const ports = new Set();
  const request = (method, path, body) => new Promise((resolve, reject) => {
    const data = body === undefined ? null : Buffer.from(JSON.stringify(body));
    const headers = { authorization: `Bearer ${token}` };
    if (data) Object.assign(headers, { 'content-type': 'application/json', 'content-length': data.length });
    const req = http.request({ host: hostname, port, method, path, agent, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c) => { text += c; });
      res.on('end', () => {
        let json = null;
        try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
        resolve({ status: res.statusCode, json, text });
      });
    });
    req.setTimeout(60000, () => req.destroy(new Error(`${method} ${path} on ${url}: no answer within 60 s`)));
    req.on('socket', (s) => {
      if (s.localPort) ports.add(`${port}:${s.localPort}`);
      else s.once('connect', () => ports.add(`${port}:${s.localPort}`));
    });
    req.on('error', reject);
    req.end(data || undefined);
  });
  return { url, request, ports, close: () => agent.destroy() };
}
