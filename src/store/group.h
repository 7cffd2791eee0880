/* Group commit (group.c): for drivers whose writers take turns, as SQLite's do. */
#ifndef LOUYU_STORE_GROUP_H
#define LOUYU_STORE_GROUP_H

#include "store/db.h"

/* Runs fn(db, ctx, err) in a write transaction shared with the other writers of the same
 * database waiting at this moment, each in its own savepoint, and returns once the shared
 * transaction has committed (0) or fn or the commit failed (-1, err filled). fn runs on
 * the group's writer connection (passed to it), not on db: one connection does all the
 * writing, so its page cache stays warm (SQLite drops a connection's cache whenever
 * another connection has written). */
int group_transact(struct db *db, int (*fn)(struct db *, void *, struct error *), void *ctx,
                   struct error *err);

/* Connections of a database join its group when opened and leave it when closed; when the
 * last leaves, the group's own writer connection is closed too (so a file deleted and
 * made anew is never written through a connection to the old one). */
void group_join(struct db *db);
void group_leave(struct db *db);

#endif
