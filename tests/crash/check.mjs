// The consistency checker of the crash and backup tests: what must hold of a louyu
// database however it was stopped, read straight from the database (the sqlite3 CLI or
// psql), never through the server.
//
//   integrity   SQLite: PRAGMA integrity_check is 'ok' and PRAGMA foreign_key_check empty
//   invariants  SQL that runs unchanged on SQLite and PostgreSQL; each query returns the
//               rows that break its rule, so an empty answer is a pass
//   ledger      every write the server acknowledged (2xx) is there, in the state it was
//               acknowledged in, or in a state a later write (acknowledged or not) or the
//               server itself (a waiting sign-up moved up) may have given it
import { spawnSync } from 'node:child_process';

// ---- running SQL ----

// Rows of one query, each an array of strings (NULL is ''), from an SQLite file or a
// postgresql:// URL.
export function query(db, sql) {
  const pg = /^postgres(ql)?:\/\//.test(db);
  const r = pg
    ? spawnSync('psql', [db, '-qAtX', '-F', '\t', '-v', 'ON_ERROR_STOP=1', '-c', sql], { encoding: 'utf8' })
    : spawnSync('sqlite3', ['-batch', '-bail', '-separator', '\t', db, sql], { encoding: 'utf8' });
  if (r.error) throw new Error(`${pg ? 'psql' : 'sqlite3'}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${pg ? 'psql' : 'sqlite3'} failed on ${sql.slice(0, 80)}...: ${r.stderr}`);
  return r.stdout.split('\n').filter((l) => l !== '').map((l) => l.split('\t'));
}

// ---- integrity (SQLite) ----

