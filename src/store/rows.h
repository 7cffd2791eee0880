/*
 * Mapping between records (core/fields.h) and statements: a SELECT lists the
 * columns in the order of the record's field table, and INSERT/UPDATE
 * statements take the writable fields first, in that order.
 */
#ifndef LOUYU_STORE_ROWS_H
#define LOUYU_STORE_ROWS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/fields.h"
#include "store/db.h"

/* Binds the writable fields of rec (neither id, version nor read-only) to ?1..?k in
 * table order; returns k + 1, the next free parameter. */
int rows_bind(struct db_stmt *st, const struct table *t, const void *rec);

/* Reads the current row into rec (zeroed first): column i is field i. */
void rows_read(struct db_stmt *st, struct arena *a, const struct table *t, void *rec);

/* One filter of a list query: a value, or absent. */
struct filter_value {
    bool present;
    enum ftype type; /* FT_REF, FT_INT: i; FT_DOUBLE: d; FT_ENUM, FT_TEXT: s */
    int64_t i;
    double d;
    const char *s;
};

#define LIST_MAX_FILTERS 8

/* A page of a collection, in id order. */
struct list_query {
    int64_t after; /* cursor: the last id of the previous page, 0 for the first */
    struct filter_value filters[LIST_MAX_FILTERS];
    size_t nfilters;
    const char *name_contains; /* substring of the name, or NULL */
    int limit;
    bool shows_nothing_personal; /* the caller shows none of the masked fields: the reads of
                                    unmasked records need no audit record */
};

/* Binds a list query in the layout that store/queries.c documents: the cursor, the
 * filters, the name pattern, and limit + 1 (one more row says whether a next page
 * exists). */
void rows_bind_list(struct db_stmt *st, struct arena *a, const struct list_query *lq);

#endif
