/*
 * The PostgreSQL driver: the only file that includes libpq-fe.h.
 *
 * Statements are the same SQL as for SQLite; '?NNN' parameters become
 * '$NNN', and each statement is prepared on a connection the first time it
 * runs there (parameter types left to the server to infer). Values travel in
 * text format. Write transactions are SERIALIZABLE: a serialization failure
 * or deadlock sets err->retry, and db_transact() runs the transaction again.
 *
 * A lost connection answers ERR_UNAVAILABLE (503) and is re-established on
 * the next use, so the server recovers by itself when the database is back.
 */
#include <ctype.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store/driver.h"

#define MAX_PARAMS 32

struct pg_stmt {
    struct db_stmt base;
    enum query q;
    bool prepared; /* on the current connection */
    int nparams;
    char *values[MAX_PARAMS]; /* malloc'd text, or NULL for SQL NULL */
    PGresult *res;
    int row;   /* the current row; -1 before the first step */
    int nrows; /* -1 until executed */
};

struct pg {
    struct db base;
    PGconn *conn;
    struct pg_stmt stmts[Q__MAX];
};

#define PG(db)  ((struct pg *)(db))
#define PST(st) ((struct pg_stmt *)(st))

static const struct db_ops pg_ops;

/* ---- errors ---- */

/* The length of the first line of libpq's message, for "%.*s". */
static int first_line(const char *msg)
{
    return (int)strcspn(msg, "\n");
}

static int conn_error(struct pg *db, struct error *err, const char *what)
{
    const char *msg = PQerrorMessage(db->conn);
    return error_set(err, ERR_UNAVAILABLE, "%s %s: %.*s", what, db->base.target, first_line(msg),
                     msg);
}

/* Maps a failed result to an error kind by its SQLSTATE. */
static int result_error(struct pg *db, PGresult *res, struct error *err)
{
    const char *state = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(db->conn);
    if (PQstatus(db->conn) != CONNECTION_OK || state == NULL || strncmp(state, "08", 2) == 0 ||
        strncmp(state, "57P", 3) == 0)
        return error_set(err, ERR_UNAVAILABLE, "lost the connection to the database %s: %.*s",
                         db->base.target, first_line(msg), msg);
    enum err_kind kind = ERR_INTERNAL;
    if (strncmp(state, "23", 2) == 0)
        kind = ERR_CONFLICT; /* integrity constraint violation */
    else if (strcmp(state, "40001") == 0 || strcmp(state, "40P01") == 0) {
        kind = ERR_UNAVAILABLE; /* serialization failure, deadlock: try again */
        err->retry = true;
    }
    return error_set(err, kind, "database error: %.*s", first_line(msg), msg);
}

/* ---- connection ---- */

static void forget_prepared(struct pg *db)
{
    for (int i = 0; i < Q__MAX; i++)
        db->stmts[i].prepared = false;
}

/* Re-establishes a broken connection; 0 when the connection is usable. */
static int ensure_connected(struct pg *db, struct error *err)
{
    if (PQstatus(db->conn) == CONNECTION_OK)
        return 0;
    PQreset(db->conn);
    forget_prepared(db);
    if (PQstatus(db->conn) != CONNECTION_OK)
        return conn_error(db, err, "cannot reach the database");
    return 0;
}

/* Runs a statement without parameters or rows. */
static int simple(struct pg *db, const char *sql, struct error *err)
{
    PGresult *res = PQexec(db->conn, sql);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;
    int rc = ok ? 0 : result_error(db, res, err);
    PQclear(res);
    return rc;
}

