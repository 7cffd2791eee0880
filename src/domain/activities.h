/*
 * Activities at the stations: party lessons, theme party days, political
 * birthdays, volunteer services, the "1 Hour" series' sessions, appointment
 * services. An activity takes its room and time from a booking made through
 * the booking rules (bookings.h), in the same transaction, so it exists only
 * where the calendar had room for it. It is made as a draft, published when
 * its booking is confirmed, and held once it is over (the sweep says so), or
 * cancelled, which frees its room and ends its sign-ups.
 */
#ifndef LOUYU_DOMAIN_ACTIVITIES_H
#define LOUYU_DOMAIN_ACTIVITIES_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/activity_rules.h"
#include "domain/entity.h"

struct activity {
    ENTITY_HEAD;
    int64_t series_id; /* nullable */
    char *title;
    char *description; /* nullable */
    char *kind;        /* one of activity_kinds */
    int64_t host_org_id;
    char *co_organisers; /* JSON array of organisation ids */
    int64_t room_id;     /* with start and end, or taken from booking_id */
    int64_t start, end;
    int64_t capacity;
    char *audience;                      /* one of activity_audiences: who may sign up */
    bool walk_ins;                       /* people may check in without signing up */
    int64_t slot_minutes, slot_capacity; /* nullable: an appointment service's slots */
    int64_t booking_id;                  /* the room's booking */
    char *status;                        /* one of activity_statuses */
    char *reason;                        /* why it was cancelled; nullable */
    char *birthday_month;                /* "YYYY-MM" of a political-birthday gathering */
    int64_t station_id;
    int64_t registered, waiting, checked_in; /* counted, never stored */
    int64_t created_by;                      /* nullable */
    char *host_name;                         /* the host's name, as on the poster */
    ENTITY_TAIL;
};

extern const struct entity activity_entity;

/* Makes an activity as a draft (published at once when 'publish' and its booking needs no
 * approval) and books its room for [start, end) by the host, after every booking rule:
 * a refused booking refuses the activity, with the booking's rule. With booking_id set
 * instead of room_id, start and end, it takes that booking of the host's. */
struct activity *activity_create(struct db *db, struct arena *a, const struct caller *c,
                                 const struct activity *in, bool publish, struct error *err);

/* The same, inside a DB_WRITE_LOCKING transaction the caller runs. birthday_month may be
 * NULL. */
struct activity *activity_make(struct db *db, struct arena *a, const struct caller *c,
                               const struct activity *in, bool publish, const char *birthday_month,
                               int64_t now, struct error *err);

/* Publishes a draft whose booking is confirmed: from then on people may sign up. */
struct activity *activity_publish(struct db *db, struct arena *a, const struct caller *c,
                                  int64_t id, int64_t version, struct error *err);

/* Cancels a draft or published activity: its booking is cancelled (the room is offered
 * to those waiting for it) and so are its sign-ups. */
struct activity *activity_cancel(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                                 int64_t version, const char *reason, struct error *err);

/* Marks published activities that have ended as held. Run with the bookings' sweep. */
int activities_sweep(struct db *db, size_t *held, struct error *err);

/* Locks the activity against every other writer of its places until the transaction
 * ends (a DB_WRITE_LOCKING transaction), and reads it after the lock. */
struct activity *activity_lock(struct db *db, struct arena *a, int64_t id, struct error *err);

/* The activity as stored, without its counts (registered, waiting and checked_in are 0):
 * a read that costs the same however many people came, for the check-in's path. */
struct activity *activity_get_plain(struct db *db, struct arena *a, int64_t id, struct error *err);

/* What governs an activity: its host, its co-organisers and its station; a draft is not
 * public. */
int activity_target(struct db *db, struct arena *a, const void *rec, struct target *t,
                    struct error *err);

/* True when the caller runs the activity (may change it, sign others up, check them in,
 * show its check-in code): the host's or a co-organiser's staff, the station's, an admin. */
bool activity_managed_by(struct db *db, struct arena *a, const struct caller *c,
                         const struct activity *act, struct error *err);

#endif
