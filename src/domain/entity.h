/*
 * Records that are created, read, updated with optimistic concurrency,
 * deleted when nothing depends on them, and listed page by page. A struct
 * entity describes one such kind of record; the functions below carry out the
 * operations, each in its own transaction, for every kind alike.
 */
#ifndef LOUYU_DOMAIN_ENTITY_H
#define LOUYU_DOMAIN_ENTITY_H

#include <stddef.h>
#include <stdint.h>

#include "core/fields.h"
#include "store/db.h"
#include "store/rows.h"

struct arena;

/* A field that names another record, which must exist. */
struct reference {
    const char *field;  /* name in the field table */
    enum query get;     /* the statement that reads the target by id */
    const char *target; /* "building", for messages */
};

/* A query parameter that narrows a listing. */
struct filter {
    const char *param;          /* e.g. "building_id" */
    enum ftype type;            /* FT_REF, FT_INT, FT_DOUBLE or FT_ENUM */
    double min, max;            /* FT_INT, FT_DOUBLE */
    const char *const *choices; /* FT_ENUM */
};

struct entity {
    const char *name;   /* singular, for messages: "station" */
    const char *plural; /* collection name in URLs: "stations" */
    const struct table *table;
    enum query get, list, insert, update, del, dependants;
    const char *dependants_what; /* "rooms": what blocks a delete */
    const struct reference *refs;
    size_t nrefs;
    const struct filter *filters;
    size_t nfilters;
    /* Further rules for a complete record, inside the write transaction; NULL for none.
     * Reports through err and returns -1 when the record breaks one. */
    int (*check)(struct db *db, const void *rec, struct error *err);
};

/* The rows every record's field table starts and ends with, in that order. */
#define ENTITY_ID_FIELD(T)                                                                         \
    {                                                                                              \
        .name = "id", .type = FT_ID, .flags = FF_READONLY, .offset = offsetof(T, id)               \
    }
#define ENTITY_TRAILER_FIELDS(T)                                                                   \
    {.name = "version",                                                                            \
     .type = FT_INT,                                                                               \
     .flags = FF_VERSION,                                                                          \
     .offset = offsetof(T, version),                                                               \
     .min = 1,                                                                                     \
     .max = 9.0e15},                                                                               \
        {.name = "created_at",                                                                     \
         .type = FT_TIME,                                                                          \
         .flags = FF_READONLY,                                                                     \
         .offset = offsetof(T, created_at)},                                                       \
    {                                                                                              \
        .name = "updated_at", .type = FT_TIME, .flags = FF_READONLY,                               \
        .offset = offsetof(T, updated_at)                                                          \
    }

/* The members that go with those rows, first and last in every record struct. */
#define ENTITY_HEAD                                                                                \
    struct rec rec;                                                                                \
    int64_t id
#define ENTITY_TAIL                                                                                \
    int64_t version;    /* bumped by every update */                                               \
    int64_t created_at; /* seconds since the epoch */                                              \
    int64_t updated_at

/* The record with this id, allocated in a; NULL with ERR_NOT_FOUND (or a database error). */
void *entity_get(struct db *db, struct arena *a, const struct entity *e, int64_t id,
                 struct error *err);

/* One page: *items gets up to lq->limit records, *next the cursor of the next page or 0. */
int entity_list(struct db *db, struct arena *a, const struct entity *e, const struct list_query *lq,
                void ***items, size_t *n, int64_t *next, struct error *err);

/* Stores a decoded record; returns the stored record (with id, version, times). */
void *entity_create(struct db *db, struct arena *a, const struct entity *e, const void *rec,
                    struct error *err);

/* Applies a decoded patch whose version must equal the stored one (else ERR_CONFLICT). */
void *entity_update(struct db *db, struct arena *a, const struct entity *e, int64_t id,
                    const void *patch, struct error *err);

/* Deletes the record unless something depends on it (ERR_CONFLICT). */
int entity_delete(struct db *db, struct arena *a, const struct entity *e, int64_t id,
                  struct error *err);

/* The field that holds the optimistic-concurrency version, as an int64. */
int64_t entity_version(const struct entity *e, const void *rec);
int64_t entity_id(const struct entity *e, const void *rec);

#endif
