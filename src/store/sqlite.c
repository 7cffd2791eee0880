/*
 * The SQLite driver: the only file that includes sqlite3.h.
 *
 * Durability first: WAL with synchronous=FULL, so an acknowledged write
 * survives a power cut. Writers start with BEGIN IMMEDIATE: a deferred
 * transaction that later needs the write lock fails with SQLITE_BUSY no
 * matter how long the busy timeout is. Since writers are serialised by that
 * lock, no transaction ever needs a retry here.
 */
#include <pthread.h>
#include <stddef.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "store/driver.h"

enum { TXN_BEGIN_READ, TXN_BEGIN_WRITE, TXN_COMMIT, TXN_ROLLBACK, TXN__MAX };

static const char *const txn_sql[TXN__MAX] = {
    [TXN_BEGIN_READ] = "BEGIN",
    [TXN_BEGIN_WRITE] = "BEGIN IMMEDIATE",
    [TXN_COMMIT] = "COMMIT",
    [TXN_ROLLBACK] = "ROLLBACK",
};

struct lite_stmt {
    struct db_stmt base;
    sqlite3_stmt *s;
};

struct lite {
    struct db base;
    sqlite3 *h;
    struct lite_stmt stmts[Q__MAX];
    sqlite3_stmt *txn[TXN__MAX];
    bool writing; /* holds the process's writer turn (see writers below) */
};

/* Writers of this process take turns here before BEGIN IMMEDIATE. SQLite would serialise
 * them anyway, but a writer that finds the lock taken sleeps in the busy handler for
 * milliseconds at a time, while a mutex hands the turn on at once: under load that is the
 * difference between a p99 of tens of milliseconds and of a second. The busy timeout
 * still covers writers in other processes (a command-line sweep or import). */
static pthread_mutex_t writers = PTHREAD_MUTEX_INITIALIZER;

static void writer_release(struct lite *db)
{
    if (db->writing) {
        db->writing = false;
        pthread_mutex_unlock(&writers);
    }
}

#define LITE(db) ((struct lite *)(db))
#define STMT(st) (((struct lite_stmt *)(st))->s)

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

