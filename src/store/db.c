/*
 * The driver-independent side of db.h: choosing a driver from the target,
 * dispatching every call through its ops table, and running transactions
 * with retries.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/db.h"
#include "store/driver.h"
#include "store/group.h"

static bool is_pg_url(const char *target)
{
    return strncmp(target, "postgresql://", 13) == 0 || strncmp(target, "postgres://", 11) == 0;
}

struct db *db_open(const char *target, bool create, const struct db_options *opt, struct error *err)
{
    struct db *db =
        is_pg_url(target) ? pg_open(target, opt, err) : sqlite_open(target, create, opt, err);
    if (db && opt)
        db->opt = *opt;
    if (db && db->ops->group_commit)
        group_join(db);
    return db;
}

/* The writer reads every index page a write touches, all over a large calendar, and no
 * other writer empties its cache: it gets a larger one than the readers, whose caches
 * every write empties anyway. */
#define WRITER_CACHE_KIB (32 * 1024)

struct db *db_open_unjoined(const struct db *like, struct error *err)
{
    struct db_options opt = like->opt;
    if (opt.cache_kib < WRITER_CACHE_KIB)
        opt.cache_kib = WRITER_CACHE_KIB;
    struct db *db = sqlite_open(like->target, false, &opt, err);
    if (db)
        db->opt = opt;
    return db;
}

void db_close_unjoined(struct db *db)
{
    db->ops->close(db);
}

void db_close(struct db *db)
{
    if (db == NULL)
        return;
    if (db->ops->group_commit)
        group_leave(db);
    db->ops->close(db);
}

const char *db_driver_name(const struct db *db)
{
    return db->ops->name;
}

int db_begin(struct db *db, enum db_txn kind, struct error *err)
{
    if (db->ops->begin(db, kind, err) != 0)
        return -1;
    db->in_txn = 1;
    return 0;
}

int db_commit(struct db *db, struct error *err)
{
    int rc = db->ops->commit(db, err);
    if (rc != 0)
        db_rollback(db);
    db->in_txn = 0;
    return rc;
}

void db_rollback(struct db *db)
{
    if (db->in_txn)
        db->ops->rollback(db);
    db->in_txn = 0;
}

bool db_ping(struct db *db)
{
    return db->ops->ping(db);
}

struct db_stmt *db_stmt(struct db *db, enum query q, struct error *err)
{
    return db->ops->stmt(db, q, err);
}

void db_bind_int(struct db_stmt *st, int idx, int64_t v)
{
    st->db->ops->bind_int(st, idx, v);
}

void db_bind_double(struct db_stmt *st, int idx, double v)
{
    st->db->ops->bind_double(st, idx, v);
}

void db_bind_text(struct db_stmt *st, int idx, const char *s, size_t n)
{
    st->db->ops->bind_text(st, idx, s, n);
}

void db_bind_null(struct db_stmt *st, int idx)
{
    st->db->ops->bind_null(st, idx);
}

enum db_step db_step(struct db_stmt *st, struct error *err)
{
    return st->db->ops->step(st, err);
}

bool db_col_null(struct db_stmt *st, int col)
{
    return st->db->ops->col_null(st, col);
}

int64_t db_col_int(struct db_stmt *st, int col)
{
    return st->db->ops->col_int(st, col);
}

double db_col_double(struct db_stmt *st, int col)
{
    return st->db->ops->col_double(st, col);
}

const char *db_col_text(struct db_stmt *st, int col, size_t *len)
{
    return st->db->ops->col_text(st, col, len);
}

int64_t db_changes(struct db_stmt *st)
{
    return st->db->ops->changes(st);
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
    return db->ops->script(db, sql, err);
}

#define RETRIES 8

