/*
 * What the store's shared code (migrations, row mapping) needs from a driver
 * beyond db.h. Not for use outside store/.
 */
#ifndef LOUYU_STORE_DRIVER_H
#define LOUYU_STORE_DRIVER_H

#include "store/db.h"

/* Runs a script of one or more statements that return no rows. */
int db_script(struct db *db, const char *sql, struct error *err);

/* The column type of an auto-increment BIGINT primary key in this dialect. */
const char *db_id_type(const struct db *db);

/* The target the connection was opened with, for messages (never a password). */
const char *db_target(const struct db *db);

#endif