struct db *pg_open(const char *url, const struct db_options *opt, struct error *err)
{
    (void)opt;
    struct pg *db = calloc(1, sizeof(*db));
    if (db == NULL) {
        error_set(err, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    db->base.ops = &pg_ops;
    db->base.target = db_redact(url);
    for (int i = 0; i < Q__MAX; i++) {
        db->stmts[i].base.db = &db->base;
        db->stmts[i].q = (enum query)i;
    }
    /* URL settings win over these defaults: libpq reads the keywords in order. */
    const char *keys[] = {"connect_timeout", "application_name", "dbname", NULL};
    const char *values[] = {"5", "louyu", url, NULL};
    db->conn = PQconnectdbParams(keys, values, 1);
    if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
        char *msg = db_scrub(db->conn ? PQerrorMessage(db->conn) : "out of memory", url);
        error_set(err, ERR_UNAVAILABLE, "cannot connect to database %s: %.*s", db->base.target,
                  first_line(msg), msg);
        free(msg);
        db_close(&db->base);
        return NULL;
    }
    if (simple(db, "SET client_min_messages = warning", err) != 0) {
        db_close(&db->base);
        return NULL;
    }
    return &db->base;
}

static void clear_stmt(struct pg_stmt *st)
{
    for (int i = 0; i < MAX_PARAMS; i++) {
        free(st->values[i]);
        st->values[i] = NULL;
    }
    PQclear(st->res);
    st->res = NULL;
    st->row = -1;
    st->nrows = -1;
}

static void pg_close(struct db *base)
{
    struct pg *db = PG(base);
    for (int i = 0; i < Q__MAX; i++)
        clear_stmt(&db->stmts[i]);
    PQfinish(db->conn);
    free(db->base.target);
    free(db);
}

/* ---- transactions ---- */

static int pg_begin(struct db *base, enum db_txn kind, struct error *err)
{
    struct pg *db = PG(base);
    static const char *const begin[] = {
        [DB_READ] = "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
        [DB_WRITE] = "BEGIN ISOLATION LEVEL SERIALIZABLE",
        /* each statement sees what was committed before it, so what is read after taking
         * the row lock is current (a serializable snapshot would predate the lock) */
        [DB_WRITE_LOCKING] = "BEGIN ISOLATION LEVEL READ COMMITTED",
    };
    const char *sql = begin[kind];
    if (ensure_connected(db, err) != 0)
        return -1;
    if (simple(db, sql, err) == 0)
        return 0;
    /* A connection that died while idle (a restarted server) shows only now: nothing has
     * happened in this transaction yet, so reconnecting and beginning again is safe. */
    if (PQstatus(db->conn) == CONNECTION_OK)
        return -1;
    error_reset(err);
    if (ensure_connected(db, err) != 0)
        return -1;
    return simple(db, sql, err);
}

static int pg_commit(struct db *db, struct error *err)
{
    return simple(PG(db), "COMMIT", err);
}

static void pg_rollback(struct db *base)
{
    struct pg *db = PG(base);
    if (PQstatus(db->conn) != CONNECTION_OK)
        return; /* the server rolled back when the connection died */
    PGresult *res = PQexec(db->conn, "ROLLBACK");
    PQclear(res);
}

static bool pg_ping(struct db *base)
{
    struct pg *db = PG(base);
    if (PQstatus(db->conn) != CONNECTION_OK) {
        PQreset(db->conn);
        forget_prepared(db);
    }
    PGresult *res = PQexec(db->conn, "SELECT 1");
    bool ok = PQresultStatus(res) == PGRES_TUPLES_OK;
    PQclear(res);
    if (!ok && PQstatus(db->conn) != CONNECTION_OK) {
        PQreset(db->conn);
        forget_prepared(db);
        res = PQexec(db->conn, "SELECT 1");
        ok = PQresultStatus(res) == PGRES_TUPLES_OK;
        PQclear(res);
    }
    return ok;
}

/* ---- statements ---- */

/* Rewrites '?NNN' and '?' parameters to '$NNN', leaving string literals alone, and counts
 * the parameters. The result is malloc'd. */
static char *rewrite(const char *sql, int *nparams)
{
    size_t n = strlen(sql);
    char *out = malloc(n * 3 + 1), *o = out;
    int next = 1, most = 0;
    bool quoted = false;
    for (const char *p = sql; *p; p++) {
        if (*p == '\'')
            quoted = !quoted;
        if (quoted || *p != '?') {
            *o++ = *p;
            continue;
        }
        int num = next++;
        if (isdigit((unsigned char)p[1])) {
            char *end;
            num = (int)strtol(p + 1, &end, 10);
            p = end - 1;
        }
        o += snprintf(o, 8, "$%d", num);
        most = num > most ? num : most;
    }
    *o = '\0';
    *nparams = most;
    return out;
}

static struct db_stmt *pg_stmt(struct db *base, enum query q, struct error *err)
{
    struct pg *db = PG(base);
    if (ensure_connected(db, err) != 0)
        return NULL;
    struct pg_stmt *st = &db->stmts[q];
    clear_stmt(st);
    if (!st->prepared) {
        char name[16];
        snprintf(name, sizeof(name), "q%d", (int)q);
        char *sql = rewrite(query_sql(q), &st->nparams);
        PGresult *res = PQprepare(db->conn, name, sql, st->nparams, NULL);
        free(sql);
        int ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        if (!ok)
            result_error(db, res, err);
        PQclear(res);
        if (!ok)
            return NULL;
        st->prepared = true;
    }
    return &st->base;
}

static void set_value(struct db_stmt *base, int idx, char *v)
{
    struct pg_stmt *st = PST(base);
    if (idx < 1 || idx > MAX_PARAMS) {
        free(v);
        return;
    }
    free(st->values[idx - 1]);
    st->values[idx - 1] = v;
}

static void pg_bind_int(struct db_stmt *st, int idx, int64_t v)
{
    char *s = malloc(24);
    snprintf(s, 24, "%lld", (long long)v);
    set_value(st, idx, s);
}

static void pg_bind_double(struct db_stmt *st, int idx, double v)
{
    char *s = malloc(32);
    snprintf(s, 32, "%.17g", v);
    set_value(st, idx, s);
}

static void pg_bind_text(struct db_stmt *st, int idx, const char *s, size_t n)
{
    set_value(st, idx, strndup(s, n));
}

static void pg_bind_null(struct db_stmt *st, int idx)
{
    set_value(st, idx, NULL);
}

static int execute(struct pg_stmt *st, struct error *err)
{
    struct pg *db = PG(st->base.db);
    char name[16];
    snprintf(name, sizeof(name), "q%d", (int)st->q);
    st->res =
        PQexecPrepared(db->conn, name, st->nparams, (const char *const *)st->values, NULL, NULL, 0);
    ExecStatusType status = PQresultStatus(st->res);
    if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
        return result_error(db, st->res, err);
    st->nrows = PQntuples(st->res);
    return 0;
}

static enum db_step pg_step(struct db_stmt *base, struct error *err)
{
    struct pg_stmt *st = PST(base);
    if (st->nrows < 0 && execute(st, err) != 0)
        return DB_FAIL;
    if (st->row + 1 >= st->nrows)
        return DB_DONE;
    st->row++;
    return DB_ROW;
}

static bool pg_col_null(struct db_stmt *st, int col)
{
    return PQgetisnull(PST(st)->res, PST(st)->row, col);
}

static int64_t pg_col_int(struct db_stmt *st, int col)
{
    return strtoll(PQgetvalue(PST(st)->res, PST(st)->row, col), NULL, 10);
}

static double pg_col_double(struct db_stmt *st, int col)
{
    return strtod(PQgetvalue(PST(st)->res, PST(st)->row, col), NULL);
}

static const char *pg_col_text(struct db_stmt *st, int col, size_t *len)
{
    if (len)
        *len = (size_t)PQgetlength(PST(st)->res, PST(st)->row, col);
    return PQgetvalue(PST(st)->res, PST(st)->row, col);
}

static int64_t pg_changes(struct db_stmt *st)
{
    const char *n = PST(st)->res ? PQcmdTuples(PST(st)->res) : "";
    return *n ? strtoll(n, NULL, 10) : 0;
}

static int pg_script(struct db *db, const char *sql, struct error *err)
{
    return simple(PG(db), sql, err);
}

/* Two servers starting at once take turns at migrating. */
static int pg_lock_schema(struct db *db, struct error *err)
{
    return simple(PG(db), "SELECT pg_advisory_xact_lock(20171201)", err);
}

/* ---- bulk loads: COPY ... FROM STDIN in text format ---- */

#define BULK_MAX_INDEXES 16

struct pg_bulk {
    struct pg *db;
    const struct bulk_spec *spec;
    char *buf;
    size_t len;
    char *index_sql[BULK_MAX_INDEXES]; /* the table's indexes, made again at the end */
    int nindexes;
};

static void free_bulk(struct pg_bulk *b)
{
    for (int i = 0; i < b->nindexes; i++)
        free(b->index_sql[i]);
    free(b->buf);
    free(b);
}

/* COPY into a table without its indexes, made again by sorting at the end, is several
 * times faster. The indexes of constraints (keys, UNIQUE columns) stay. */
static int drop_indexes(struct pg_bulk *b, struct error *err)
{
    const char *table = b->spec->table;
    PGresult *res = PQexecParams(
        b->db->conn,
        "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
        "AND tablename = $1 AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        1, NULL, &table, NULL, NULL, 0);
    if (PQresultStatus(res) != PGRES_TUPLES_OK) {
        result_error(b->db, res, err);
        PQclear(res);
        return -1;
    }
    int rc = 0;
    for (int i = 0; rc == 0 && i < PQntuples(res) && b->nindexes < BULK_MAX_INDEXES; i++) {
        char drop[256];
        b->index_sql[b->nindexes++] = strdup(PQgetvalue(res, i, 1));
        snprintf(drop, sizeof(drop), "DROP INDEX \"%s\"", PQgetvalue(res, i, 0));
        rc = simple(b->db, drop, err);
    }
    PQclear(res);
    return rc;
}

#define COPY_CHUNK (1 << 20)

static void *pg_bulk_open(struct db *base, const struct bulk_spec *spec, struct error *err)
{
    struct pg *db = PG(base);
    struct pg_bulk *b = calloc(1, sizeof(*b));
    char sql[1024];
    if (b == NULL || (b->buf = malloc(COPY_CHUNK + 65536)) == NULL) {
        free(b);
        error_set(err, ERR_INTERNAL, "out of memory");
        return NULL;
    }
    b->db = db;
    b->spec = spec;
    if (drop_indexes(b, err) != 0) {
        free_bulk(b);
        return NULL;
    }
    snprintf(sql, sizeof(sql), "COPY %s (%s) FROM STDIN", spec->table, spec->columns);
    PGresult *res = PQexec(db->conn, sql);
    if (PQresultStatus(res) != PGRES_COPY_IN) {
        result_error(db, res, err);
        PQclear(res);
        free_bulk(b);
        return NULL;
    }
    PQclear(res);
    return b;
}

static int flush_copy(struct pg_bulk *b, struct error *err)
{
    if (b->len > 0 && PQputCopyData(b->db->conn, b->buf, (int)b->len) != 1)
        return conn_error(b->db, err, "cannot load rows into");
    b->len = 0;
    return 0;
}

/* COPY's text format: tab between values, \N for NULL, and a backslash before the
 * characters that would end a value or a row. */
static void put_text(struct pg_bulk *b, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c == '\\' || c == '\t' || c == '\n' || c == '\r') {
            b->buf[b->len++] = '\\';
            c = c == '\t' ? 't' : c == '\n' ? 'n' : c == '\r' ? 'r' : c;
        }
        b->buf[b->len++] = c;
    }
}

