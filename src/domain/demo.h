/* The Tianhe CBD demo network (shared/design/DOMAIN.md). */
#ifndef LOUYU_DOMAIN_DEMO_H
#define LOUYU_DOMAIN_DEMO_H

#include <stdint.h>

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

/* The records the demo's calendar (demo_calendar.c) books for. */
struct demo_calendar_ids {
    int64_t west_station, west_rooms[3], yingkai_rooms[3];
    int64_t committee, zhongke, partner, tenant, rf_committee;
};

/* Books the demo's coming two weeks; called by demo_load(), after the users exist. */
int demo_calendar(struct db *db, struct arena *a, const struct demo_calendar_ids *ids,
                  struct error *err);

/* The demo's activities (demo_activities.c): the "West Tower 1 Hour" series and its
 * sub-series in rotation, a volunteer hour, an appointment service, next month's political
 * birthday gathering, and some sign-ups; after the calendar, whose slots it avoids. */
int demo_activities(struct db *db, struct arena *a, const struct demo_calendar_ids *ids,
                    int64_t first_member, struct error *err);

#endif
