/* The audit log: who changed what, when, from what to what. */
#ifndef LOUYU_DOMAIN_AUDIT_H
#define LOUYU_DOMAIN_AUDIT_H

#include <stdint.h>

#include "core/error.h"

struct arena;
struct caller;
struct db;
struct entity;

/* Records one write in the caller's transaction. 'before' is NULL for a create, 'after'
 * NULL for a delete; the changes hold, per field that differs, [before, after]. Fields
 * marked FF_SECRET are never recorded. */
int audit_record(struct db *db, struct arena *a, const struct caller *c, const struct entity *e,
                 int64_t id, const char *action, int64_t org_id, const void *before,
                 const void *after, struct error *err);

extern const struct entity audit_entity;

#endif
