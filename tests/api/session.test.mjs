// Sessions: signing in and out, the cookie and its CSRF token, bearer tokens, what ends
// a session, sign-in throttling (shared by servers on one database), the audit log of
// writes, and that no password or token leaks into answers, logs, audit or database.
//
// A test cannot wait 12 hours (lifetime), 2 hours (idle) or 15 minutes (throttling
// window). What is tested: expires_at is 12 hours after sign-in and does not move with
// use; Retry-After is at most 15 minutes; and, by moving a session's times back in the
// database (with the sqlite3 or psql client; skipped when there is none), that a session
// past expires_at or idle for over 2 hours is refused. Not tested: the throttling window
// ending, and idle time being counted to the minute.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import http from 'node:http';
import { join } from 'node:path';
import { startServer, signIn, freshDb, louyu, psql, PG, DEMO_PASSWORD, assertStopsCleanly } from './lib.mjs';

const RFC3339_CN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?\+08:00$/;
const LIFETIME_S = 12 * 3600;

// ---- helpers ----

// One HTTP exchange, without lib's implicit session: { status, headers, text, json, cookies }.
async function call(url, method, path, { body, token, cookie, csrf, headers = {} } = {}) {
  const h = { ...headers };
  if (token) h.authorization = `Bearer ${token}`;
  if (cookie) h.cookie = cookie;
  if (csrf !== undefined) h['x-csrf-token'] = csrf;
  let payload;
  if (body !== undefined) {
    payload = JSON.stringify(body);
    h['content-type'] = 'application/json';
  }
  const res = await fetch(url + path, { method, headers: h, body: payload });
  const text = await res.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
  return { status: res.status, headers: res.headers, text, json, cookies: res.headers.getSetCookie().map(parseCookie) };
}

// 'name=value; Path=/; HttpOnly' -> { name, value, attrs: { path: '/', httponly: true } }.
function parseCookie(header) {
  const [pair, ...rest] = header.split(';');
  const eq = pair.indexOf('=');
  const attrs = {};
  for (const a of rest) {
    const [k, ...v] = a.trim().split('=');
    attrs[k.toLowerCase()] = v.length ? v.join('=') : true;
  }
  return { name: pair.slice(0, eq).trim(), value: pair.slice(eq + 1).trim(), attrs, raw: header };
}

// A sign-in as a client makes it: it comes back when the server says it is checking as
// many passwords as it can at once (503, Retry-After).
async function signInRaw(url, username, password = DEMO_PASSWORD, headers = {}) {
  for (let attempt = 1; ; attempt++) {
    const r = await call(url, 'POST', '/api/v1/session', { body: { username, password }, headers });
    if (r.status !== 503 || attempt >= 50) return r;
    assert.equal(r.headers.get('retry-after'), '1');
    await new Promise((resolve) => setTimeout(resolve, 200 + Math.random() * 800));
  }
}

function assertProblem(r, status) {
  assert.equal(r.status, status, r.text);
  assert.match(r.headers.get('content-type') || '', /^application\/problem\+json/);
  assert.equal(r.json.status, status);
}

// A cookie set to end the session: empty, and expired at once.
function assertCleared(c, name) {
  assert.equal(c.name, name, c.raw);
  assert.equal(c.value, '', c.raw);
  const gone = c.attrs['max-age'] === '0' || (c.attrs.expires && Date.parse(c.attrs.expires) < Date.now());
  assert.ok(gone, `the cookie is not expired: ${c.raw}`);
}

// BLAKE2b with a 32-byte digest (RFC 7693), as hex: what the server keeps of a token.
const M64 = (1n << 64n) - 1n;
const IV = [0x6a09e667f3bcc908n, 0xbb67ae8584caa73bn, 0x3c6ef372fe94f82bn, 0xa54ff53a5f1d36f1n,
  0x510e527fade682d1n, 0x9b05688c2b3e6c1fn, 0x1f83d9abfb41bd6bn, 0x5be0cd19137e2179n];
const SIGMA = [
  [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3],
  [11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4], [7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8],
  [9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13], [2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9],
  [12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11], [13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10],
  [6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5], [10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0]];
