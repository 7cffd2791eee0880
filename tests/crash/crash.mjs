// The crash test: a write load against the real release binary, killed with SIGKILL at a
// random moment of each round (0.2-3 s in), restarted, and checked each time from the
// database itself (check.mjs): integrity, the invariants, and every acknowledged write.
// On PostgreSQL the same, and rounds that crash the PostgreSQL server instead
// (pg_ctl stop -m immediate, then start) while louyu serves: louyu answers 503 while the
// database is away and recovers by itself. On SQLite it also takes `louyu backup` under
// the load, restores it, serves it, and checks it holds every write acknowledged before
// the backup began; and it shows that the checker catches a damaged database.
//
//   tests/crash/run [--long] [--db sqlite|pg|pg-restart|all] [--kills N] [--restarts N]
//
// Short (default): 5 kills on SQLite; 3 kills and 1 restart of PostgreSQL when it is
// installed. --long: 100 kills on SQLite, 50 on PostgreSQL, 10 PostgreSQL restarts.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, writeFileSync, openSync, writeSync, closeSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Ledger, checkAll, query } from './check.mjs';
import { prepare, signIn, startLoad, client } from './load.mjs';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const BIN = process.env.LOUYU_BIN || join(ROOT, 'build/release/louyu');
const PG_SERVER = join(ROOT, 'scripts/pg-test-server');

// ---- options ----

const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const long = args.includes('--long');
const which = opt('--db', 'all');
if (!['sqlite', 'pg', 'pg-restart', 'all'].includes(which)) {
  console.error('usage: tests/crash/run [--long] [--db sqlite|pg|pg-restart|all] [--kills N] [--restarts N]');
  process.exit(2);
}
const KILLS_SQLITE = Number(opt('--kills', long ? 100 : 5));
const KILLS_PG = Number(opt('--kills', long ? 50 : 3));
const PG_RESTARTS = Number(opt('--restarts', long ? 10 : 1));

const failures = [];
const say = (...xs) => console.log('crash:', ...xs);
const fail = (what) => { failures.push(what); console.log(`crash: FAIL ${what}`); };

// ---- louyu ----

function louyu(argv) {
  const r = spawnSync(BIN, argv, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Runs louyu without blocking the load (which runs in this process).
function louyuAsync(argv) {
  return new Promise((done) => {
    const child = spawn(BIN, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('exit', (status) => done({ status, stdout, stderr }));
  });
}

// Every server running, so that none outlives a run that failed half-way.
const running = new Set();
process.on('exit', () => { for (const c of running) c.kill('SIGKILL'); });

// Starts `louyu serve` and resolves once it listens: { url, child, exited, stderr() }.
async function serve(db) {
  const child = spawn(BIN, ['serve', '--db', db, '--listen', '127.0.0.1:0', '--access-log', 'off'], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  let stderr = '';
  const exited = new Promise((done) => child.on('exit', (code, signal) => { running.delete(child); done({ code, signal }); }));
  const port = await new Promise((ok, no) => {
    const timer = setTimeout(() => no(new Error(`louyu did not start in 30 s: ${stderr}`)), 30000);
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /serving http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr);
      if (m) { clearTimeout(timer); ok(Number(m[1])); }
    });
    exited.then(({ code, signal }) => { clearTimeout(timer); no(new Error(`louyu exited (${code ?? signal}) at start: ${stderr}`)); });
  });
  return { url: `http://127.0.0.1:${port}`, child, exited, stderr: () => stderr };
}

async function kill(srv, signal) {
  srv.child.kill(signal);
  return srv.exited;
}

const randomMs = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo));

// ---- one database through its rounds ----

function describeStats(s) {
  return `${s.sent} requests, ${s.ok} 2xx, ${s.refused} 4xx (${s.overlap} overlap), ${s.unavailable} 503, ${s.lost} lost connections, ${s.other5xx} other 5xx`;
}

// Checks the database against the ledger; records failures; resolves the writes in doubt.
function verify(label, db, ledger, totals) {
  const r = checkAll(db, ledger);
  totals.checks++;
  totals.checked += r.checked;
  for (const i of r.invariants) if (!i.ok) totals.broken.add(i.name);
  if (!r.ok) for (const p of r.problems.slice(0, 10)) fail(`${label}: ${p}`);
  if (r.found) ledger.resolve(r.found);
  return r;
}

