/*
 * The schema as numbered migrations compiled into the binary. Migration i
 * (1-based) takes a database from version i-1 to i. Dialect differences are
 * written as tokens that the driver expands (see migration_expand()).
 */
#ifndef LOUYU_STORE_MIGRATIONS_H
#define LOUYU_STORE_MIGRATIONS_H

#include <stddef.h>

struct arena;

/* The number of migrations this binary knows, i.e. its schema version. */
size_t migrations_count(void);

/* Migration 'version' (1-based) with the token {ID} replaced by the dialect's
 * auto-increment primary-key column type, allocated in 'a'. */
char *migration_sql(struct arena *a, size_t version, const char *id_type);

#endif
