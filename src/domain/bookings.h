/*
 * Bookings of a station's rooms by organisations, and the station's closures.
 * A booking holds its room for [start, end) while it is offered, pending or
 * confirmed; no two such bookings of a room ever overlap. A booking that
 * finds its slot taken may wait instead: when the slot comes free, the first
 * waiting organisation is offered it, for a time (see booking_flow.c).
 *
 * Every write to a station's calendar first locks the station's row, so that
 * the checks it makes (overlap, quotas) and its write are one step for
 * everyone else, on SQLite and PostgreSQL alike.
 */
#ifndef LOUYU_DOMAIN_BOOKINGS_H
#define LOUYU_DOMAIN_BOOKINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/booking_rules.h"
#include "domain/entity.h"

struct booking {
    ENTITY_HEAD;
    int64_t room_id;
    int64_t org_id; /* the booking organisation */
    int64_t start, end;
    char *title;
    char *purpose; /* nullable */
    int64_t attendance;
    char *contact_name;       /* nullable */
    char *contact_phone;      /* nullable */
    char *status;             /* one of booking_statuses */
    char *reason;             /* why it was rejected, cancelled or released; nullable */
    int64_t series_id;        /* the recurring series it belongs to; nullable */
    char *flag;               /* a closure it falls in that only flags; nullable */
    int64_t checked_in_at;    /* nullable */
    int64_t offer_expires_at; /* while offered from the waiting list; nullable */
    int64_t station_id;       /* the room's station */
    int64_t created_by;       /* the user; nullable (the command line) */
    char *org_name;           /* the booking organisation's name, for those who read it */
    ENTITY_TAIL;
};

extern const char *const booking_statuses[];
extern const struct entity booking_entity;

struct closure {
    ENTITY_HEAD;
    int64_t station_id;
    int64_t room_id; /* nullable: the whole station */
    int64_t start, end;
    char *reason;
    char *effect; /* "refuse": no bookings; "flag": bookings are made and flagged */
    ENTITY_TAIL;
};

extern const struct entity closure_entity;

/* A request to book: one booking, or a series of them by an RRULE. */
struct booking_request {
    const struct booking *b; /* the decoded body: the first occurrence */
    const char *rrule;       /* NULL for a single booking */
    bool skip_conflicts;     /* a series: book the occurrences that can be, report the rest
                                (else: all or nothing) */
    bool wait;               /* a taken slot: join its waiting list instead of a 409 */
};

/* An occurrence of a series that was not booked, and why. */
struct skipped {
    int64_t start, end;
    const char *rule; /* err->rule of the refusal */
    const char *detail;
};

struct booking_result {
    struct booking **made;
    size_t nmade;
    struct skipped *skipped;
    size_t nskipped;
    int64_t series_id; /* 0 for a single booking */
};

/* Books after every rule (booking_rules.h) in one transaction; all-or-nothing unless the
 * request says otherwise. */
int booking_create(struct db *db, struct arena *a, const struct caller *c,
                   const struct booking_request *rq, struct booking_result *out, struct error *err);

/* The same, inside a DB_WRITE_LOCKING transaction the caller runs, at 'now' (an activity
 * books its room in its own transaction). */
int booking_create_in(struct db *db, struct arena *a, const struct caller *c,
                      const struct booking_request *rq, int64_t now, struct booking_result *out,
                      struct error *err);

/* A station's manager approves or rejects (with a reason) a pending booking. */
struct booking *booking_decide(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                               int64_t version, bool approve, const char *reason,
                               struct error *err);

/* Cancels a booking (or withdraws from a waiting list); with 'following', also the later
 * occurrences of its series. The freed slots are offered to those waiting. Returns the
 * number cancelled, *out holding them. */
int booking_cancel(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                   int64_t version, const char *reason, bool following, struct booking ***out,
                   struct error *err);

/* Cancels the one booking 'id' (whatever its version) inside a DB_WRITE_LOCKING
 * transaction the caller runs; the slot is offered on as booking_cancel() does. */
int booking_cancel_in(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                      const char *reason, int64_t now, struct error *err);

/* The waiting organisation accepts or declines the slot it was offered. */
struct booking *booking_answer(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                               int64_t version, bool accept, struct error *err);

/* Records that the booking's people arrived: from 30 minutes before the start until the
 * end, by the station's staff or the booking organisation. */
struct booking *booking_check_in(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                                 struct error *err);

/* Releases confirmed bookings not checked in within their station's grace period (no-shows)
 * and lets lapsed waiting-list offers expire, offering each freed slot on. Run by the server
 * every minute and by `louyu bookings sweep`. */
int bookings_sweep(struct db *db, struct arena *a, size_t *released, size_t *expired,
                   struct error *err);

/* An organisation's record at the stations over [from, to): bookings, no-shows (released),
 * bookings checked in, cancelled. */
struct booking_record {
    int64_t bookings, no_shows, checked_in, cancelled;
};
int booking_record(struct db *db, struct arena *a, const struct caller *c, int64_t org_id,
                   int64_t from, int64_t to, struct booking_record *out, struct error *err);

#endif