static int pg_bulk_row(void *state, const struct bulk_value *v, int n, struct error *err)
{
    struct pg_bulk *b = state;
    size_t need = 0;
    for (int i = 0; i < n; i++)
        need += v[i].type == BV_TEXT ? 2 * v[i].n + 1 : 32;
    if (b->len + need > COPY_CHUNK && flush_copy(b, err) != 0)
        return -1;
    if (need > COPY_CHUNK + 65536)
        return error_set(err, ERR_INVALID, "a row of %zu bytes is too long to load", need);
    for (int i = 0; i < n; i++) {
        if (i > 0)
            b->buf[b->len++] = '\t';
        if (v[i].type == BV_INT)
            b->len += (size_t)snprintf(b->buf + b->len, 32, "%lld", (long long)v[i].i);
        else if (v[i].type == BV_DOUBLE)
            b->len += (size_t)snprintf(b->buf + b->len, 32, "%.17g", v[i].d);
        else if (v[i].type == BV_TEXT)
            put_text(b, v[i].s, v[i].n);
        else {
            memcpy(b->buf + b->len, "\\N", 2);
            b->len += 2;
        }
    }
    b->buf[b->len++] = '\n';
    return 0;
}

/* The end of the COPY, and its outcome; then the id sequence moves past the ids given. */
static int end_copy(struct pg_bulk *b, bool ok, struct error *err)
{
    if (ok && flush_copy(b, err) != 0)
        ok = false;
    if (PQputCopyEnd(b->db->conn, ok ? NULL : "abandoned") != 1)
        return conn_error(b->db, err, "cannot finish loading rows into");
    int rc = 0;
    PGresult *res;
    while ((res = PQgetResult(b->db->conn)) != NULL) {
        if (ok && rc == 0 && PQresultStatus(res) != PGRES_COMMAND_OK)
            rc = result_error(b->db, res, err);
        PQclear(res);
    }
    if (!ok || rc != 0)
        return ok ? rc : -1;
    for (int i = 0; i < b->nindexes; i++)
        if (simple(b->db, b->index_sql[i], err) != 0)
            return -1;
    if (!b->spec->has_id)
        return 0;
    char sql[256];
    snprintf(sql, sizeof(sql),
             "SELECT setval(pg_get_serial_sequence('%s', 'id'), "
             "(SELECT COALESCE(max(id), 0) + 1 FROM %s), false)",
             b->spec->table, b->spec->table);
    return simple(b->db, sql, err);
}

static int pg_bulk_close(void *state, bool ok, struct error *err)
{
    struct pg_bulk *b = state;
    int rc = end_copy(b, ok, err);
    free_bulk(b);
    return rc;
}

static const struct db_ops pg_ops = {
    .name = "postgresql",
    .dialect = {"BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", ""},
    .close = pg_close,
    .begin = pg_begin,
    .commit = pg_commit,
    .rollback = pg_rollback,
    .ping = pg_ping,
    .stmt = pg_stmt,
    .bind_int = pg_bind_int,
    .bind_double = pg_bind_double,
    .bind_text = pg_bind_text,
    .bind_null = pg_bind_null,
    .step = pg_step,
    .col_null = pg_col_null,
    .col_int = pg_col_int,
    .col_double = pg_col_double,
    .col_text = pg_col_text,
    .changes = pg_changes,
    .script = pg_script,
    .lock_schema = pg_lock_schema,
    .bulk_open = pg_bulk_open,
    .bulk_row = pg_bulk_row,
    .bulk_close = pg_bulk_close,
};