// A round: load for a random 0.2-3 s, then `interrupt` (a SIGKILL of louyu, or a crash of
// PostgreSQL); then the load stops and the database is checked.
async function killRounds({ name, db, rounds, ledger, world, token, totals }) {
  let srv = await serve(db);
  for (let i = 1; i <= rounds; i++) {
    const load = startLoad(srv.url, token, world, ledger);
    await sleep(randomMs(200, 3000));
    const { signal } = await kill(srv, 'SIGKILL');
    if (signal !== 'SIGKILL') fail(`${name} round ${i}: louyu had exited before the kill (${signal}): ${srv.stderr()}`);
    await load.stop();
    add(totals.stats, load.stats);
    const r = verify(`${name} round ${i}`, db, ledger, totals);
    if (long ? i % 10 === 0 : true)
      say(`${name} kill ${i}/${rounds}: ${describeStats(load.stats)}; ${r.checked} acknowledged records checked, ${r.ok ? 'all there' : 'PROBLEMS'}`);
    srv = await serve(db);
  }
  return srv;
}

function add(into, s) {
  for (const k of ['sent', 'ok', 'refused', 'overlap', 'unavailable', 'lost', 'other5xx']) into[k] = (into[k] || 0) + s[k];
  into.byOp ||= {};
  for (const [op, o] of Object.entries(s.byOp)) {
    const t = (into.byOp[op] ||= { ok: 0, refused: 0, doubt: 0 });
    for (const k of ['ok', 'refused', 'doubt']) t[k] += o[k];
  }
}

const byOp = (s) => Object.entries(s.byOp || {}).map(([op, o]) => `${op} ${o.ok}/${o.refused}/${o.doubt}`).join(', ');

function newTotals() {
  return { checks: 0, checked: 0, broken: new Set(), stats: {} };
}

function report(name, rounds, totals) {
  say(`${name}: ${rounds}, ${totals.checks} checks, ${totals.checked} acknowledged records checked in all; ` +
    `load: ${describeStats(totals.stats)}; by operation (2xx/4xx/in doubt): ${byOp(totals.stats)}; invariants: ${totals.broken.size ? `BROKEN: ${[...totals.broken].join('; ')}` : 'all held'}`);
}

// Stops a server with SIGTERM: it must exit 0.
async function stopCleanly(name, srv) {
  const { code, signal } = await kill(srv, 'SIGTERM');
  if (code !== 0) fail(`${name}: louyu exited ${code ?? signal} on SIGTERM: ${srv.stderr().slice(-2000)}`);
}

// ---- SQLite ----

