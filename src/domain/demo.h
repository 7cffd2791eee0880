/* The Tianhe CBD demo network (shared/design/DOMAIN.md). */
#ifndef LOUYU_DOMAIN_DEMO_H
#define LOUYU_DOMAIN_DEMO_H

#include "core/error.h"

struct arena;
struct db;

/* Loads the demo into an empty database; ERR_CONFLICT when it already holds buildings. */
int demo_load(struct db *db, struct arena *a, struct error *err);

#endif
