/*
 * The SQLite driver: the only file that includes sqlite3.h.
 *
 * Durability first: WAL with synchronous=FULL, so an acknowledged write
 * survives a power cut. Writers start with BEGIN IMMEDIATE: a deferred
 * transaction that later needs the write lock fails with SQLITE_BUSY no
 * matter how long the busy timeout is.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/db.h"
#include "store/driver.h"

enum { TXN_BEGIN_READ, TXN_BEGIN_WRITE, TXN_COMMIT, TXN_ROLLBACK, TXN__MAX };

static const char *const txn_sql[TXN__MAX] = {
    [TXN_BEGIN_READ] = "BEGIN",
    [TXN_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [TXN_COMMIT] = "COMMIT",
    [TXN_ROLLBACK] = "ROLLBACK",
};

struct db_stmt {
    sqlite3_stmt *s;
    struct db *db;
};

struct db {
    sqlite3 *h;
    char *path;
    int in_txn;
    struct db_stmt stmts[Q__MAX];
    sqlite3_stmt *txn[TXN__MAX];
};

static enum err_kind kind_of(int rc)
{
    switch (rc & 0xff) {
    case SQLITE_CONSTRAINT:
        return ERR_CONFLICT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return ERR_UNAVAILABLE;
    default:
        return ERR_INTERNAL;
    }
}

static int fail(struct db *db, int rc, struct error *err, const char *what)
{
    return error_set(err, kind_of(rc), "%s: %s", what,
                     db && db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
}

static int pragma(struct db *db, const char *sql, struct error *err)
{
    int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return fail(db, rc, err, "cannot configure database");
    return 0;
}

static int configure(struct db *db, const struct db_options *opt, struct error *err)
{
    const char *sync = opt && opt->synchronous ? opt->synchronous : "FULL";
    int timeout = opt && opt->busy_timeout_ms > 0 ? opt->busy_timeout_ms : 5000;
    char sql[128];
    sqlite3_busy_timeout(db->h, timeout);
    if (pragma(db, "PRAGMA journal_mode = WAL", err) || pragma(db, "PRAGMA foreign_keys = ON", err))
        return -1;
    if (strcmp(sync, "FULL") != 0 && strcmp(sync, "NORMAL") != 0)
        return error_set(err, ERR_INVALID, "synchronous must be FULL or NORMAL, not '%s'", sync);
    snprintf(sql, sizeof(sql), "PRAGMA synchronous = %s", sync);
    return pragma(db, sql, err);
}

struct db *db_open(const char *target, bool create, const struct db_options *opt, struct error *err)
{
    if (!create && access(target, F_OK) != 0) {
        error_set(err, ERR_UNAVAILABLE,
                  "cannot open database '%s': no such file (create it with 'louyu init --db %s')",
                  target, target);
        return NULL;
    }
    struct db *db = calloc(1, sizeof(*db));
    if (db == NULL) {
        error_set(err, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    db->path = strdup(target);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(target, &db->h, flags, NULL);
    if (rc != SQLITE_OK) {
        error_set(err, ERR_UNAVAILABLE, "cannot open database '%s': %s", target,
                  db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        db_close(db);
        return NULL;
    }
    sqlite3_extended_result_codes(db->h, 1);
    if (configure(db, opt, err) != 0) {
        error_set(err, err->kind, "cannot open database '%s': %s", target, err->detail);
        db_close(db);
        return NULL;
    }
    return db;
}

void db_close(struct db *db)
{
    if (db == NULL)
        return;
    for (int i = 0; i < Q__MAX; i++)
        sqlite3_finalize(db->stmts[i].s);
    for (int i = 0; i < TXN__MAX; i++)
        sqlite3_finalize(db->txn[i]);
    sqlite3_close(db->h);
    free(db->path);
    free(db);
}

static int prepare(struct db *db, const char *sql, sqlite3_stmt **out, struct error *err)
{
    int rc = sqlite3_prepare_v3(db->h, sql, -1, SQLITE_PREPARE_PERSISTENT, out, NULL);
    if (rc != SQLITE_OK)
        return fail(db, rc, err, "cannot prepare statement");
    return 0;
}

static int run_txn(struct db *db, int which, struct error *err)
{
    if (db->txn[which] == NULL && prepare(db, txn_sql[which], &db->txn[which], err) != 0)
        return -1;
    sqlite3_stmt *s = db->txn[which];
    int rc = sqlite3_step(s);
    sqlite3_reset(s);
    if (rc != SQLITE_DONE)
        return fail(db, rc, err, txn_sql[which]);
    return 0;
}

int db_begin(struct db *db, enum db_txn kind, struct error *err)
{
    if (run_txn(db, kind == DB_WRITE ? TXN_BEGIN_WRITE : TXN_BEGIN_READ, err) != 0)
        return -1;
    db->in_txn = 1;
    return 0;
}

int db_commit(struct db *db, struct error *err)
{
    if (run_txn(db, TXN_COMMIT, err) != 0) {
        db_rollback(db);
        return -1;
    }
    db->in_txn = 0;
    return 0;
}

void db_rollback(struct db *db)
{
    if (!db->in_txn || sqlite3_get_autocommit(db->h)) {
        db->in_txn = 0;
        return;
    }
    /* A failed rollback leaves nothing to do: SQLite rolls back when the connection closes. */
    if (db->txn[TXN_ROLLBACK] == NULL)
        sqlite3_prepare_v3(db->h, txn_sql[TXN_ROLLBACK], -1, SQLITE_PREPARE_PERSISTENT,
                           &db->txn[TXN_ROLLBACK], NULL);
    if (db->txn[TXN_ROLLBACK]) {
        sqlite3_step(db->txn[TXN_ROLLBACK]);
        sqlite3_reset(db->txn[TXN_ROLLBACK]);
    }
    db->in_txn = 0;
}

