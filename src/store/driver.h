/*
 * What a storage driver provides, and what the store's shared code
 * (dispatch, migrations, row mapping) needs from it. Not for use outside
 * store/: the rest of louyu sees only db.h.
 *
 * Every driver's connection struct begins with a struct db, and its
 * statement struct with a struct db_stmt, so that db.c can dispatch through
 * the ops table without knowing the driver.
 */
#ifndef LOUYU_STORE_DRIVER_H
#define LOUYU_STORE_DRIVER_H

#include "store/db.h"
#include "store/migrations.h"

/* A value of a row being loaded (bulk.h). */
struct bulk_value {
    enum { BV_NULL, BV_INT, BV_DOUBLE, BV_TEXT } type;
    int64_t i;
    double d;
    const char *s; /* BV_TEXT: n bytes, NUL-terminated */
    size_t n;
};

/* What a bulk load writes: the table and its columns, comma-separated. */
struct bulk_spec {
    const char *table;
    const char *columns;
    int ncols;
    bool has_id; /* an id column whose sequence must move past the ids loaded */
};

struct db_ops {
    const char *name; /* "sqlite", "postgresql" */
    /* The words of the migrations' tokens (migrations.h). */
    struct dialect dialect;
    void (*close)(struct db *db);
    int (*begin)(struct db *db, enum db_txn kind, struct error *err);
    int (*commit)(struct db *db, struct error *err);
    void (*rollback)(struct db *db);
    bool (*ping)(struct db *db);
    struct db_stmt *(*stmt)(struct db *db, enum query q, struct error *err);
    void (*bind_int)(struct db_stmt *st, int idx, int64_t v);
    void (*bind_double)(struct db_stmt *st, int idx, double v);
    void (*bind_text)(struct db_stmt *st, int idx, const char *s, size_t n);
    void (*bind_null)(struct db_stmt *st, int idx);
    enum db_step (*step)(struct db_stmt *st, struct error *err);
    bool (*col_null)(struct db_stmt *st, int col);
    int64_t (*col_int)(struct db_stmt *st, int col);
    double (*col_double)(struct db_stmt *st, int col);
    const char *(*col_text)(struct db_stmt *st, int col, size_t *len);
    int64_t (*changes)(struct db_stmt *st);
    /* Runs statements that return no rows, separated by ';'. */
    int (*script)(struct db *db, const char *sql, struct error *err);
    /* Inside a write transaction: serialises schema migrations between servers. */
    int (*lock_schema)(struct db *db, struct error *err);
    /* Bulk loads (bulk.h): open returns the driver's state, NULL with err filled. close
     * finishes the load when ok (else abandons it) and frees the state. */
    void *(*bulk_open)(struct db *db, const struct bulk_spec *spec, struct error *err);
    int (*bulk_row)(void *state, const struct bulk_value *v, int n, struct error *err);
    int (*bulk_close)(void *state, bool ok, struct error *err);
    /* Writers take turns anyway (one write lock): let them share commits (group.c). */
    bool group_commit;
};

struct db {
    const struct db_ops *ops;
    char *target; /* for messages: a path, or a URL without its password */
    int in_txn;
    struct db_options opt; /* as opened, for the group's writer connection (group.c) */
};

struct db_stmt {
    struct db *db;
};

/* The drivers' constructors: NULL with err filled on failure. */
struct db *sqlite_open(const char *path, bool create, const struct db_options *opt,
                       struct error *err);
struct db *pg_open(const char *url, const struct db_options *opt, struct error *err);

/* A connection like 'like' (an SQLite file) that is no member of its group: the group's
 * own writer (group.c). */
struct db *db_open_unjoined(const struct db *like, struct error *err);
void db_close_unjoined(struct db *db);

/* Runs a script of one or more statements that return no rows. */
int db_script(struct db *db, const char *sql, struct error *err);

/* 'msg' with every occurrence of the password of 'url' masked, allocated with malloc:
 * libpq echoes a URL it cannot parse, password included. */
char *db_scrub(const char *msg, const char *url);

/* 'url' with any password replaced by "***", allocated with malloc. */
char *db_redact(const char *url);

#endif
