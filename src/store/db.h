/*
 * The storage driver interface. Domain code talks to the database only
 * through these calls and the named statements of store/queries.h; no driver
 * type leaks out, so a second driver (PostgreSQL) slots in behind the same
 * calls.
 *
 * A struct db is one connection: use it from one thread at a time.
 * Statements are prepared once per connection and cached; db_stmt() hands
 * out the cached statement, reset and with its bindings cleared.
 *
 * Parameters are written '?NNN' (1-based) or '?' in the SQL text.
 */
#ifndef LOUYU_STORE_DB_H
#define LOUYU_STORE_DB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "store/queries.h"

struct db;
struct db_stmt;

enum db_step {
    DB_ROW = 1,
    DB_DONE = 0,
    DB_FAIL = -1, /* err is filled */
};

enum db_txn {
    DB_READ,  /* a consistent snapshot for reads */
    DB_WRITE, /* takes the write lock at once (SQLite: BEGIN IMMEDIATE) */
    /* A write that serialises itself on rows it locks first with a "... FOR UPDATE"
     * statement (a station, for its calendar): PostgreSQL runs it READ COMMITTED, so that
     * what it reads after the lock is current; SQLite as DB_WRITE. */
    DB_WRITE_LOCKING,
};

struct db_options {
    const char *synchronous; /* SQLite: "FULL" (default) or "NORMAL" */
    int busy_timeout_ms;     /* default 5000 */
    int cache_kib;           /* SQLite's page cache of the connection; 0: SQLite's 2 MiB */
};

/* Opens 'target': a postgresql:// (or postgres://) URL, else an SQLite file path, created
 * when 'create' is true. Returns NULL and fills err (naming the target, never a password,
 * and the reason) on failure. */
struct db *db_open(const char *target, bool create, const struct db_options *opt,
                   struct error *err);
void db_close(struct db *db);

/* Applies the migrations that this database has not seen yet, each in its own
 * transaction. Refuses a database newer than this binary. */
int db_migrate(struct db *db, struct error *err);

/* The schema version of the database (0 when empty). */
int db_schema_version(struct db *db, struct error *err);

int db_begin(struct db *db, enum db_txn kind, struct error *err);
int db_commit(struct db *db, struct error *err);
/* Rolls back the open transaction, if any; never fails in a way the caller can act on. */
void db_rollback(struct db *db);

/* Runs fn(db, ctx, err) inside a transaction of the given kind and commits. When the
 * database reports a conflict between concurrent transactions that a retry resolves
 * (err->retry), the whole transaction is retried a bounded number of times. fn must
 * return 0, or -1 with err filled. */
int db_transact(struct db *db, enum db_txn kind, int (*fn)(struct db *, void *, struct error *),
                void *ctx, struct error *err);

/* Inside a transaction: a point to roll back to, so that one failed step (a row of an
 * import) can be undone without the rest. On PostgreSQL any failed statement spoils the
 * whole transaction unless it is rolled back to a savepoint. */
int db_savepoint(struct db *db, struct error *err);
int db_savepoint_release(struct db *db, struct error *err);
void db_savepoint_rollback(struct db *db);

/* "sqlite" or "postgresql". */
const char *db_driver_name(const struct db *db);

/* True when the database answers a trivial query. */
bool db_ping(struct db *db);

/* The cached statement for q, ready for binding. NULL and err filled on failure. */
struct db_stmt *db_stmt(struct db *db, enum query q, struct error *err);

void db_bind_int(struct db_stmt *st, int idx, int64_t v);
void db_bind_double(struct db_stmt *st, int idx, double v);
void db_bind_text(struct db_stmt *st, int idx, const char *s, size_t n);
void db_bind_null(struct db_stmt *st, int idx);

/* Advances the statement. A constraint violation is reported as ERR_CONFLICT, a
 * busy database as ERR_UNAVAILABLE, anything else as ERR_INTERNAL. */
enum db_step db_step(struct db_stmt *st, struct error *err);

/* Column values of the current row, 0-based. Text is valid until the next step. */
bool db_col_null(struct db_stmt *st, int col);
int64_t db_col_int(struct db_stmt *st, int col);
double db_col_double(struct db_stmt *st, int col);
const char *db_col_text(struct db_stmt *st, int col, size_t *len);

/* Runs a bound statement that answers one id (or none): the first column of its first
 * row, 0 when there is no row, -1 on failure. The statement is finished either way. */
int64_t db_first_id(struct db_stmt *st, struct error *err);

/* Rows changed by the last completed write statement. */
int64_t db_changes(struct db_stmt *st);

/* Runs a statement that returns no rows (or ignores them) to completion. */
int db_exec(struct db_stmt *st, struct error *err);

#endif