const rotr = (x, k) => ((x >> k) | (x << (64n - k))) & M64;
function blake2b256Hex(text) {
  const data = Buffer.from(text, 'utf8');
  const h = IV.slice();
  h[0] ^= 0x01010000n ^ 32n;
  const nblocks = Math.max(1, Math.ceil(data.length / 128));
  for (let b = 0; b < nblocks; b++) {
    const block = Buffer.alloc(128);
    data.copy(block, 0, b * 128, Math.min(data.length, (b + 1) * 128));
    const m = Array.from({ length: 16 }, (_, i) => block.readBigUInt64LE(i * 8));
    const last = b === nblocks - 1;
    const v = [...h, ...IV];
    v[12] ^= BigInt(last ? data.length : (b + 1) * 128);
    if (last) v[14] ^= M64;
    const G = (a, bb, c, d, x, y) => {
      v[a] = (v[a] + v[bb] + x) & M64; v[d] = rotr(v[d] ^ v[a], 32n);
      v[c] = (v[c] + v[d]) & M64; v[bb] = rotr(v[bb] ^ v[c], 24n);
      v[a] = (v[a] + v[bb] + y) & M64; v[d] = rotr(v[d] ^ v[a], 16n);
      v[c] = (v[c] + v[d]) & M64; v[bb] = rotr(v[bb] ^ v[c], 63n);
    };
    for (let r = 0; r < 12; r++) {
      const s = SIGMA[r % 10];
      G(0, 4, 8, 12, m[s[0]], m[s[1]]); G(1, 5, 9, 13, m[s[2]], m[s[3]]);
      G(2, 6, 10, 14, m[s[4]], m[s[5]]); G(3, 7, 11, 15, m[s[6]], m[s[7]]);
      G(0, 5, 10, 15, m[s[8]], m[s[9]]); G(1, 6, 11, 12, m[s[10]], m[s[11]]);
      G(2, 7, 8, 13, m[s[12]], m[s[13]]); G(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (let i = 0; i < 8; i++) h[i] ^= v[i] ^ v[i + 8];
  }
  const out = Buffer.alloc(64);
  h.forEach((w, i) => out.writeBigUInt64LE(w, i * 8));
  return out.subarray(0, 32).toString('hex');
}

// Everything the database holds, as text: the SQLite file with its -wal (and any other
// companion file) byte for byte, or every row of every table on PostgreSQL.
function databaseText(db) {
  if (PG) {
    const name = db.slice(db.lastIndexOf('/') + 1);
    const tables = psql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'", name)
      .split('\n').filter(Boolean);
    return tables.map((t) => psql(`SELECT coalesce(string_agg(row_to_json(x)::text, E'\\n'), '') FROM "${t}" x`, name)).join('\n');
  }
  const dir = join(db, '..');
  const base = db.slice(dir.length + 1);
  const files = readdirSync(dir).filter((f) => f.startsWith(base));
  assert.ok(files.includes(base), `no database file in ${dir}`);
  return files.map((f) => readFileSync(join(dir, f)).toString('latin1')).join('\n');
}

// ---- the shared server ----

let srv;
before(async () => { srv = await startServer(); });
after(() => assertStopsCleanly(srv));

const asAdmin = (method, path, body) => srv.request(method, path, body);

async function userNamed(username) {
  const r = await asAdmin('GET', `/api/v1/users?q=${encodeURIComponent(username)}&limit=500`);
  assert.equal(r.status, 200, r.text);
  const u = r.json.items.find((x) => x.username === username);
  assert.ok(u, `no user ${username}`);
  return u;
}

// ---- signing in ----

test('signing in: 200 with token, csrf_token, expires_at 12 h ahead and the user with grants', async () => {
  const t0 = Date.now();
  const r = await signInRaw(srv.url, 'xita_station');
  assert.equal(r.status, 200, r.text);
  assert.match(r.headers.get('content-type') || '', /^application\/json/);
  const s = r.json;
  assert.match(s.token, /^[A-Za-z0-9_-]{43,}$/, 'at least 256 bits, base64url');
  assert.match(s.csrf_token, /^[A-Za-z0-9_-]{43,}$/);
  assert.notEqual(s.csrf_token, s.token);
  assert.match(s.expires_at, RFC3339_CN);
  const ahead = (Date.parse(s.expires_at) - t0) / 1000;
  assert.ok(Math.abs(ahead - LIFETIME_S) < 120, `expires_at is ${ahead} s after sign-in, not 12 h`);
  assert.equal(s.user.username, 'xita_station');
  assert.equal(typeof s.user.id, 'number');
  assert.equal(s.user.display_name, '西塔党群服务站站长');
  assert.deepEqual(s.user.grants, [{ role: 'station_manager', org_id: null, station_id: 1 }]);

  const xita = (await signInRaw(srv.url, 'xita')).json;
  assert.deepEqual(xita.user.grants, [{ role: 'committee_admin', org_id: 3, station_id: null }]);
  assert.notEqual(xita.token, s.token);
  const admin = (await signInRaw(srv.url, 'admin')).json;
  assert.deepEqual(admin.user.grants, [{ role: 'admin', org_id: null, station_id: null }]);

  // Who am I: the same session, without the token.
  const me = await call(srv.url, 'GET', '/api/v1/session', { token: s.token });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.token, undefined, 'GET /api/v1/session does not hand the token out again');
  assert.equal(me.json.csrf_token, s.csrf_token);
  assert.equal(me.json.expires_at, s.expires_at);
  assert.deepEqual(me.json.user, s.user);
});

test('the session cookie: HttpOnly, SameSite=Strict, Path=/, not Secure over plain HTTP', async () => {
  const r = await signInRaw(srv.url, 'zhongke');
  assert.equal(r.status, 200, r.text);
  assert.equal(r.cookies.length, 1, r.headers.getSetCookie().join(' | '));
  const [c] = r.cookies;
  assert.equal(c.name, 'louyu_session', c.raw);
  assert.equal(c.value, r.json.token, 'the cookie carries the session token');
  assert.equal(c.attrs.httponly, true, c.raw);
  assert.equal(String(c.attrs.samesite).toLowerCase(), 'strict', c.raw);
  assert.equal(c.attrs.path, '/', c.raw);
  assert.equal(c.attrs.secure, undefined, `no Secure on plain HTTP: ${c.raw}`);
  assert.equal(c.attrs.domain, undefined, c.raw);
  if (c.attrs['max-age'] !== undefined)
    assert.ok(Number(c.attrs['max-age']) > 0 && Number(c.attrs['max-age']) <= LIFETIME_S, c.raw);
  // Without --trust-proxy a client's X-Forwarded-Proto changes nothing.
  const spoofed = await signInRaw(srv.url, 'zhongke', DEMO_PASSWORD, { 'x-forwarded-proto': 'https' });
  assert.equal(spoofed.cookies[0].name, 'louyu_session', spoofed.cookies[0].raw);
  assert.equal(spoofed.cookies[0].attrs.secure, undefined);
});

test('wrong password and unknown user: the same 401 answer', async () => {
  const wrong = await signInRaw(srv.url, 'fuli', 'not-the-password');
  const unknown = await signInRaw(srv.url, 'nobody_at_all', 'not-the-password');
  assertProblem(wrong, 401);
  assertProblem(unknown, 401);
  assert.equal(wrong.text, unknown.text, 'the bodies differ, so they tell whether a user exists');
  assert.equal(wrong.headers.get('content-type'), unknown.headers.get('content-type'));
  assert.deepEqual(wrong.cookies, []);
  assert.deepEqual(unknown.cookies, []);
  assert.equal(wrong.json.token, undefined);
});

// ---- cookie, CSRF, bearer ----

test('the cookie authenticates reads; a cookie write needs X-CSRF-Token', async () => {
  const r = await signInRaw(srv.url, 'xita_station');
  const cookie = `louyu_session=${r.json.token}`;
  const csrf = r.json.csrf_token;

  const me = await call(srv.url, 'GET', '/api/v1/session', { cookie });
  assert.equal(me.status, 200, me.text);
  assert.equal(me.json.user.username, 'xita_station');

  const room = (await call(srv.url, 'GET', '/api/v1/rooms/3', { cookie })).json;
  const patch = { version: room.version, capacity: 31 };
  const none = await call(srv.url, 'PATCH', '/api/v1/rooms/3', { cookie, body: patch });
  assertProblem(none, 403);
  const wrong = await call(srv.url, 'PATCH', '/api/v1/rooms/3', { cookie, body: patch, csrf: csrf.slice(0, -1) + (csrf.endsWith('A') ? 'B' : 'A') });
  assertProblem(wrong, 403);
  const token = await call(srv.url, 'PATCH', '/api/v1/rooms/3', { cookie, body: patch, csrf: r.json.token });
  assertProblem(token, 403);
  const other = (await signInRaw(srv.url, 'xita_station')).json.csrf_token;
  const another = await call(srv.url, 'PATCH', '/api/v1/rooms/3', { cookie, body: patch, csrf: other });
  assertProblem(another, 403);
  const created = await call(srv.url, 'POST', '/api/v1/rooms', { cookie, body: { station_id: 1, name: '无令牌房间', kind: 'talk_room', capacity: 2 } });
  assertProblem(created, 403);
  assert.equal((await call(srv.url, 'GET', '/api/v1/rooms/3')).json.version, room.version, 'a refused write changed the room');
  // Signing out is a write too: a forged logout is refused.
  assertProblem(await call(srv.url, 'DELETE', '/api/v1/session', { cookie }), 403);
  assert.equal((await call(srv.url, 'GET', '/api/v1/session', { cookie })).status, 200);

  const ok = await call(srv.url, 'PATCH', '/api/v1/rooms/3', { cookie, body: patch, csrf });
  assert.equal(ok.status, 200, ok.text);
  assert.equal(ok.json.capacity, 31);
  const made = await call(srv.url, 'POST', '/api/v1/rooms', { cookie, csrf, body: { station_id: 1, name: '有令牌房间', kind: 'talk_room', capacity: 2 } });
  assert.equal(made.status, 201, made.text);
});

test('bearer writes need no CSRF token', async () => {
  const s = await signIn(srv.url, 'xita_station');
  const room = (await call(srv.url, 'GET', '/api/v1/rooms/2')).json;
  const r = await call(srv.url, 'PATCH', '/api/v1/rooms/2', { token: s.token, body: { version: room.version, bookable: false } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.bookable, false);
  const d = await call(srv.url, 'DELETE', `/api/v1/rooms/${(await call(srv.url, 'POST', '/api/v1/rooms',
    { token: s.token, body: { station_id: 1, name: '持票房间', kind: 'talk_room', capacity: 2 } })).json.id}`, { token: s.token });
  assert.equal(d.status, 204, d.text);
});

// ---- one's own settings ----

test('PATCH /api/v1/session keeps the user\'s language; anything else is 400 and changes nothing', async () => {
  const s = await signIn(srv.url, 'zhongke');
  assert.equal(s.user.locale, null, 'no language chosen yet');
  for (const body of [{ locale: 'fr' }, { locale: 'en', extra: 1 }, {}, { locale: 7 }, []]) {
    const r = await call(srv.url, 'PATCH', '/api/v1/session', { token: s.token, body });
    assert.equal(r.status, 400, `${JSON.stringify(body)}: ${r.text}`);
    assert.equal(r.json.errors[0].pointer, '/locale', r.text);
  }
  assert.equal((await call(srv.url, 'GET', '/api/v1/session', { token: s.token })).json.user.locale, null);
  const r = await call(srv.url, 'PATCH', '/api/v1/session', { token: s.token, body: { locale: 'zh-TW' } });
  assert.equal(r.status, 200, r.text);
  assert.equal(r.json.user.locale, 'zh-TW');
  // kept with the user: a new session has it, and the user record says it (read-only there)
  assert.equal((await signIn(srv.url, 'zhongke')).user.locale, 'zh-TW');
  const u = await userNamed('zhongke');
  assert.equal(u.locale, 'zh-TW');
  const p = await asAdmin('PATCH', `/api/v1/users/${u.id}`, { version: u.version, locale: 'en' });
  assert.equal(p.status, 400, `an admin does not choose a user's language: ${p.text}`);
  assert.equal((await call(srv.url, 'PATCH', '/api/v1/session', { body: { locale: 'en' } })).status, 401);
});

// ---- what ends a session ----

test('DELETE /api/v1/session ends that session and clears the cookie', async () => {
  const a = await signIn(srv.url, 'member');
  const b = await signIn(srv.url, 'member');
  const out = await call(srv.url, 'DELETE', '/api/v1/session', { token: a.token });
  assert.equal(out.status, 204, out.text);
  assert.equal(out.cookies.length, 1, 'signing out clears the cookie');
  assertCleared(out.cookies[0], 'louyu_session');
  for (const path of ['/api/v1/session', '/api/v1/orgs'])
    assertProblem(await call(srv.url, 'GET', path, { token: a.token }), 401);
  assertProblem(await call(srv.url, 'DELETE', '/api/v1/session', { token: a.token }), 401);
  // An ended token is nobody: public routes still answer.
  assert.equal((await call(srv.url, 'GET', '/api/v1/rooms/1', { token: a.token })).status, 200);
  // The user's other session lives on.
  assert.equal((await call(srv.url, 'GET', '/api/v1/session', { token: b.token })).status, 200);

  // Signing out with the cookie (and its CSRF token).
  const cookie = `louyu_session=${b.token}`;
  const out2 = await call(srv.url, 'DELETE', '/api/v1/session', { cookie, csrf: b.csrf_token });
  assert.equal(out2.status, 204, out2.text);
  assertCleared(out2.cookies[0], 'louyu_session');
  assertProblem(await call(srv.url, 'GET', '/api/v1/session', { cookie }), 401);
});

test('a new password (louyu user passwd) ends the user\'s sessions', async () => {
  const a = await signIn(srv.url, 'zhongke');
  const b = await signIn(srv.url, 'zhongke');
  const bystander = await signIn(srv.url, 'xita');
  const r = louyu(['user', 'passwd', 'zhongke', '--db', srv.db], { env: { ...process.env, LOUYU_PASSWORD: 'zhongke-new-pass' } });
  assert.equal(r.status, 0, r.stderr);
  for (const s of [a, b])
    assertProblem(await call(srv.url, 'GET', '/api/v1/session', { token: s.token }), 401);
  assertProblem(await call(srv.url, 'GET', '/api/v1/session', { cookie: `louyu_session=${a.token}` }), 401);
  assert.equal((await call(srv.url, 'GET', '/api/v1/session', { token: bystander.token })).status, 200, 'other users keep their sessions');
  assertProblem(await signInRaw(srv.url, 'zhongke'), 401);
  const fresh = await signInRaw(srv.url, 'zhongke', 'zhongke-new-pass');
  assert.equal(fresh.status, 200, fresh.text);
  // The audit records that the password changed, by whom, and nothing of it.
  const u = await userNamed('zhongke');
  const log = (await asAdmin('GET', `/api/v1/audit?entity=user&entity_id=${u.id}&action=password`)).json.items;
  assert.equal(log.length, 1, JSON.stringify(log));
  assert.equal(log[0].username, 'cli');
  assert.ok(!JSON.stringify(log[0]).includes('zhongke-new-pass'));
});

test('disabling a user ends its sessions and blocks signing in', async () => {
  const s = await signIn(srv.url, 'member');
  let u = await userNamed('member');
  const off = await asAdmin('PATCH', `/api/v1/users/${u.id}`, { version: u.version, disabled: true });
  assert.equal(off.status, 200, off.text);
  assert.equal(off.json.disabled, true);
  assertProblem(await call(srv.url, 'GET', '/api/v1/session', { token: s.token }), 401);
  assertProblem(await call(srv.url, 'GET', '/api/v1/orgs/4', { token: s.token }), 401);
  const refused = await signInRaw(srv.url, 'member');
  assertProblem(refused, 401);
  const unknown = await signInRaw(srv.url, 'no_such_member', 'whatever-it-is');
  assert.equal(refused.text, unknown.text, 'a disabled user looks like an unknown one');
  // Enabled again, the user signs in afresh; the old session stays ended.
  u = await userNamed('member');
  const on = await asAdmin('PATCH', `/api/v1/users/${u.id}`, { version: u.version, disabled: false });
  assert.equal(on.status, 200, on.text);
  assert.equal((await signInRaw(srv.url, 'member')).status, 200);
  assertProblem(await call(srv.url, 'GET', '/api/v1/session', { token: s.token }), 401);
});

// Runs SQL on the test database; null when no client is installed.
function sqlClient(db) {
  if (PG) {
    const name = db.slice(db.lastIndexOf('/') + 1);
    return (stmt) => psql(stmt, name);
  }
  if (spawnSync('sqlite3', ['-version']).status !== 0) return null;
  return (stmt) => {
    const r = spawnSync('sqlite3', ['-cmd', '.timeout 10000', db, stmt], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`sqlite3: ${r.stderr}`);
    return r.stdout.trim();
  };
}

test('a session ends at expires_at, and after 2 hours without a request', async (t) => {
  const sql = sqlClient(srv.db);
  if (!sql) return t.skip('neither sqlite3 nor psql is installed');
  const expired = await signIn(srv.url, 'fuli');
  const idle = await signIn(srv.url, 'fuli');
  const nearlyIdle = await signIn(srv.url, 'fuli');
  const hash = (s) => blake2b256Hex(s.token);
  // Only the hash is stored, so that is how the test finds each session's row.
  assert.equal(sql(`SELECT count(*) FROM sessions WHERE token_hash IN ('${hash(expired)}', '${hash(idle)}', '${hash(nearlyIdle)}')`), '3');
  sql(`UPDATE sessions SET created_at = created_at - ${LIFETIME_S}, seen_at = seen_at - 60, expires_at = expires_at - ${LIFETIME_S} WHERE token_hash = '${hash(expired)}'`);
  sql(`UPDATE sessions SET seen_at = seen_at - ${2 * 3600 + 5} WHERE token_hash = '${hash(idle)}'`);
  sql(`UPDATE sessions SET seen_at = seen_at - ${2 * 3600 - 300} WHERE token_hash = '${hash(nearlyIdle)}'`);
  assertProblem(await call(srv.url, 'GET', '/api/v1/session', { token: expired.token }), 401);
  assertProblem(await call(srv.url, 'GET', '/api/v1/session', { token: idle.token }), 401);
  assertProblem(await call(srv.url, 'GET', '/api/v1/session', { cookie: `louyu_session=${idle.token}` }), 401);
  // Used just in time, a session lives on, and its idle time starts again.
  assert.equal((await call(srv.url, 'GET', '/api/v1/session', { token: nearlyIdle.token })).status, 200);
  const seen = Number(sql(`SELECT seen_at FROM sessions WHERE token_hash = '${hash(nearlyIdle)}'`));
  assert.ok(Math.abs(seen - Date.now() / 1000) < 120, `seen_at ${seen} was not brought up to date`);
});

// ---- the audit log ----

test('the audit log records who, what, before and after of a write', async () => {
  const s = await signIn(srv.url, 'xita_station');
  const t0 = Date.now();
  const room = (await call(srv.url, 'GET', '/api/v1/rooms/1')).json;
  const r = await call(srv.url, 'PATCH', '/api/v1/rooms/1', { token: s.token, body: { version: room.version, capacity: room.capacity + 1, name: '白领党员大课堂' } });
  assert.equal(r.status, 200, r.text);
  const log = await asAdmin('GET', '/api/v1/audit?entity=room&entity_id=1&limit=500');
  assert.equal(log.status, 200, log.text);
  const rec = log.json.items.filter((a) => a.action === 'update').at(-1);
  assert.ok(rec, JSON.stringify(log.json.items));
  assert.equal(rec.username, 'xita_station');
  assert.equal(rec.user_id, s.user.id);
  assert.equal(rec.entity, 'room');
  assert.equal(rec.entity_id, 1);
  assert.equal(rec.org_id, 3);
  assert.deepEqual(rec.changes, { capacity: [room.capacity, room.capacity + 1], name: [room.name, '白领党员大课堂'] });
  assert.match(rec.at, RFC3339_CN);
  assert.ok(Math.abs(Date.parse(rec.at) - t0) < 60_000, `at ${rec.at}`);

  // A create has nothing before, a delete nothing after.
  const made = await call(srv.url, 'POST', '/api/v1/rooms', { token: s.token, body: { station_id: 1, name: '审计房间', kind: 'talk_room', capacity: 3 } });
  assert.equal(made.status, 201, made.text);
  assert.equal((await call(srv.url, 'DELETE', `/api/v1/rooms/${made.json.id}`, { token: s.token })).status, 204);
  // (Records newer than the update above only: SQLite hands a deleted room's id out again.)
  const trail = (await asAdmin('GET', `/api/v1/audit?entity=room&entity_id=${made.json.id}&limit=500`)).json.items
    .filter((a) => a.id > rec.id);
  assert.deepEqual(trail.map((a) => [a.action, a.username]), [['create', 'xita_station'], ['delete', 'xita_station']]);
  assert.deepEqual(trail[0].changes.name, [null, '审计房间']);
  assert.deepEqual(trail[1].changes.capacity, [3, null]);
  // A refused write leaves no record.
  const fuli = await signIn(srv.url, 'fuli');
  const now = (await call(srv.url, 'GET', '/api/v1/rooms/1')).json;
  assert.equal((await call(srv.url, 'PATCH', '/api/v1/rooms/1', { token: fuli.token, body: { version: now.version, capacity: 1 } })).status, 403);
  const after = (await asAdmin('GET', '/api/v1/audit?entity=room&entity_id=1&limit=500')).json.items;
  assert.equal(after.length, log.json.items.length);
});

// ---- throttling ----

test('5 wrong passwords for a user: the 6th attempt is 429 with Retry-After, even with the right password; shared by two servers on one database', async () => {
  const fresh = freshDb();
  const a = await startServer({ db: fresh.db, as: null });
  const b = await startServer({ db: fresh.db, as: null });
  try {
    for (let i = 1; i <= 5; i++)
      assertProblem(await signInRaw(a.url, 'member', `wrong-${i}-password`), 401);
    const sixth = await signInRaw(a.url, 'member');
    assertProblem(sixth, 429);
    const retry = sixth.headers.get('retry-after');
    assert.match(retry || '', /^\d+$/, `Retry-After: ${retry}`);
    assert.ok(Number(retry) > 0 && Number(retry) <= 15 * 60, `Retry-After: ${retry}`);
    assert.deepEqual(sixth.cookies, []);
    assertProblem(await signInRaw(b.url, 'member'), 429);
    // Other users are not affected.
    assert.equal((await signInRaw(a.url, 'zhongke')).status, 200);
    assert.equal((await signInRaw(b.url, 'xita')).status, 200);

    // The count is one, whichever server the attempts reach.
    for (let i = 1; i <= 5; i++)
      assertProblem(await signInRaw(i % 2 ? a.url : b.url, 'fuli', `wrong-${i}-password`), 401);
    const onB = await signInRaw(b.url, 'fuli');
    assertProblem(onB, 429);
    assert.ok(onB.headers.get('retry-after'));
    assertProblem(await signInRaw(a.url, 'fuli'), 429);
  } finally {
    const ca = (await a.stop()).code;
    const cb = (await b.stop()).code;
    fresh.cleanup();
    assert.equal(ca, 0, a.logs().stderr);
    assert.equal(cb, 0, b.logs().stderr);
  }
});

test('20 failed sign-ins from one address: 429 for any user from there', async () => {
  const s = await startServer({ as: null });
  try {
    // At most 4 per user, so that only the address's count can reach its limit.
    const names = ['admin', 'xita', 'fuli', 'member', 'ghost_1', 'ghost_2'];
    for (let i = 0; i < 20; i++)
      assertProblem(await signInRaw(s.url, names[i % names.length], `wrong-${i}-password`), 401);
    for (const user of ['admin', 'zhongke']) {
      const r = await signInRaw(s.url, user);
      assertProblem(r, 429);
      assert.match(r.headers.get('retry-after') || '', /^\d+$/);
    }
  } finally {
    assert.equal((await s.stop()).code, 0);
  }
});

// ---- behind a proxy ----

test('--trust-proxy: over HTTPS the cookie is __Host-louyu_session and Secure; the address is the proxy\'s X-Forwarded-For', async () => {
  const s = await startServer({ as: null, args: ['--trust-proxy'] });
  try {
    const https = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '198.51.100.1' };
    const r = await signInRaw(s.url, 'xita', DEMO_PASSWORD, https);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.cookies.length, 1);
    const [c] = r.cookies;
    assert.equal(c.name, '__Host-louyu_session', c.raw);
    assert.equal(c.value, r.json.token);
    assert.equal(c.attrs.secure, true, c.raw);
    assert.equal(c.attrs.httponly, true, c.raw);
    assert.equal(String(c.attrs.samesite).toLowerCase(), 'strict', c.raw);
    assert.equal(c.attrs.path, '/', c.raw);
    assert.equal(c.attrs.domain, undefined, `__Host- cookies take no Domain: ${c.raw}`);
    const cookie = `__Host-louyu_session=${r.json.token}`;
    const me = await call(s.url, 'GET', '/api/v1/session', { cookie, headers: https });
    assert.equal(me.status, 200, me.text);
    const out = await call(s.url, 'DELETE', '/api/v1/session', { cookie, csrf: r.json.csrf_token, headers: https });
    assert.equal(out.status, 204, out.text);
    assertCleared(out.cookies[0], '__Host-louyu_session');
    assert.equal(out.cookies[0].attrs.secure, true);
    // Over plain HTTP through the proxy: the plain cookie.
    const plain = await signInRaw(s.url, 'xita', DEMO_PASSWORD, { 'x-forwarded-proto': 'http', 'x-forwarded-for': '198.51.100.1' });
    assert.equal(plain.cookies[0].name, 'louyu_session', plain.cookies[0].raw);
    assert.equal(plain.cookies[0].attrs.secure, undefined);

    // Throttling counts the address the proxy appended (the rightmost).
    const from = (ip) => ({ 'x-forwarded-for': `10.9.9.9, ${ip}` });
    for (let i = 0; i < 20; i++)
      assertProblem(await signInRaw(s.url, `ghost_${i}`, 'wrong-password', from('203.0.113.7')), 401);
    assertProblem(await signInRaw(s.url, 'admin', DEMO_PASSWORD, from('203.0.113.7')), 429);
    assert.equal((await signInRaw(s.url, 'admin', DEMO_PASSWORD, from('203.0.113.8'))).status, 200,
      'another address is not affected');
  } finally {
    assert.equal((await s.stop()).code, 0);
  }
});

