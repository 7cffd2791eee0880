/* The audit log: who changed what, when, from what to what. */
#ifndef LOUYU_DOMAIN_AUDIT_H
#define LOUYU_DOMAIN_AUDIT_H

#include <stdint.h>

#include "core/error.h"

struct arena;
struct caller;
struct target;
struct db;
struct entity;

/* Records one write in the caller's transaction. 'before' is NULL for a create, 'after'
 * NULL for a delete; the changes hold, per field that differs, [before, after]. Fields
 * marked FF_SECRET are never recorded. t (may be NULL) is what governs the record: its
 * organisation and that organisation's path are kept with the record. */
int audit_record(struct db *db, struct arena *a, const struct caller *c, const struct entity *e,
                 int64_t id, const char *action, const struct target *t, const void *before,
                 const void *after, struct error *err);

extern const struct entity audit_entity;

#endif