bool db_ping(struct db *db)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(db->h, "SELECT count(*) FROM sqlite_schema", -1, &s, NULL) != SQLITE_OK)
        return false;
    bool ok = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return ok;
}

struct db_stmt *db_stmt(struct db *db, enum query q, struct error *err)
{
    struct db_stmt *st = &db->stmts[q];
    if (st->s == NULL) {
        if (prepare(db, query_sql(q), &st->s, err) != 0)
            return NULL;
        st->db = db;
    } else {
        sqlite3_reset(st->s);
        sqlite3_clear_bindings(st->s);
    }
    return st;
}

void db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
    sqlite3_bind_int64(st->s, idx, v);
}

void db_bind_double(struct db_stmt *st, int idx, double v)
{
    sqlite3_bind_double(st->s, idx, v);
}

void db_bind_text(struct db_stmt *st, int idx, const char *s, size_t n)
{
    sqlite3_bind_text(st->s, idx, s, (int)n, SQLITE_TRANSIENT);
}

void db_bind_null(struct db_stmt *st, int idx)
{
    sqlite3_bind_null(st->s, idx);
}

enum db_step db_step(struct db_stmt *st, struct error *err)
{
    int rc = sqlite3_step(st->s);
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    fail(st->db, rc, err, "database error");
    sqlite3_reset(st->s);
    return DB_FAIL;
}

bool db_col_null(struct db_stmt *st, int col)
{
    return sqlite3_column_type(st->s, col) == SQLITE_NULL;
}

int64_t db_col_int(struct db_stmt *st, int col)
{
    return sqlite3_column_int64(st->s, col);
}

double db_col_double(struct db_stmt *st, int col)
{
    return sqlite3_column_double(st->s, col);
}

const char *db_col_text(struct db_stmt *st, int col, size_t *len)
{
    const char *s = (const char *)sqlite3_column_text(st->s, col);
    if (len)
        *len = s ? (size_t)sqlite3_column_bytes(st->s, col) : 0;
    return s ? s : "";
}

int64_t db_changes(struct db_stmt *st)
{
    return sqlite3_changes64(st->db->h);
}

int db_exec(struct db_stmt *st, struct error *err)
{
    enum db_step r;
    while ((r = db_step(st, err)) == DB_ROW)
        ;
    return r == DB_FAIL ? -1 : 0;
}

int db_script(struct db *db, const char *sql, struct error *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(db->h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        error_set(err, kind_of(rc), "database error: %s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

const char *db_id_type(const struct db *db)
{
    (void)db;
    return "INTEGER PRIMARY KEY"; /* the rowid alias: the fastest key SQLite has */
}

const char *db_target(const struct db *db)
{
    return db->path;
}
