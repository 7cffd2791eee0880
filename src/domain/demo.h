/* The Tianhe CBD demo network (shared/design/DOMAIN.md). */
#ifndef LOUYU_DOMAIN_DEMO_H
#define LOUYU_DOMAIN_DEMO_H

#include "core/error.h"

struct arena;
struct db;

/* The password of every demo user, unless LOUYU_DEMO_PASSWORD says otherwise. Demo data
 * is for trying louyu out, never for real use. */
#define DEMO_PASSWORD "louyu-demo"

/* Loads the demo (towers, stations, rooms, the organisation tree and one user per kind of
 * role, with this password) into an empty database; ERR_CONFLICT when it already holds
 * buildings. */
int demo_load(struct db *db, struct arena *a, const char *password, struct error *err);

#endif
