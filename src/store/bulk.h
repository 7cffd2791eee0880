/*
 * Loading many rows at once, for generated data sets (louyu demo --scale): rows
 * go to a table in the order given, with their ids, as fast as the driver can
 * take them. SQLite runs one cached INSERT per row; PostgreSQL streams them
 * with COPY, which is tens of times faster than a statement per row there.
 *
 * Use inside a write transaction (db_transact): a failed load rolls back with
 * it. The caller gives every value of a row, in the table's column order
 * (bulk.c lists the columns), then ends the row.
 */
#ifndef LOUYU_STORE_BULK_H
#define LOUYU_STORE_BULK_H

#include <stdint.h>

#include "core/error.h"
#include "store/db.h"

enum bulk_table {
    BULK_BUILDINGS,
    BULK_ORGS,
    BULK_STATIONS,
    BULK_ROOMS,
    BULK_MEMBERS,
    BULK_USERS,
    BULK_GRANTS,
    BULK_BOOKINGS,
    BULK_ACTIVITIES,
    BULK_REGISTRATIONS,
    BULK_CHECKINS,
    BULK_ATTENDEES,
    BULK__MAX
};

struct bulk;

/* Starts loading into table t. NULL and err filled on failure. */
struct bulk *bulk_open(struct db *db, enum bulk_table t, struct error *err);

/* The next value of the current row. Text is copied before the call returns. */
void bulk_int(struct bulk *b, int64_t v);
void bulk_double(struct bulk *b, double v);
void bulk_text(struct bulk *b, const char *s);
void bulk_null(struct bulk *b);
/* A nullable integer: NULL when v is 0 (ids start at 1). */
void bulk_id_or_null(struct bulk *b, int64_t v);

/* Ends the row: -1 with err filled when it has the wrong number of values or the
 * database refuses it. */
int bulk_row(struct bulk *b, struct error *err);

/* Finishes the load (and, for tables with ids, moves the id sequence past the largest
 * id loaded) and frees b, also after a failure. Returns the rows loaded, or -1. */
int64_t bulk_close(struct bulk *b, struct error *err);

#endif