int db_transact(struct db *db, enum db_txn kind, int (*fn)(struct db *, void *, struct error *),
                void *ctx, struct error *err)
{
    /* Inside a transaction already (an import writing many records): join it. The outer
     * transaction commits, rolls back and retries for all. */
    if (db->in_txn)
        return fn(db, ctx, err);
    if (kind != DB_READ && db->ops->group_commit)
        return group_transact(db, fn, ctx, err);
    for (int attempt = 0;; attempt++) {
        err->retry = false;
        if (db_begin(db, kind, err) == 0 && fn(db, ctx, err) == 0 && db_commit(db, err) == 0)
            return 0;
        db_rollback(db);
        if (!err->retry || attempt == RETRIES)
            return -1;
        /* Back off a little, more each time, so that the conflicting writers spread out. */
        struct timespec pause = {0, (long)(1000000L << (attempt < 5 ? attempt : 5))};
        nanosleep(&pause, NULL);
        error_reset(err);
    }
}

/* The password of a URL ("scheme://user:PASSWORD@host..."), malloc'd, or NULL. */
/* The value of a "password=" parameter of the URL's query, malloc'd, or NULL. */
static char *query_password(const char *url)
{
    const char *q = strchr(url, '?');
    for (const char *p = q; p; p = strchr(p + 1, '&')) {
        if (strncmp(p + 1, "password=", 9) == 0) {
            const char *v = p + 10;
            return strndup(v, strcspn(v, "&"));
        }
    }
    return NULL;
}

/* The password of a URL ("scheme://user:PASSWORD@host...", or "?password=..."), malloc'd,
 * or NULL. */
static char *password_of(const char *url)
{
    const char *scheme = strstr(url, "://");
    const char *at = scheme ? strrchr(url, '@') : NULL;
    const char *colon = scheme ? strchr(scheme + 3, ':') : NULL;
    if (!scheme || !at || !colon || colon > at || colon + 1 == at)
        return query_password(url);
    return strndup(colon + 1, (size_t)(at - colon - 1));
}

/* Prepared once like any statement: an import takes one per row. */
static int run(struct db *db, enum query q, struct error *err)
{
    struct db_stmt *st = db_stmt(db, q, err);
    return st ? db_exec(st, err) : -1;
}

int db_savepoint(struct db *db, struct error *err)
{
    return run(db, Q_SAVEPOINT, err);
}

int db_savepoint_release(struct db *db, struct error *err)
{
    return run(db, Q_SAVEPOINT_RELEASE, err);
}

void db_savepoint_rollback(struct db *db)
{
    struct error ignored;
    error_init(&ignored, NULL);
    /* The messages of a failed rollback are never read: no arena is needed for them. */
    if (run(db, Q_SAVEPOINT_ROLLBACK, &ignored) == 0)
        run(db, Q_SAVEPOINT_RELEASE, &ignored);
}

/* msg with every occurrence of value replaced by "***", malloc'd. */
static char *db_scrub_value(const char *msg, const char *value)
{
    size_t n = strlen(value);
    char *out = malloc(strlen(msg) * 3 + 1), *o = out;
    for (const char *p = msg; *p;) {
        if (n && strncmp(p, value, n) == 0) {
            memcpy(o, "***", 3);
            o += 3, p += n;
        } else
            *o++ = *p++;
    }
    *o = '\0';
    return out;
}

char *db_scrub(const char *msg, const char *url)
{
    char *pw = password_of(url);
    char *out = pw ? db_scrub_value(msg, pw) : strdup(msg);
    free(pw);
    return out;
}

char *db_redact(const char *url)
{
    /* The password, wherever the URL holds it, is the one thing scrubbed from its text. */
    char *pw = password_of(url);
    char *out = pw && *pw ? db_scrub(url, url) : strdup(url);
    free(pw);
    char *second = query_password(out); /* both forms at once: the query's too */
    if (second && *second && strcmp(second, "***") != 0) {
        char *again = db_scrub_value(out, second);
        free(out);
        out = again;
    }
    free(second);
    return out;
}

int64_t db_first_id(struct db_stmt *st, struct error *err)
{
    enum db_step r = db_step(st, err);
    if (r != DB_ROW)
        return r == DB_FAIL ? -1 : 0;
    int64_t id = db_col_int(st, 0);
    return db_exec(st, err) == 0 ? id : -1;
}