static int fail(struct lite *db, int rc, struct error *err, const char *what)
{
    return error_set(err, kind_of(rc), "%s: %s", what,
                     db && db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
}

static int pragma(struct lite *db, const char *sql, struct error *err)
{
    int rc = sqlite3_exec(db->h, sql, NULL, NULL, NULL);
    if (rc != SQLITE_OK)
        return fail(db, rc, err, "cannot configure database");
    return 0;
}

static int configure(struct lite *db, const struct db_options *opt, struct error *err)
{
    const char *sync = opt && opt->synchronous ? opt->synchronous : "FULL";
    int timeout = opt && opt->busy_timeout_ms > 0 ? opt->busy_timeout_ms : 5000;
    char sql[128];
    sqlite3_busy_timeout(db->h, timeout);
    /* Temporary storage, the sub-journals of savepoints among it, in memory: an import
     * takes a savepoint per row, and on disk each one cost a dozen writes. */
    if (pragma(db, "PRAGMA journal_mode = WAL", err) ||
        pragma(db, "PRAGMA foreign_keys = ON", err) ||
        pragma(db, "PRAGMA temp_store = MEMORY", err))
        return -1;
    if (strcmp(sync, "FULL") != 0 && strcmp(sync, "NORMAL") != 0)
        return error_set(err, ERR_INVALID, "synchronous must be FULL or NORMAL, not '%s'", sync);
    snprintf(sql, sizeof(sql), "PRAGMA synchronous = %s", sync);
    if (pragma(db, sql, err) != 0)
        return -1;
    if (opt == NULL || opt->cache_kib <= 0)
        return 0;
    snprintf(sql, sizeof(sql), "PRAGMA cache_size = -%d", opt->cache_kib);
    return pragma(db, sql, err);
}

static const struct db_ops lite_ops;

/* Memory statistics put one global mutex around every SQLite allocation, which the
 * server's threads then queue on; louyu never reads them. */
static void configure_library(void)
{
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
}

struct db *sqlite_open(const char *path, bool create, const struct db_options *opt,
                       struct error *err)
{
    if (!create && access(path, F_OK) != 0) {
        error_set(err, ERR_UNAVAILABLE,
                  "cannot open database '%s': no such file (create it with 'louyu init --db %s')",
                  path, path);
        return NULL;
    }
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, configure_library);
    struct lite *db = calloc(1, sizeof(*db));
    if (db == NULL) {
        error_set(err, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    db->base.ops = &lite_ops;
    db->base.target = strdup(path);
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
    int rc = sqlite3_open_v2(path, &db->h, flags, NULL);
    if (rc != SQLITE_OK) {
        error_set(err, ERR_UNAVAILABLE, "cannot open database '%s': %s", path,
                  db->h ? sqlite3_errmsg(db->h) : sqlite3_errstr(rc));
        db_close(&db->base);
        return NULL;
    }
    sqlite3_extended_result_codes(db->h, 1);
    if (configure(db, opt, err) != 0) {
        error_set(err, err->kind, "cannot open database '%s': %s", path, err->detail);
        db_close(&db->base);
        return NULL;
    }
    return &db->base;
}

static void lite_close(struct db *base)
{
    struct lite *db = LITE(base);
    writer_release(db);
    for (int i = 0; i < Q__MAX; i++)
        sqlite3_finalize(db->stmts[i].s);
    for (int i = 0; i < TXN__MAX; i++)
        sqlite3_finalize(db->txn[i]);
    sqlite3_close(db->h);
    free(db->base.target);
    free(db);
}

static int prepare(struct lite *db, const char *sql, sqlite3_stmt **out, struct error *err)
{
    /* Row locks are PostgreSQL's: here BEGIN IMMEDIATE already holds the one write lock
     * there is, so a statement's " FOR UPDATE" is dropped. */
    static const char lock[] = " FOR UPDATE";
    size_t n = strlen(sql), k = sizeof(lock) - 1;
    int len = n > k && strcmp(sql + n - k, lock) == 0 ? (int)(n - k) : -1;
    int rc = sqlite3_prepare_v3(db->h, sql, len, SQLITE_PREPARE_PERSISTENT, out, NULL);
    if (rc != SQLITE_OK)
        return fail(db, rc, err, "cannot prepare statement");
    return 0;
}

static int run_txn(struct lite *db, int which, struct error *err)
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

static int lite_begin(struct db *base, enum db_txn kind, struct error *err)
{
    struct lite *db = LITE(base);
    if (kind == DB_READ)
        return run_txn(db, TXN_BEGIN_READ, err);
    pthread_mutex_lock(&writers);
    db->writing = true;
    if (run_txn(db, TXN_BEGIN_WRITE, err) == 0)
        return 0;
    writer_release(db);
    return -1;
}

static int lite_commit(struct db *base, struct error *err)
{
    struct lite *db = LITE(base);
    int rc = run_txn(db, TXN_COMMIT, err);
    if (rc == 0 || sqlite3_get_autocommit(db->h))
        writer_release(db);
    return rc;
}

static void lite_rollback(struct db *base)
{
    struct lite *db = LITE(base);
    if (sqlite3_get_autocommit(db->h)) {
        writer_release(db);
        return;
    }
    /* A failed rollback leaves nothing to do: SQLite rolls back when the connection closes. */
    if (db->txn[TXN_ROLLBACK] == NULL &&
        sqlite3_prepare_v3(db->h, txn_sql[TXN_ROLLBACK], -1, SQLITE_PREPARE_PERSISTENT,
                           &db->txn[TXN_ROLLBACK], NULL) != SQLITE_OK) {
        writer_release(db);
        return;
    }
    sqlite3_step(db->txn[TXN_ROLLBACK]);
    sqlite3_reset(db->txn[TXN_ROLLBACK]);
    writer_release(db);
}

static bool lite_ping(struct db *base)
{
    sqlite3_stmt *s = NULL;
    if (sqlite3_prepare_v2(LITE(base)->h, "SELECT count(*) FROM sqlite_schema", -1, &s, NULL) !=
        SQLITE_OK)
        return false;
    bool ok = sqlite3_step(s) == SQLITE_ROW;
    sqlite3_finalize(s);
    return ok;
}

static struct db_stmt *lite_stmt(struct db *base, enum query q, struct error *err)
{
    struct lite *db = LITE(base);
    struct lite_stmt *st = &db->stmts[q];
    if (st->s == NULL) {
        if (prepare(db, query_sql(q), &st->s, err) != 0)
            return NULL;
        st->base.db = base;
    } else {
        sqlite3_reset(st->s);
        sqlite3_clear_bindings(st->s);
    }
    return &st->base;
}

static void lite_bind_int(struct db_stmt *st, int idx, int64_t v)
{
    sqlite3_bind_int64(STMT(st), idx, v);
}

static void lite_bind_double(struct db_stmt *st, int idx, double v)
{
    sqlite3_bind_double(STMT(st), idx, v);
}

static void lite_bind_text(struct db_stmt *st, int idx, const char *s, size_t n)
{
    sqlite3_bind_text(STMT(st), idx, s, (int)n, SQLITE_TRANSIENT);
}

static void lite_bind_null(struct db_stmt *st, int idx)
{
    sqlite3_bind_null(STMT(st), idx);
}

static enum db_step lite_step(struct db_stmt *st, struct error *err)
{
    int rc = sqlite3_step(STMT(st));
    if (rc == SQLITE_ROW)
        return DB_ROW;
    if (rc == SQLITE_DONE)
        return DB_DONE;
    fail(LITE(st->db), rc, err, "database error");
    sqlite3_reset(STMT(st));
    return DB_FAIL;
}

static bool lite_col_null(struct db_stmt *st, int col)
{
    return sqlite3_column_type(STMT(st), col) == SQLITE_NULL;
}

static int64_t lite_col_int(struct db_stmt *st, int col)
{
    return sqlite3_column_int64(STMT(st), col);
}

static double lite_col_double(struct db_stmt *st, int col)
{
    return sqlite3_column_double(STMT(st), col);
}

static const char *lite_col_text(struct db_stmt *st, int col, size_t *len)
{
    const char *s = (const char *)sqlite3_column_text(STMT(st), col);
    if (len)
        *len = s ? (size_t)sqlite3_column_bytes(STMT(st), col) : 0;
    return s ? s : "";
}

static int64_t lite_changes(struct db_stmt *st)
{
    return sqlite3_changes64(LITE(st->db)->h);
}

static int lite_script(struct db *base, const char *sql, struct error *err)
{
    char *msg = NULL;
    int rc = sqlite3_exec(LITE(base)->h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        error_set(err, kind_of(rc), "database error: %s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

/* BEGIN IMMEDIATE already holds the one write lock there is. */
static int lite_lock_schema(struct db *db, struct error *err)
{
    (void)db;
    (void)err;
    return 0;
}

/* ---- bulk loads: one cached INSERT per row, all in the caller's transaction ---- */

#define BULK_MAX_INDEXES 16

struct lite_bulk {
    struct lite *db;
    sqlite3_stmt *s;
    char *index_sql[BULK_MAX_INDEXES]; /* the table's indexes, made again at the end */
    int nindexes;
};

/* Rows go in faster without the table's own indexes, which are made again at the end by
 * sorting (the keys of constraints stay: SQLite made those itself, and keeps them). */
static int drop_indexes(struct lite_bulk *b, const char *table, struct error *err)
{
    sqlite3_stmt *s;
    if (prepare(b->db,
                "SELECT sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ?1 "
                "AND sql IS NOT NULL",
                &s, err) != 0)
        return -1;
    sqlite3_bind_text(s, 1, table, -1, SQLITE_STATIC);
    while (sqlite3_step(s) == SQLITE_ROW && b->nindexes < BULK_MAX_INDEXES)
        b->index_sql[b->nindexes++] = strdup((const char *)sqlite3_column_text(s, 0));
    sqlite3_finalize(s);
    for (int i = 0; i < b->nindexes; i++) {
        /* "CREATE [UNIQUE] INDEX name ON ...": the name is the word before ON */
        char drop[256], name[128];
        const char *on = b->index_sql[i] ? strstr(b->index_sql[i], " ON ") : NULL;
        const char *p = on;
        while (p && p > b->index_sql[i] && p[-1] != ' ')
            p--;
        if (on == NULL || on - p >= (ptrdiff_t)sizeof(name))
            return error_set(err, ERR_INTERNAL, "cannot read an index of %s", table);
        snprintf(name, sizeof(name), "%.*s", (int)(on - p), p);
        snprintf(drop, sizeof(drop), "DROP INDEX %s", name);
        if (lite_script(&b->db->base, drop, err) != 0)
            return -1;
    }
    return 0;
}

/* A load writes pages all over the file: a page cache of 2 GiB keeps them (a city is
 * 1.4 GB) in memory until the commit instead of spilling and reading them back. The setting
 * lasts as long as the connection, a command's. */
#define BULK_CACHE "PRAGMA cache_size = -2097152"

static int lite_bulk_close(void *state, bool ok, struct error *err);

static void *lite_bulk_open(struct db *base, const struct bulk_spec *spec, struct error *err)
{
    struct lite *db = LITE(base);
    struct lite_bulk *b = calloc(1, sizeof(*b));
    if (b == NULL) {
        error_set(err, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    char sql[1024];
    int n = snprintf(sql, sizeof(sql), "INSERT INTO %s (%s) VALUES (?", spec->table, spec->columns);
    for (int i = 1; i < spec->ncols && n > 0 && (size_t)n < sizeof(sql); i++)
        n += snprintf(sql + n, sizeof(sql) - (size_t)n, ", ?");
    if (n > 0 && (size_t)n < sizeof(sql))
        snprintf(sql + n, sizeof(sql) - (size_t)n, ")");
    b->db = db;
    if (pragma(db, BULK_CACHE, err) != 0 || drop_indexes(b, spec->table, err) != 0 ||
        prepare(db, sql, &b->s, err) != 0) {
        lite_bulk_close(b, false, err);
        return NULL;
    }
    return b;
}

static int lite_bulk_row(void *state, const struct bulk_value *v, int n, struct error *err)
{
    struct lite_bulk *b = state;
    for (int i = 0; i < n; i++) {
        switch (v[i].type) {
        case BV_INT:
            sqlite3_bind_int64(b->s, i + 1, v[i].i);
            break;
        case BV_DOUBLE:
            sqlite3_bind_double(b->s, i + 1, v[i].d);
            break;
        case BV_TEXT:
            sqlite3_bind_text(b->s, i + 1, v[i].s, (int)v[i].n, SQLITE_STATIC);
            break;
        default:
            sqlite3_bind_null(b->s, i + 1);
        }
    }
    int rc = sqlite3_step(b->s);
    sqlite3_reset(b->s);
    return rc == SQLITE_DONE ? 0 : fail(b->db, rc, err, "cannot load a row");
}

/* Abandoned, the load leaves the indexes to the rollback that follows. */
static int lite_bulk_close(void *state, bool ok, struct error *err)
{
    struct lite_bulk *b = state;
    int rc = 0;
    sqlite3_finalize(b->s);
    for (int i = 0; i < b->nindexes; i++) {
        if (ok && rc == 0)
            rc = lite_script(&b->db->base, b->index_sql[i], err);
        free(b->index_sql[i]);
    }
    free(b);
    return rc;
}

static const struct db_ops lite_ops = {
    .name = "sqlite",
    /* The rowid alias, the fastest key SQLite has; AUTOINCREMENT so that the id of a deleted
     * record is never given to another (the audit log names records by id). */
    .dialect = {"INTEGER PRIMARY KEY AUTOINCREMENT", "WITHOUT ROWID"},
    .close = lite_close,
    .begin = lite_begin,
    .commit = lite_commit,
    .rollback = lite_rollback,
    .ping = lite_ping,
    .stmt = lite_stmt,
    .bind_int = lite_bind_int,
    .bind_double = lite_bind_double,
    .bind_text = lite_bind_text,
    .bind_null = lite_bind_null,
    .step = lite_step,
    .col_null = lite_col_null,
    .col_int = lite_col_int,
    .col_double = lite_col_double,
    .col_text = lite_col_text,
    .changes = lite_changes,
    .script = lite_script,
    .lock_schema = lite_lock_schema,
    .bulk_open = lite_bulk_open,
    .bulk_row = lite_bulk_row,
    .bulk_close = lite_bulk_close,
    .group_commit = true,
};
