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

#include "domain/access.h"

struct arena;

/* A field that names another record, which must exist. */
struct reference {
    const char *field;  /* name in the field table */
    enum query get;     /* the statement that reads the target by id */
    const char *target; /* "building", for messages */
};

/* A query parameter that narrows a listing. */
struct filter {
    const char *param;          /* e.g. "building_id"; NULL for the caller filter below */
    enum ftype type;            /* FT_REF, FT_INT, FT_DOUBLE or FT_ENUM */
    double min, max;            /* FT_INT, FT_DOUBLE */
    const char *const *choices; /* FT_ENUM */
    /* FT_BOOL: turns "true" into the value the statement takes (e.g. a cut-off date), or
     * leaves it absent for "false". */
    void (*derive)(struct arena *a, struct filter_value *v);
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

    /* Access (see access.c): who may read and who may write. */
    bool public_read;     /* anyone may read, signed in or not */
    unsigned read_roles;  /* ROLE_BITs whose covering grants let the caller read a record */
    unsigned write_roles; /* ... create, update and delete one */
    unsigned edit_roles;  /* ... only update one */
    /* What governs rec (its organisations, its station); NULL: nothing, so only admins
     * write. */
    int (*target)(struct db *db, struct arena *a, const void *rec, struct target *t,
                  struct error *err);
    /* When the list statement's last filter is the caller's user id (NULL for admins), so
     * that a list holds only what the caller may read. */
    bool list_scoped;
    /* People read records about themselves (target's owner), so anyone signed in may list
     * the collection: the list statement's scope shows them their own. */
    bool owned;
    bool searchable; /* lists take ?q= (a substring of the name) */
    /* Hides, in place, what a reader who does not manage the record may not see (NULL: all
     * readers see everything); a reader who does see everything is recorded in the audit
     * log with the action "view". */
    void (*redact)(void *rec);
    /* Locks the record (by id) against every other writer, first thing in an update, for
     * rules that count what other writers add (an activity's places); NULL: no lock. With
     * a lock, updates run as DB_WRITE_LOCKING transactions. */
    int (*lock)(struct db *db, int64_t id, struct error *err);
    /* Runs after the row is written, in the same transaction; before is NULL on create. */
    int (*after_write)(struct db *db, struct arena *a, const void *before, const void *after,
                       struct error *err);
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

/* The record with this id, allocated in a, whoever asks; NULL with ERR_NOT_FOUND (or a
 * database error). For the domain's own use: callers on behalf of a person use
 * entity_read(). */
void *entity_get(struct db *db, struct arena *a, const struct entity *e, int64_t id,
                 struct error *err);

/* The operations below act for caller, after the access policy allowed it: refusals are
 * ERR_UNAUTHENTICATED (401), ERR_FORBIDDEN (403) or ERR_NOT_FOUND (404). Every write is
 * recorded in the audit log, in its own transaction. */

void *entity_read(struct db *db, struct arena *a, const struct caller *c, const struct entity *e,
                  int64_t id, struct error *err);

/* One page: *items gets up to lq->limit records, *next the cursor of the next page or 0. */
int entity_list(struct db *db, struct arena *a, const struct caller *c, const struct entity *e,
                struct list_query *lq, void ***items, size_t *n, int64_t *next, struct error *err);

/* Stores a decoded record; returns the stored record (with id, version, times). */
void *entity_create(struct db *db, struct arena *a, const struct caller *c, const struct entity *e,
                    const void *rec, struct error *err);

/* Applies a decoded patch whose version must equal the stored one (else ERR_CONFLICT). */
void *entity_update(struct db *db, struct arena *a, const struct caller *c, const struct entity *e,
                    int64_t id, const void *patch, struct error *err);

/* Deletes the record unless something depends on it (ERR_CONFLICT). */
int entity_delete(struct db *db, struct arena *a, const struct caller *c, const struct entity *e,
                  int64_t id, struct error *err);

/* Checks that every reference of rec names an existing record (ERR_RULE per field). */
int entity_check_refs(struct db *db, struct arena *a, const struct entity *e, const void *rec,
                      struct error *err);

/* The caller that the command line acts as: an admin named "cli". */
extern const struct caller entity_cli_caller;

int64_t entity_version(const struct entity *e, const void *rec);
int64_t entity_id(const struct entity *e, const void *rec);

#endif