async function runSqlite() {
  const dir = mkdtempSync(join(tmpdir(), 'louyu-crash-'));
  const db = join(dir, 'louyu.db');
  try {
    const d = louyu(['demo', '--db', db]);
    if (d.status !== 0) throw new Error(`louyu demo: ${d.stderr}`);
    let srv = await serve(db);
    const token = await signIn(srv.url);
    const world = await prepare(srv.url, token);
    await kill(srv, 'SIGTERM');
    const ledger = new Ledger();
    const totals = newTotals();
    srv = await killRounds({ name: 'sqlite', db, rounds: KILLS_SQLITE, ledger, world, token, totals });
    srv = await backupUnderLoad({ dir, db, srv, ledger, world, token, totals });
    await stopCleanly('sqlite', srv);
    verify('sqlite after a clean stop', db, ledger, totals);
    report('sqlite', `${KILLS_SQLITE} kills`, totals);
    checkerCatches(dir, db, ledger);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// `louyu backup` while the load runs; the backup restored to a new file, served, and
// checked: consistent, and holding every write acknowledged before the backup began.
async function backupUnderLoad({ dir, db, srv, ledger, world, token, totals }) {
  const out = join(dir, 'backup.db');
  const restored = join(dir, 'restored.db');
  const load = startLoad(srv.url, token, world, ledger);
  await sleep(1000);
  const began = Date.now();
  const b = await louyuAsync(['backup', '--db', db, out]);
  const took = Date.now() - began;
  await sleep(500);
  await load.stop();
  add(totals.stats, load.stats);
  if (b.status !== 0) {
    fail(`backup under load: louyu backup exited ${b.status}: ${b.stderr}`);
    return srv;
  }
  say(`backup under load: ${b.stdout.trim()} (${took} ms with the load running; load during it: ${describeStats(load.stats)})`);
  const r = louyu(['restore', '--db', restored, out]);
  if (r.status !== 0) fail(`restore: louyu restore exited ${r.status}: ${r.stderr}`);
  const leftovers = readdirSync(dir).filter((f) => f.endsWith('.tmp'));
  if (leftovers.length) fail(`backup and restore left temporary files: ${leftovers.join(', ')}`);
  // The restored file serves: ready, a sign-in works (sessions are rows), then a clean stop.
  const s2 = await serve(restored);
  const ready = await client(s2.url).request('GET', '/readyz');
  if (ready.status !== 200) fail(`the restored database: /readyz answered ${ready.status}`);
  const me = await client(s2.url, token).request('GET', '/api/v1/session');
  if (me.status !== 200) fail(`the restored database: the session of before the backup answered ${me.status}`);
  await stopCleanly('the restored database', s2);
  const c = checkAll(restored, ledger, began);
  for (const i of c.invariants) if (!i.ok) totals.broken.add(`restored backup: ${i.name}`);
  for (const p of c.problems.slice(0, 10)) fail(`restored backup: ${p}`);
  say(`restored backup: ${c.checked} records acknowledged before the backup began checked, ${c.ok ? 'all there; integrity ok; invariants held' : 'PROBLEMS'}`);
  return srv;
}

// The checker must fail on a database that breaks what it checks: each kind of damage,
// made to a copy, is reported.
function checkerCatches(dir, db, ledger) {
  const damaged = (what, sql, expect) => {
    const copy = join(dir, `damaged-${what.replace(/\W+/g, '-')}.db`);
    copyFileSync(db, copy);
    if (typeof sql === 'function') sql(copy);
    else query(copy, sql);
    const r = checkAll(copy, ledger);
    if (r.ok || !r.problems.some((p) => expect.test(p))) fail(`the checker missed ${what}: ${r.problems.join('; ') || 'no problem reported'}`);
    rmSync(copy, { force: true });
  };
  const booking = [...ledger.records.values()].find((x) => x.kind === 'booking' && x.writes.at(-1).state === 'confirmed');
  damaged('a lost acknowledged booking', `DELETE FROM bookings WHERE id = ${booking.id}`, /booking \d+ was acknowledged .* but is missing/);
  damaged('an overlapping booking', `INSERT INTO bookings (room_id, org_id, start_at, end_at, title, attendance, status, station_id, created_at, updated_at)
    SELECT room_id, org_id, start_at, end_at, title, attendance, 'confirmed', station_id, created_at, updated_at FROM bookings WHERE id = ${booking.id}`, /overlap/);
  damaged('an attendee counted twice', 'UPDATE attendees SET times = times + 1 WHERE (org_id, period, person) = (SELECT org_id, period, person FROM attendees ORDER BY org_id, period, person LIMIT 1)', /attendees equals/);
  damaged('a sign-up past the capacity', `UPDATE registrations SET status = 'registered' WHERE status = 'waiting'`, /capacity/);
  damaged('a damaged file', (copy) => {
    const fd = openSync(copy, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 4096 * 3);
    closeSync(fd);
  }, /integrity_check|malformed|sqlite3 failed/);
  say('the checker caught each kind of damage made to a copy (a lost write, an overlap, attendees, capacity, a damaged page)');
}

// ---- PostgreSQL ----

function pgAvailable() {
  return spawnSync(PG_SERVER, ['available']).status === 0;
}

function pgCtl(dir, argv) {
  const bindir = spawnSync('sh', ['-c', 'ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1'], { encoding: 'utf8' }).stdout.trim();
  const cmd = [`${bindir}/pg_ctl`, '-D', join(dir, 'data'), ...argv];
  const r = process.getuid() === 0 ? spawnSync('runuser', ['-u', 'postgres', '--', ...cmd], { encoding: 'utf8' }) : spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`pg_ctl ${argv.join(' ')}: ${r.stderr}`);
}

async function runPg({ kills, restarts }) {
  const dir = mkdtempSync(join(tmpdir(), 'louyu-crash-pg-'));
  const started = spawnSync(PG_SERVER, ['start', dir], { encoding: 'utf8' });
  if (started.status !== 0) throw new Error(`scripts/pg-test-server start: ${started.stderr}`);
  const base = started.stdout.trim();
  const db = `${base}/louyu_crash`;
  try {
    query(`${base}/postgres`, 'CREATE DATABASE louyu_crash');
    const d = louyu(['demo', '--db', db]);
    if (d.status !== 0) throw new Error(`louyu demo: ${d.stderr}`);
    let srv = await serve(db);
    const token = await signIn(srv.url);
    const world = await prepare(srv.url, token);
    await kill(srv, 'SIGTERM');
    const ledger = new Ledger();
    if (kills) {
      const totals = newTotals();
      srv = await killRounds({ name: 'pg', db, rounds: kills, ledger, world, token, totals });
      await stopCleanly('pg', srv);
      report('pg (louyu killed)', `${kills} kills`, totals);
    }
    if (restarts) {
      const totals = newTotals();
      srv = await serve(db);
      for (let i = 1; i <= restarts; i++) await pgRestartRound({ i, restarts, dir, db, srv, ledger, world, token, totals });
      await stopCleanly('pg-restart', srv);
      verify('pg-restart after a clean stop', db, ledger, totals);
      report('pg-restart', `${restarts} PostgreSQL crashes`, totals);
    }
  } finally {
    spawnSync(PG_SERVER, ['stop', dir]);
    rmSync(dir, { recursive: true, force: true });
  }
}

// PostgreSQL stopped like a crash (immediate: no checkpoint, WAL replay at start) under
// the load, down for a second, started again; louyu must answer 503 meanwhile and 2xx
// again after, on its own.
async function pgRestartRound({ i, restarts, dir, db, srv, ledger, world, token, totals }) {
  const load = startLoad(srv.url, token, world, ledger);
  await sleep(randomMs(200, 3000));
  pgCtl(dir, ['-m', 'immediate', '-w', 'stop']);
  const downAt = { ...load.stats };
  await sleep(1000);
  const duringDown = { unavailable: load.stats.unavailable - downAt.unavailable, ok: load.stats.ok - downAt.ok };
  spawnSync(PG_SERVER, ['resume', dir]);
  const upAt = load.stats.ok;
  const t0 = Date.now();
  while (load.stats.ok - upAt < 20 && Date.now() - t0 < 30000) await sleep(100);
  const recovered = load.stats.ok - upAt;
  const tookMs = Date.now() - t0;
  await sleep(300);
  await load.stop();
  add(totals.stats, load.stats);
  if (duringDown.unavailable === 0) fail(`pg-restart ${i}: no 503 while PostgreSQL was down (${describeStats(load.stats)})`);
  if (recovered < 20) fail(`pg-restart ${i}: louyu did not recover within 30 s of PostgreSQL's return (${recovered} 2xx)`);
  const exited = srv.child.exitCode !== null || srv.child.signalCode !== null;
  if (exited) fail(`pg-restart ${i}: louyu exited: ${srv.stderr().slice(-2000)}`);
  const r = verify(`pg-restart ${i}`, db, ledger, totals);
  say(`pg-restart ${i}/${restarts}: ${duringDown.unavailable} answers 503 while PostgreSQL was down, 20 answers 2xx again ${tookMs} ms after it came back; ` +
    `${describeStats(load.stats)}; ${r.checked} acknowledged records checked, ${r.ok ? 'all there' : 'PROBLEMS'}`);
}

// ---- main ----

const t0 = Date.now();
try {
  if (which === 'sqlite' || which === 'all') await runSqlite();
  if (which !== 'sqlite') {
    if (pgAvailable())
      await runPg({ kills: which === 'pg-restart' ? 0 : KILLS_PG, restarts: which === 'pg' ? 0 : PG_RESTARTS });
    else if (which === 'all') say('SKIPPED PostgreSQL: it is not installed (scripts/setup --postgres)');
    else fail('PostgreSQL is not installed (scripts/setup --postgres)');
  }
} catch (e) {
  fail(e.stack || String(e));
}
say(`${failures.length ? `FAILED (${failures.length} problems)` : 'passed'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
process.exit(failures.length ? 1 : 0);
