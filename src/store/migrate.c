/*
 * Applying migrations: driver-independent. The version lives in a one-row
 * table; each migration and its version bump commit together, so a crash
 * mid-way leaves the database at the last complete version.
 */
#include <stdio.h>

#include "core/arena.h"
#include "store/db.h"
#include "store/driver.h"
#include "store/migrations.h"

static int read_version(struct db *db, int *version, struct error *err)
{
    if (db->ops->lock_schema(db, err) != 0)
        return -1;
    if (db_script(db, "CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)", err) !=
        0)
        return -1;
    struct db_stmt *st = db_stmt(db, Q_SCHEMA_VERSION, err);
    if (st == NULL)
        return -1;
    enum db_step r = db_step(st, err);
    if (r == DB_FAIL)
        return -1;
    *version = r == DB_ROW ? (int)db_col_int(st, 0) : 0;
    /* finished, so that no read is pending while a migration drops an index or a table */
    return r == DB_ROW ? db_exec(st, err) : 0;
}

int db_schema_version(struct db *db, struct error *err)
{
    int v = 0;
    if (db_begin(db, DB_WRITE, err) != 0)
        return -1;
    if (read_version(db, &v, err) != 0 || db_commit(db, err) != 0) {
        db_rollback(db);
        return -1;
    }
    return v;
}

static int apply(struct db *db, size_t version, struct error *err)
{
    struct arena *a = arena_new(8192);
    char *sql = migration_sql(a, version, &db->ops->dialect);
    int rc = db_script(db, sql, err);
    arena_free(a);
    if (rc != 0)
        return -1;
    struct db_stmt *st =
        db_stmt(db, version == 1 ? Q_SCHEMA_VERSION_INSERT : Q_SCHEMA_VERSION_SET, err);
    if (st == NULL)
        return -1;
    db_bind_int(st, 1, (int64_t)version);
    return db_exec(st, err);
}

int db_migrate(struct db *db, struct error *err)
{
    size_t known = migrations_count();
    for (;;) {
        int current;
        /* Each step re-reads the version under the write lock: two processes starting on one
         * database apply every migration once. */
        if (db_begin(db, DB_WRITE, err) != 0)
            return -1;
        if (read_version(db, &current, err) != 0)
            goto fail;
        if ((size_t)current > known) {
            error_set(err, ERR_INTERNAL,
                      "database '%s' has schema version %d, newer than this louyu (%zu): "
                      "upgrade louyu",
                      db->target, current, known);
            goto fail;
        }
        if ((size_t)current == known)
            return db_commit(db, err);
        if (apply(db, (size_t)current + 1, err) != 0 || db_commit(db, err) != 0)
            goto fail;
    }
fail:
    db_rollback(db);
    return -1;
}
