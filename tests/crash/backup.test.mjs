// louyu backup and louyu restore from the command line: the round trip, and each refusal
// with a message a person can act on, leaving nothing half-done behind. (The backup taken
// under a write load is in crash.mjs.)
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkAll, query } from './check.mjs';

const ROOT = resolve(new URL('../..', import.meta.url).pathname);
const BIN = process.env.LOUYU_BIN || join(ROOT, 'build/release/louyu');
const louyu = (...args) => spawnSync(BIN, args, { encoding: 'utf8' });

let dir, db;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'louyu-backup-'));
  db = join(dir, 'louyu.db');
  const r = louyu('demo', '--db', db);
  assert.equal(r.status, 0, r.stderr);
});
after(() => rmSync(dir, { recursive: true, force: true }));

const p = (name) => join(dir, name);
const noTmp = () => assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp')), [], 'no temporary file left');

test('a backup is a consistent louyu database, readable on its own, private to its owner', () => {
  const r = louyu('backup', '--db', db, p('b1.db'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^louyu: backed up '.*louyu\.db' to '.*b1\.db': \d+ pages, [\d.]+ MiB, schema version \d+, in [\d.]+ s\n$/);
  const c = checkAll(p('b1.db'), null);
  assert.ok(c.ok, c.problems.join('\n'));
  assert.deepEqual(query(p('b1.db'), 'PRAGMA journal_mode'), [['delete']], 'no WAL flag: it reads on its own');
  assert.equal(query(p('b1.db'), 'SELECT count(*) FROM bookings')[0][0], query(db, 'SELECT count(*) FROM bookings')[0][0]);
  assert.equal(statSync(p('b1.db')).mode & 0o777, 0o600, 'it holds personal data');
  noTmp();
});

test('backup refuses, with a reason and a way out', () => {
  const cases = [
    [['--db', db, p('b1.db')], /'.*b1\.db' exists: choose another name, or give --force/],
    [['--db', p('nope.db'), p('x.db')], /cannot open '.*nope\.db': no such file/],
    [['--db', db, p('nodir/x.db')], /cannot write '.*nodir\/x\.db': no such directory '.*nodir'/],
    [['--db', 'postgresql://louyu:secret@127.0.0.1/louyu', p('x.db')], /PostgreSQL database: .*use pg_dump/],
  ];
  writeFileSync(p('text.db'), 'not a database at all, just text\n'.repeat(200));
  cases.push([['--db', p('text.db'), p('x.db')], /'.*text\.db' is not a louyu database: it is not an SQLite file/]);
  query(p('other.db'), 'CREATE TABLE t (x)');
  cases.push([['--db', p('other.db'), p('x.db')], /'.*other\.db' is not a louyu database: an SQLite file without louyu's schema/]);
  for (const [args, message] of cases) {
    const r = louyu('backup', ...args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /secret/, 'no password in a message');
  }
  assert.equal(louyu('backup', '--db', db).status, 2, 'no OUT: a usage error');
  assert.ok(!existsSync(p('x.db')));
  noTmp();
  // --force replaces, and a stale -wal of the old file goes with it
  writeFileSync(p('b1.db-wal'), 'stale');
  const r = louyu('backup', '--db', db, '--force', p('b1.db'));
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!existsSync(p('b1.db-wal')));
  assert.ok(checkAll(p('b1.db'), null).ok);
});

test('a leftover OUT.tmp (an interrupted backup, or one running) is named, not overwritten', () => {
  writeFileSync(p('b2.db.tmp'), '');
  const r = louyu('backup', '--db', db, p('b2.db'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /'.*b2\.db\.tmp' exists: another backup or restore to '.*b2\.db' is running or was interrupted; remove '.*b2\.db\.tmp' if none is running/);
  assert.ok(!existsSync(p('b2.db')));
  rmSync(p('b2.db.tmp'));
});

test('restore: the round trip gives the same data, and the restored file serves', async () => {
  query(db, "UPDATE stations SET name = name || '（备份前）' WHERE id = 1");
  assert.equal(louyu('backup', '--db', db, p('b3.db')).status, 0);
  query(db, "UPDATE stations SET name = '备份之后改的' WHERE id = 1");
  const r = louyu('restore', '--db', p('restored.db'), p('b3.db'));
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^louyu: restored '.*restored\.db' from '.*b3\.db': \d+ pages/);
  assert.match(query(p('restored.db'), 'SELECT name FROM stations WHERE id = 1')[0][0], /（备份前）$/);
  // over an existing database, with --force; its stale -wal and -shm go first
  copyFileSync(db, p('old.db'));
  writeFileSync(p('old.db-wal'), 'a stale WAL that SQLite would replay');
  writeFileSync(p('old.db-shm'), '');
  const f = louyu('restore', '--db', p('old.db'), '--force', p('b3.db'));
  assert.equal(f.status, 0, f.stderr);
  assert.ok(!existsSync(p('old.db-wal')) && !existsSync(p('old.db-shm')));
  assert.match(query(p('old.db'), 'SELECT name FROM stations WHERE id = 1')[0][0], /（备份前）$/);
  assert.ok(checkAll(p('old.db'), null).ok);
  noTmp();
  // it serves
  const srv = spawn(BIN, ['serve', '--db', p('old.db'), '--listen', '127.0.0.1:0', '--access-log', 'off'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = await new Promise((ok, no) => {
    srv.stderr.on('data', (d) => { err += d; const m = /serving (http:\/\/127\.0\.0\.1:\d+)/.exec(err); if (m) ok(m[1]); });
    srv.on('exit', (code) => no(new Error(`louyu exited ${code}: ${err}`)));
  });
  try {
    const st = await (await fetch(`${url}/api/v1/stations/1`)).json();
    assert.match(st.name, /（备份前）$/);
    // and while it serves, a restore over it is refused
    const busy = louyu('restore', '--db', p('old.db'), '--force', p('b3.db'));
    assert.equal(busy.status, 1);
    assert.match(busy.stderr, /'.*old\.db' is open in another process \(a running louyu serve\?\): stop it first/);
  } finally {
    srv.kill('SIGTERM');
  }
});

test('restore refuses a backup it cannot trust, and an existing database without --force', () => {
  copyFileSync(p('b3.db'), p('newer.db'));
  query(p('newer.db'), 'UPDATE schema_version SET version = version + 1');
  copyFileSync(p('b3.db'), p('damaged.db'));
  const fd = openSync(p('damaged.db'), 'r+');
  writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, 4096 * 3);
  closeSync(fd);
  const cases = [
    [['--db', p('restored.db'), p('b3.db')], /'.*restored\.db' exists: stop the server that uses it, then give --force/],
    [['--db', p('r.db'), p('newer.db')], /'.*newer\.db' has schema version \d+, newer than this louyu \(\d+\)/],
    [['--db', p('r.db'), p('damaged.db')], /'.*damaged\.db' is damaged \(PRAGMA integrity_check: /],
    [['--db', p('r.db'), p('text.db')], /not a louyu database: it is not an SQLite file/],
    [['--db', p('r.db'), p('missing.db')], /cannot open '.*missing\.db': no such file/],
    [['--db', p('nodir/r.db'), p('b3.db')], /no such directory/],
    [['--db', 'postgres://louyu:secret@127.0.0.1/louyu', p('b3.db')], /PostgreSQL database: .*use pg_restore/],
  ];
  for (const [args, message] of cases) {
    const r = louyu('restore', ...args);
    assert.equal(r.status, 1, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stderr, message);
  }
  assert.ok(!existsSync(p('r.db')), 'nothing restored');
  noTmp();
});
