/*
 * A fixed set of database connections shared by the server's worker
 * threads. A request takes one for as long as its handler runs.
 */
#ifndef LOUYU_STORE_POOL_H
#define LOUYU_STORE_POOL_H

#include "store/db.h"

struct db_pool;

/* A pool of up to 'size' connections to target, opened when first needed. */
struct db_pool *db_pool_new(const char *target, int size, const struct db_options *opt);
void db_pool_free(struct db_pool *p);

/* A connection, waiting while all are taken; NULL with ERR_UNAVAILABLE in err when the
 * database cannot be opened. */
struct db *db_pool_acquire(struct db_pool *p, struct error *err);
void db_pool_release(struct db_pool *p, struct db *db);

#endif
