// The command line: help, usage errors (exit 2, one line on stderr), and the
// database commands' answers to the states they meet.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import { BIN, PG, louyu, freshDb, startServer } from './lib.mjs';

// No LOUYU_DB from the environment of whoever runs the tests.
const env = { ...process.env };
delete env.LOUYU_DB;
const run = (args, opts = {}) => louyu(args, { env, timeout: 30000, ...opts });

function tempDir(t) {
  const dir = mkdtempSync(join(tmpdir(), 'louyu-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

// A usage error: exit 2, nothing on stdout, one line on stderr that says why.
function assertUsageError(r, why) {
  assert.equal(r.status, 2, `exit ${r.status}; stderr: ${r.stderr}`);
  assert.equal(r.stdout, '');
  const lines = r.stderr.split('\n').filter((l) => l.trim());
  assert.equal(lines.length, 1, `one line on stderr, got: ${r.stderr}`);
  if (why) assert.match(lines[0], why);
}

const SUBCOMMANDS = ['init', 'demo', 'serve', 'routes', 'version'];

test('louyu --help: exit 0, lists every subcommand', () => {
  for (const flag of ['--help', '-h', 'help']) {
    const r = run([flag]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /usage: louyu/i);
    for (const c of SUBCOMMANDS) assert.match(r.stdout, new RegExp(`\\b${c}\\b`), `${flag} mentions ${c}`);
  }
});

test('every subcommand answers --help with exit 0 and a usage line', () => {
  for (const c of SUBCOMMANDS) {
    const r = run([c, '--help']);
    assert.equal(r.status, 0, `${c} --help: ${r.stderr}`);
    assert.match(r.stdout, new RegExp(`^usage: louyu ${c}\\b`, 'mi'), `${c} --help: ${r.stdout}`);
    assert.equal(r.stderr, '');
  }
});

test('--help wins over a missing --db and does not touch any file', (t) => {
  const dir = tempDir(t);
  for (const c of ['init', 'demo', 'serve']) {
    const db = join(dir, `${c}.db`);
    const r = run([c, '--db', db, '--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /usage:/);
    assert.ok(!existsSync(db), `${c} --help created ${db}`);
  }
});

test('louyu version and --version print the version', () => {
  for (const args of [['version'], ['--version']]) {
    const r = run(args);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^louyu \d+\.\d+\.\d+\S*\n$/);
  }
});

test('louyu routes lists the routes, one METHOD PATH per line', () => {
  const r = run(['routes']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  for (const line of lines) assert.match(line, /^(GET|POST|PATCH|DELETE|PUT|HEAD) \/\S*$/, line);
  for (const want of ['GET /healthz', 'GET /readyz', 'GET /api/v1/buildings', 'POST /api/v1/stations',
    'PATCH /api/v1/rooms/{id}', 'DELETE /api/v1/buildings/{id}']) {
    assert.ok(lines.includes(want), `routes lacks ${want}`);
  }
});

test('no command: exit 2', () => {
  const r = run([]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /usage/i);
});

test('unknown command: exit 2 with a one-line reason', () => {
  assertUsageError(run(['frobnicate']), /frobnicate/);
  assertUsageError(run(['--frobnicate']), /frobnicate/);
});

test('unknown option: exit 2 with a one-line reason naming it', (t) => {
  const db = join(tempDir(t), 'x.db');
  for (const c of ['init', 'demo', 'serve']) assertUsageError(run([c, '--db', db, '--bogus']), /--bogus/);
  assertUsageError(run(['routes', '--bogus']), /--bogus/);
  assertUsageError(run(['version', '--bogus']), /--bogus/);
  assertUsageError(run(['init', '--db', db, 'extra']), /extra/);
  assert.ok(!existsSync(db), 'a refused command created the database');
});

test('an option without its value: exit 2', () => {
  assertUsageError(run(['init', '--db']), /--db/);
  assertUsageError(run(['serve', '--db', 'x.db', '--listen']), /--listen/);
});

test('missing --db: exit 2', () => {
  for (const c of ['init', 'demo', 'serve']) assertUsageError(run([c]), /--db/);
  assertUsageError(run(['init', '--db', '']), /--db/);
});

test('LOUYU_DB stands in for --db', (t) => {
  const db = join(tempDir(t), 'env.db');
  const r = run(['init'], { env: { ...env, LOUYU_DB: db } });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(db));
});

test('the hint in a usage error names a command that works', () => {
  const r = run(['init', '--bogus']);
  assert.equal(r.status, 2);
  const m = /try '([^']+)'/.exec(r.stderr);
  if (m) {
    const hinted = m[1].split(/\s+/);
    assert.equal(hinted[0], 'louyu', r.stderr);
    const again = run(hinted.slice(1));
    assert.equal(again.status, 0, `the hinted command '${m[1]}' fails: ${again.stderr}`);
  }
});

test('a bad option value names the option', () => {
  for (const args of [['--threads', '0'], ['--timeout', 'soon'], ['--max-connections', '-1'], ['--max-per-ip', 'x']]) {
    const r = run(['serve', '--db', 'x.db', ...args]);
    assertUsageError(r);
    assert.ok(r.stderr.includes(args[0]), `'${r.stderr.trim()}' does not name ${args[0]}`);
  }
});

test('louyu init twice is idempotent', (t) => {
  const db = join(tempDir(t), 'twice.db');
  const a = run(['init', '--db', db]);
  assert.equal(a.status, 0, a.stderr);
  assert.ok(statSync(db).size > 0);
  const b = run(['init', '--db', db]);
  assert.equal(b.status, 0, b.stderr);
  // init after demo keeps the data
  const c = run(['demo', '--db', db]);
  assert.equal(c.status, 0, c.stderr);
  const d = run(['init', '--db', db]);
  assert.equal(d.status, 0, d.stderr);
  const e = run(['demo', '--db', db]);
  assert.equal(e.status, 1, 'the demo data survived init');
});

test('louyu demo on a database that already has buildings: exit 1 with a clear message', async (t) => {
  const fresh = freshDb();
  t.after(() => fresh.cleanup());
  const r = run(['demo', '--db', fresh.db]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /already/i);
  assert.match(r.stderr, /building/i);
  // and it changed nothing
  const s = await startServer({ db: fresh.db });
  try {
    const b = await s.request('GET', '/api/v1/buildings?limit=500');
    assert.equal(b.json.items.length, 9);
    const rooms = await s.request('GET', '/api/v1/rooms?limit=500');
    assert.equal(rooms.json.items.length, 6);
  } finally {
    assert.equal((await s.stop()).code, 0);
  }
});

test('louyu demo on a fresh path creates and fills the database', (t) => {
  const db = join(tempDir(t), 'new.db');
  const r = run(['demo', '--db', db]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(db));
});

test('louyu serve --db /nonexistent/x.db: exit 1 naming the file', () => {
  const r = run(['serve', '--db', '/nonexistent/x.db', '--listen', '127.0.0.1:0']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /\/nonexistent\/x\.db/);
  assert.ok(!existsSync('/nonexistent/x.db'));
});

test('louyu serve on a missing file in an existing directory: exit 1, no file created', (t) => {
  const db = join(tempDir(t), 'missing.db');
  const r = run(['serve', '--db', db, '--listen', '127.0.0.1:0']);
  assert.equal(r.status, 1, r.stderr);
  assert.ok(r.stderr.includes(db), r.stderr);
  assert.ok(!existsSync(db), 'serve created the database it was told to serve');
});

test('louyu init in a directory that does not exist: exit 1 naming the file', () => {
  const r = run(['init', '--db', '/nonexistent/dir/x.db']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /\/nonexistent\/dir\/x\.db/);
});

test('bad --listen: exit 2', (t) => {
  const fresh = freshDb({ demo: false });
  t.after(() => fresh.cleanup());
  const wrong = [];
  for (const listen of ['nonsense', '127.0.0.1', '127.0.0.1:', ':8080', '127.0.0.1:99999', '127.0.0.1:-1',
    '127.0.0.1:80a', 'not-an-ip:8080', '999.1.1.1:8080']) {
    const r = run(['serve', '--db', fresh.db, '--listen', listen]);
    const lines = r.stderr.split('\n').filter((l) => l.trim());
    if (r.status !== 2 || lines.length !== 1) wrong.push(`--listen ${listen}: exit ${r.status}, ${r.stderr.trim()}`);
  }
  assert.deepEqual(wrong, []);
});

test('bad --synchronous: exit 2', (t) => {
  // An SQLite file: the option is about SQLite (a server that starts anyway is stopped by the timeout).
  const db = join(tempDir(t), 'sync.db');
  assert.equal(run(['init', '--db', db]).status, 0);
  const r = run(['serve', '--db', db, '--listen', '127.0.0.1:0', '--synchronous', 'sometimes'], { timeout: 10000 });
  assert.equal(r.status, 2, `exit ${r.status}: ${r.stderr}`);
  assert.match(r.stderr, /synchronous/);
});

test('--listen on a port already in use: exit 1', async (t) => {
  const fresh = freshDb({ demo: false });
  t.after(() => fresh.cleanup());
  const blocker = net.createServer();
  await new Promise((resolve) => blocker.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise((resolve) => blocker.close(resolve)));
  const { port } = blocker.address();
  const child = spawn(BIN, ['serve', '--db', fresh.db, '--listen', `127.0.0.1:${port}`], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const timer = setTimeout(() => child.kill('SIGKILL'), 20000);
  const code = await new Promise((resolve) => child.on('exit', (c) => resolve(c)));
  clearTimeout(timer);
  assert.equal(code, 1, stderr);
  assert.ok(stderr.includes(String(port)), stderr);
});

// The demo books the coming weeks relative to today: whatever the day and hour it is
// loaded, its bookings, activities and gathering must all fit (a clash once stopped it on
// Mondays). Seven moments 27 hours apart: every day of the week, each at another hour.
test('louyu demo loads whatever the day and hour', { skip: PG ? 'one SQLite file per run' : false }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'louyu-demo-days-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (let hours = 0; hours < 7 * 27; hours += 27) {
    const db = join(dir, `demo-${hours}.db`);
    const r = louyu(['demo', '--db', db], { env: { ...process.env, LOUYU_CLOCK_OFFSET: String(hours * 3600) } });
    assert.equal(r.status, 0, `${hours} h from now: ${r.stderr}`);
  }
});