export function integrity(db) {
  if (/^postgres(ql)?:\/\//.test(db)) return [];
  const problems = [];
  const ic = query(db, 'PRAGMA integrity_check').map((r) => r[0]);
  if (ic.length !== 1 || ic[0] !== 'ok') problems.push(`PRAGMA integrity_check: ${ic.slice(0, 5).join('; ')}`);
  const fk = query(db, 'PRAGMA foreign_key_check');
  if (fk.length) problems.push(`PRAGMA foreign_key_check: ${fk.slice(0, 5).map((r) => r.join(' ')).join('; ')}`);
  return problems;
}

// ---- invariants ----

const LIVE_BOOKING = "('offered', 'pending', 'confirmed')";
const LOCAL = 8 * 3600; // Guangzhou, where the attendees table's years are counted

// Local years as a VALUES list (year, first second, first second of the next): the
// attendees table keeps each person's times per local year of the activity, and the two
// databases have no common way to take the year of an epoch.
function years() {
  const rows = [];
  for (let y = 2020; y <= 2045; y++)
    rows.push(`(${y}, ${Date.UTC(y, 0, 1) / 1000 - LOCAL}, ${Date.UTC(y + 1, 0, 1) / 1000 - LOCAL})`);
  return `(VALUES ${rows.join(', ')})`;
}

// What the attendees table must hold: per organisation on the host's path, per period
// (0: all time, else the local year) and person, the live check-ins and volunteer minutes.
const expectedAttendees = `
  SELECT o.id, 0, k.person, count(*),
         sum(CASE WHEN a.kind = 'volunteer_service' THEN (a.end_at - a.start_at) / 60 ELSE 0 END)
  FROM checkins k JOIN activities a ON a.id = k.activity_id
  JOIN orgs o ON a.host_path LIKE '%/' || CAST(o.id AS TEXT) || '/%'
  WHERE k.undone_at IS NULL GROUP BY o.id, k.person
  UNION ALL
  SELECT o.id, y.column1, k.person, count(*),
         sum(CASE WHEN a.kind = 'volunteer_service' THEN (a.end_at - a.start_at) / 60 ELSE 0 END)
  FROM checkins k JOIN activities a ON a.id = k.activity_id
  JOIN orgs o ON a.host_path LIKE '%/' || CAST(o.id AS TEXT) || '/%'
  JOIN ${years()} y ON a.start_at >= y.column2 AND a.start_at < y.column3
  WHERE k.undone_at IS NULL GROUP BY o.id, y.column1, k.person`;
const actualAttendees = 'SELECT org_id, period, person, times, volunteer_minutes FROM attendees';

export const INVARIANTS = [
  {
    name: 'no two live bookings of a room overlap',
    sql: `SELECT a.id, b.id, a.room_id FROM bookings a JOIN bookings b
          ON a.room_id = b.room_id AND a.id < b.id AND a.start_at < b.end_at AND b.start_at < a.end_at
          WHERE a.status IN ${LIVE_BOOKING} AND b.status IN ${LIVE_BOOKING}`,
  },
  {
    name: 'registered sign-ups within the capacity',
    sql: `SELECT r.activity_id, count(*), a.capacity FROM registrations r
          JOIN activities a ON a.id = r.activity_id WHERE r.status = 'registered'
          GROUP BY r.activity_id, a.capacity HAVING count(*) > a.capacity`,
  },
  {
    name: 'registered sign-ups within each appointment slot',
    sql: `SELECT r.activity_id, r.slot_start, count(*) FROM registrations r
          JOIN activities a ON a.id = r.activity_id
          WHERE r.status = 'registered' AND r.slot_start IS NOT NULL
          GROUP BY r.activity_id, r.slot_start, a.slot_capacity HAVING count(*) > a.slot_capacity`,
  },
  {
    name: 'nobody waits while a place is free',
    sql: `SELECT a.id FROM activities a WHERE a.status = 'published' AND a.slot_minutes IS NULL
          AND EXISTS (SELECT 1 FROM registrations w WHERE w.activity_id = a.id AND w.status = 'waiting')
          AND (SELECT count(*) FROM registrations r WHERE r.activity_id = a.id
               AND r.status = 'registered') < a.capacity`,
  },
  {
    name: 'one open sign-up per person and activity',
    sql: `SELECT activity_id, person FROM registrations WHERE status <> 'cancelled'
          GROUP BY activity_id, person HAVING count(*) > 1`,
  },
  {
    name: 'one live check-in per person and activity',
    sql: `SELECT activity_id, person FROM checkins WHERE undone_at IS NULL
          GROUP BY activity_id, person HAVING count(*) > 1`,
  },
  {
    name: 'attendees equals the live check-ins (missing or wrong rows)',
    sql: `SELECT * FROM (${expectedAttendees}) e EXCEPT ${actualAttendees}`,
  },
  {
    name: 'attendees equals the live check-ins (rows without check-ins)',
    sql: `${actualAttendees} EXCEPT SELECT * FROM (${expectedAttendees}) e`,
  },
  {
    name: 'an activity that holds its room has a live booking',
    sql: `SELECT a.id, b.status FROM activities a JOIN bookings b ON b.id = a.booking_id
          WHERE a.status IN ('draft', 'published') AND b.status NOT IN ${LIVE_BOOKING}
          AND b.checked_in_at IS NULL`,
  },
];

// Runs every invariant: [{ name, ok, rows }].
export function invariants(db) {
  return INVARIANTS.map(({ name, sql }) => {
    const rows = query(db, sql);
    return { name, ok: rows.length === 0, rows: rows.slice(0, 5) };
  });
}

// ---- the ledger of acknowledged writes ----

// Each record the load wrote (a booking, a sign-up, a check-in) with the states its writes
// asked for: { state, ackedAt } in the order they were sent; ackedAt is null while the
// answer is unknown (in flight when louyu died, a lost connection, a 5xx whose commit
// may have happened), and a write refused with a 4xx is dropped (it changed nothing).
export class Ledger {
  constructor() {
    this.records = new Map(); // 'booking:12' -> { kind, id, writes: [{ state, ackedAt }] }
  }

  // A record the server acknowledged creating, in the state it answered; 'extra' is what
  // the load keeps of it (its version, its activity).
  created(kind, id, state, extra = {}) {
    this.records.set(`${kind}:${id}`, { ...extra, kind, id, writes: [{ state, ackedAt: Date.now() }] });
  }

  // A change sent for a record; returns the write, to settle with its answer.
  sent(kind, id, state) {
    const w = { state, ackedAt: null };
    this.records.get(`${kind}:${id}`).writes.push(w);
    return w;
  }

  acked(w) {
    w.ackedAt = Date.now();
  }

  refused(kind, id, w) {
    const r = this.records.get(`${kind}:${id}`);
    r.writes = r.writes.filter((x) => x !== w);
  }

  // Records with no write in doubt, in one of the given states (the load's choice of what
  // to change next).
  settled(kind, states) {
    const out = [];
    for (const r of this.records.values())
      if (r.kind === kind && r.writes.every((w) => w.ackedAt !== null) && states.includes(r.writes.at(-1).state))
        out.push(r);
    return out;
  }

  // The states a record may be found in, as of instant t: its last write acknowledged by
  // then, and every write not acknowledged by then; a waiting sign-up may have moved up.
  // null when the record was not acknowledged by then (it may or may not be there).
  allowed(r, t) {
    const done = r.writes.filter((w) => w.ackedAt !== null && w.ackedAt <= t);
    if (!done.length) return null;
    const states = new Set([done.at(-1).state]);
    for (const w of r.writes) if (w.ackedAt === null || w.ackedAt > t) states.add(w.state);
    if (r.kind === 'registration' && states.has('waiting')) states.add('registered');
    return states;
  }

  // After a check: each record's state is what the database holds, known for sure.
  resolve(found) {
    const now = Date.now();
    for (const r of this.records.values()) {
      const state = found[r.kind].get(r.id);
      if (state !== undefined) r.writes = [{ state, ackedAt: now }];
    }
  }
}

// The states of the records in the database: { booking: Map(id -> status), ... }.
export function readStates(db) {
  const map = (sql) => new Map(query(db, sql).map(([id, s]) => [Number(id), s]));
  return {
    booking: map('SELECT id, status FROM bookings'),
    registration: map('SELECT id, status FROM registrations'),
    checkin: map("SELECT id, CASE WHEN undone_at IS NULL THEN 'live' ELSE 'undone' END FROM checkins"),
  };
}

// Checks the ledger against the database as of instant t (default: every answer so far).
// Returns { checked, problems: [text] }.
export function checkLedger(ledger, found, t = Infinity) {
  let checked = 0;
  const problems = [];
  for (const r of ledger.records.values()) {
    const allowed = ledger.allowed(r, t);
    if (allowed === null) continue;
    checked++;
    const state = found[r.kind].get(r.id);
    if (state === undefined) problems.push(`${r.kind} ${r.id} was acknowledged (${[...allowed].join('|')}) but is missing`);
    else if (!allowed.has(state)) problems.push(`${r.kind} ${r.id} is ${state}, acknowledged as ${[...allowed].join('|')}`);
  }
  return { checked, problems };
}

// Everything at once: { ok, checked, problems, invariants, found }. A database too damaged
// to read is a problem reported, not an exception.
export function checkAll(db, ledger, t = Infinity) {
  const problems = [];
  const guard = (what, fn, dflt) => {
    try {
      return fn();
    } catch (e) {
      problems.push(`${what}: ${e.message.trim()}`);
      return dflt;
    }
  };
  problems.push(...guard('PRAGMA integrity_check', () => integrity(db), []));
  const inv = guard('invariants', () => invariants(db), []);
  for (const i of inv) if (!i.ok) problems.push(`invariant broken: ${i.name}: ${JSON.stringify(i.rows)}`);
  const found = guard('reading the records', () => readStates(db), null);
  const l = ledger && found ? checkLedger(ledger, found, t) : { checked: 0, problems: [] };
  problems.push(...l.problems);
  return { ok: problems.length === 0, checked: l.checked, problems, invariants: inv, found };
}