// ---- nothing leaks ----

test('no answer, log line, audit record or database byte holds a password or a raw token', async () => {
  const fresh = freshDb();
  const s = await startServer({ db: fresh.db, as: null });
  const seen = []; // every answer: [what, body, is it a sign-in answer]
  const tokens = [];
  const req = async (method, path, opts = {}) => {
    const r = await call(s.url, method, path, opts);
    seen.push([`${method} ${path} -> ${r.status}`, r.text, path === '/api/v1/session' && method === 'POST' && r.status === 200]);
    return r;
  };
  const login = async (username, password = DEMO_PASSWORD) => {
    const r = await req('POST', '/api/v1/session', { body: { username, password } });
    assert.equal(r.status, 200, r.text);
    tokens.push(r.json.token);
    return r.json;
  };
  const NEW_USER_PW = 'Leak-Probe-Secret-4711';
  const CLI_PW = 'Cli-Probe-Secret-0815';
  const WRONG_PW = 'Wrong-Probe-Secret-1234';
  let stopped = false;
  try {
    const admin = await login('admin');
    const mgr = await login('xita_station');
    const xita = await login('xita');
    // Writes by bearer and by cookie.
    const room = (await req('GET', '/api/v1/rooms/1', { token: mgr.token })).json;
    assert.equal((await req('PATCH', '/api/v1/rooms/1', { token: mgr.token, body: { version: room.version, capacity: 59 } })).status, 200);
    assert.equal((await req('POST', '/api/v1/rooms', { cookie: `louyu_session=${xita.token}`, csrf: xita.csrf_token,
      body: { station_id: 1, name: '泄漏检查室', kind: 'talk_room', capacity: 4 } })).status, 201);
    // A user made with a password over the API, who signs in; a password set on the
    // command line; a wrong password; a failed CSRF; a session ended.
    const made = await req('POST', '/api/v1/users', { token: admin.token, body: { username: 'leak_probe', password: NEW_USER_PW } });
    assert.equal(made.status, 201, made.text);
    assert.equal((await req('POST', '/api/v1/grants', { token: admin.token, body: { user_id: made.json.id, role: 'member', org_id: 4 } })).status, 201);
    await login('leak_probe', NEW_USER_PW);
    const cli = louyu(['user', 'passwd', 'member', '--db', s.db], { env: { ...process.env, LOUYU_PASSWORD: CLI_PW } });
    assert.equal(cli.status, 0, cli.stderr);
    await login('member', CLI_PW);
    assert.equal((await req('POST', '/api/v1/session', { body: { username: 'fuli', password: WRONG_PW } })).status, 401);
    assert.equal((await req('PATCH', '/api/v1/rooms/1', { cookie: `louyu_session=${mgr.token}`, body: { version: 1, capacity: 2 } })).status, 403);
    assert.equal((await req('GET', '/api/v1/session', { cookie: `louyu_session=${mgr.token}` })).status, 200);
    const ended = await login('zhongke');
    assert.equal((await req('DELETE', '/api/v1/session', { token: ended.token })).status, 204);
    assert.equal((await req('GET', '/api/v1/orgs', { token: ended.token })).status, 401);
    // Reading back what is there to read.
    for (const path of ['/api/v1/audit?limit=500', '/api/v1/users?limit=500', '/api/v1/grants?limit=500', '/api/v1/session'])
      assert.equal((await req('GET', path, { token: admin.token })).status, 200);
    const audit = (await req('GET', '/api/v1/audit?limit=500', { token: admin.token })).json.items;
    assert.ok(audit.some((a) => a.entity === 'user' && a.action === 'password'), 'the password change is audited');
    assert.ok(audit.some((a) => a.entity === 'user' && a.action === 'create' && a.entity_id === made.json.id));

    const passwords = [DEMO_PASSWORD, NEW_USER_PW, CLI_PW, WRONG_PW];
    const secrets = [...passwords.map((p) => ['password', p]), ...tokens.map((t) => ['token', t])];

    // The database, while the sessions live: the hash of each live token, never the token.
    const db = databaseText(s.db);
    const live = tokens.filter((t) => t !== ended.token);
    for (const t of live)
      assert.ok(db.includes(blake2b256Hex(t)), 'the database does not hold the token\'s BLAKE2b-256 hash (is this the right file?)');
    for (const [what, v] of secrets)
      assert.ok(!db.includes(v), `the database holds a ${what}`);

    for (const [what, body, isSignIn] of seen)
      for (const [kind, v] of secrets) {
        if (kind === 'token' && isSignIn) continue; // the sign-in answer is where the token is given
        assert.ok(!body.includes(v), `the answer to ${what} holds a ${kind}`);
      }
    for (const [kind, v] of secrets)
      assert.ok(!JSON.stringify(audit).includes(v), `an audit record holds a ${kind}`);

    const { code } = await s.stop();
    stopped = true;
    assert.equal(code, 0);
    const { stdout, stderr } = s.logs();
    assert.ok(stdout.split('\n').filter(Boolean).length >= seen.length, 'the access log has a line per request');
    for (const [kind, v] of secrets) {
      assert.ok(!stdout.includes(v), `the access log (stdout) holds a ${kind}`);
      assert.ok(!stderr.includes(v), `stderr holds a ${kind}`);
    }
    // After the server stopped, the database (checkpointed or not) still holds none.
    const dbAfter = databaseText(s.db);
    for (const [what, v] of secrets)
      assert.ok(!dbAfter.includes(v), `the database holds a ${what} after shutdown`);
  } finally {
    if (!stopped) await s.stop();
    fresh.cleanup();
  }
});

