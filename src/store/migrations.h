/*
 * The schema as numbered migrations compiled into the binary. Migration i
 * (1-based) takes a database from version i-1 to i. Dialect differences are
 * written as tokens that the driver's dialect expands (migration_sql()).
 */
#ifndef LOUYU_STORE_MIGRATIONS_H
#define LOUYU_STORE_MIGRATIONS_H

#include <stddef.h>

struct arena;

/* The number of migrations this binary knows, i.e. its schema version. */
size_t migrations_count(void);

/* The dialect's words for the tokens of the migrations. */
struct dialect {
    const char *id_type;       /* {ID}: an auto-increment BIGINT primary-key column */
    const char *without_rowid; /* {WITHOUT_ROWID}: a table stored in its primary key */
};

/* Migration 'version' (1-based) with its tokens replaced by the dialect's words,
 * allocated in 'a'. */
char *migration_sql(struct arena *a, size_t version, const struct dialect *d);

#endif
