/*
 * The pieces the booking files share: a station's calendar, locked for one
 * write transaction, and the steps every change of a booking takes. Not for
 * use outside domain/booking*.c.
 */
#ifndef LOUYU_DOMAIN_CALENDAR_H
#define LOUYU_DOMAIN_CALENDAR_H

#include "domain/booking_rules.h"
#include "domain/bookings.h"
#include "domain/hours.h"
#include "domain/places.h"

/* A station's calendar, for the rest of a write transaction. */
struct calendar {
    struct station *station;
    struct booking_rules rules;
    struct week_hours hours;
    struct target target; /* the station's: its organisation's paths and the station */
    const char *org_path; /* the station's own organisation's path, NULL without one */
};

/* Locks the station's calendar against every other writer until the transaction ends
 * (run in a DB_WRITE_LOCKING transaction), then reads its settings. */
int calendar_lock(struct db *db, struct arena *a, int64_t station_id, struct calendar *cal,
                  struct error *err);

/* The standing org books with at the calendar's station. */
int calendar_standing(struct db *db, struct arena *a, const struct calendar *cal, int64_t org_id,
                      struct standing *s, struct error *err);

/* True when the caller runs the station: its manager, a committee admin above its
 * organisation, or an admin. Such callers approve and reject bookings. */
bool calendar_managed_by(const struct calendar *cal, const struct caller *c);

/* What governs a booking by org_id on this calendar (booking_target() without reading the
 * station again). */
int calendar_target(struct db *db, struct arena *a, const struct calendar *cal, int64_t org_id,
                    struct target *t, struct error *err);

/* What governs a booking: the booking organisation and the station. */
int booking_target(struct db *db, struct arena *a, const void *rec, struct target *t,
                   struct error *err);

/* The id of an active booking of the room that meets [start, end), other than 'except';
 * 0 when there is none, -1 on failure. */
int64_t calendar_conflict(struct db *db, int64_t room_id, int64_t start, int64_t end,
                          int64_t except, struct error *err);

/* Checks the organisation's quotas for [start, end) at the station, counting its active
 * bookings other than 'except'. */
int calendar_check_quota(struct db *db, const struct calendar *cal, const struct standing *s,
                         int64_t org_id, int64_t start, int64_t end, int64_t except, int64_t now,
                         struct error *err);

/* Moves b to 'status' (with a reason and an offer's expiry, 0 for none), records the
 * change in the audit log as 'action', and returns the stored booking. */
struct booking *booking_set_status(struct db *db, struct arena *a, const struct caller *c,
                                   const struct booking *b, const char *status, const char *reason,
                                   int64_t offer_expires_at, const char *action, struct error *err);

/* Offers what was freed of [start, end) in the room to the waiting list, first come
 * first served. */
int calendar_offer_freed(struct db *db, struct arena *a, const struct calendar *cal,
                         int64_t room_id, int64_t start, int64_t end, int64_t now,
                         struct error *err);

#endif