// A worker thread never waits for its turn to check a password: sign-ins past the seats
// (one per two cores, fewer than the threads) are told at once to come back, and count
// for nothing.
test('sign-ins past the password seats answer 503 with Retry-After at once, and count nothing', async () => {
  const fresh = freshDb();
  const s = await startServer({ db: fresh.db, as: null });
  try {
    // each on a connection of its own, all at once (fetch would queue them)
    const raw = () => new Promise((resolve, reject) => {
      const body = JSON.stringify({ username: 'zhongke', password: 'wrong-password' });
      const req = http.request(`${s.url}/api/v1/session`, {
        method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': body.length },
      }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => { text += d; });
        res.on('end', () => resolve({
          status: res.statusCode, text, json: JSON.parse(text), headers: new Headers(res.headers),
        }));
      });
      req.on('error', reject);
      req.end(body);
    });
    const all = await Promise.all(Array.from({ length: 12 }, raw));
    const busy = all.filter((r) => r.status === 503);
    assert.ok(busy.length > 0, `no 503 among ${all.map((r) => r.status)}`);
    for (const r of busy) {
      assertProblem(r, 503);
      assert.equal(r.headers.get('retry-after'), '1');
      assert.match(r.json.detail, /checking as many passwords as it can at once/);
    }
    const counted = all.filter((r) => r.status !== 503);
    assert.deepEqual(counted.filter((r) => ![401, 429].includes(r.status)), [], 'the others were counted');
    assert.ok(counted.filter((r) => r.status === 401).length <= 5);
    // Only those counted: 5 failures for a user lock it, so the user may still try as often
    // as 5 less those.
    const left = Math.max(0, 5 - counted.length);
    for (let i = 0; i < left; i++) assert.equal((await signInRaw(s.url, 'zhongke', 'wrong-password')).status, 401);
    assert.equal((await signInRaw(s.url, 'zhongke', 'wrong-password')).status, 429);
  } finally {
    assert.equal((await s.stop()).code, 0);
    fresh.cleanup();
  }
});

// Counts of failed sign-ins are kept only while they count: the sweep forgets those whose
// 15-minute window has passed, so a spray of ever new usernames cannot grow the table.
test('the sweep forgets counts of failed sign-ins once their window has passed', async () => {
  const fresh = freshDb();
  const s = await startServer({ db: fresh.db, as: null });
  const rows = () => Number(PG
    ? psql('SELECT count(*) FROM signin_failures', fresh.db.split('/').pop())
    : spawnSync('sqlite3', [fresh.db, 'SELECT count(*) FROM signin_failures'], { encoding: 'utf8' }).stdout);
  try {
    for (let i = 0; i < 3; i++) assert.equal((await signInRaw(s.url, `nobody-${i}`, 'wrong-password')).status, 401);
    const before = rows();
    assert.ok(before >= 4, `${before} rows: one per username and one for the address`);
    const now = louyu(['bookings', 'sweep', '--db', fresh.db]);
    assert.equal(now.status, 0, now.stderr);
    assert.match(now.stdout, /; 0 counts of failed sign-ins past their window/);
    assert.equal(rows(), before, 'a count still in its window was forgotten');
    const later = louyu(['bookings', 'sweep', '--db', fresh.db], { env: { ...process.env, LOUYU_CLOCK_OFFSET: String(16 * 60) } });
    assert.equal(later.status, 0, later.stderr);
    assert.match(later.stdout, new RegExp(`; ${before} counts of failed sign-ins past their window`));
    assert.equal(rows(), 0);
  } finally {
    assert.equal((await s.stop()).code, 0);
    fresh.cleanup();
  }
});

// Found in review: attempts sent all at once must not all pass the limit while the
// first ones are still being checked.
test('12 wrong passwords sent at once: at most 5 are checked, the rest are 429', async () => {
  const fresh = freshDb();
  const s = await startServer({ db: fresh.db, as: null });
  try {
    const all = await Promise.all(Array.from({ length: 12 }, (_, i) => signInRaw(s.url, 'zhongke', `wrong-at-once-${i}`)));
    const codes = all.map((r) => r.status).sort();
    assert.equal(codes.filter((c) => c === 401).length, 5, JSON.stringify(codes));
    assert.equal(codes.filter((c) => c === 429).length, 7, JSON.stringify(codes));
    // Signing in well takes its attempt back: an office behind one address is not throttled.
    for (let i = 0; i < 25; i++) assert.equal((await signInRaw(s.url, 'xita')).status, 200);
  } finally {
    assert.equal((await s.stop()).code, 0);
    fresh.cleanup();
  }
});
