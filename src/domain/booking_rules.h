/*
 * The rules a booking of a station's room must keep, as pure functions of
 * plain values: the database work around them is in bookings.c. A station's
 * settings for these rules live in its "booking_rules" field as canonical JSON.
 */
#ifndef LOUYU_DOMAIN_BOOKING_RULES_H
#define LOUYU_DOMAIN_BOOKING_RULES_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct arena;
struct week_hours;

/* The longest booking there can be, whatever a station allows: the overlap check looks
 * back this far from a booking's end, so it reads an index range bounded in time. */
#define BOOKING_MAX_SECONDS  (24 * 3600)
#define QUOTA_WINDOW_SECONDS (30 * 86400) /* the rolling month of the hours quota */

enum approval {
    APPROVAL_NONE,      /* every booking is confirmed at once */
    APPROVAL_ALL,       /* every booking waits for a manager */
    APPROVAL_OUTSIDERS, /* only organisations outside the station's own subtree wait */
};

/* A station's settings. "vip_" values apply to co-building partners (organisations
 * managed as partners), who earn a longer horizon and larger quotas. */
struct booking_rules {
    int horizon_days, vip_horizon_days;               /* how far ahead one may book */
    int max_hours_per_month, vip_max_hours_per_month; /* per organisation, rolling 30 days */
    int max_open_bookings, vip_max_open_bookings;     /* not yet ended, per organisation */
    int max_booking_minutes;                          /* the longest single booking */
    int grace_minutes;     /* a booking not checked in by start + grace is released */
    bool release_no_shows; /* whether that happens at all */
    int offer_minutes;     /* how long a waiting-list offer stands */
    enum approval approval;
};

/* The settings of a station created without any, as booking_rules_canon() writes them. */
#define BOOKING_RULES_DEFAULT_JSON                                                                 \
    "{\"horizon_days\":365,\"vip_horizon_days\":540,\"max_hours_per_month\":20,"                   \
    "\"vip_max_hours_per_month\":40,\"max_open_bookings\":20,\"vip_max_open_bookings\":40,"        \
    "\"max_booking_minutes\":480,\"grace_minutes\":15,\"offer_minutes\":120,"                      \
    "\"release_no_shows\":true,\"approval\":\"none\"}"
extern const struct booking_rules booking_rules_default;
extern const char *const approval_names[]; /* NULL-terminated, in enum order */

/* Reads canonical (or partial) settings JSON: absent keys take the defaults. On failure
 * sets *why (allocated in a) and returns -1. */
int booking_rules_parse(struct arena *a, const json_t *v, struct booking_rules *out,
                        const char **why);
/* Parses the stored text of a station's settings (never fails on what canon wrote). */
void booking_rules_from_text(struct arena *a, const char *text, struct booking_rules *out);
/* Field-table hook: checks v and stores the complete canonical JSON in *out. */
int booking_rules_canon(struct arena *a, const json_t *v, char **out, const char **why);

/* The standing an organisation books with. */
struct standing {
    bool vip;     /* a co-building partner */
    bool house;   /* the station's own organisation: no quotas */
    bool insider; /* within the subtree of the station's own organisation */
};

/* Start, end and when the request is made; each check fills err (kind ERR_RULE, with
 * err->rule naming the rule) and returns -1 when the booking breaks the rule. */
int rule_check_times(const struct booking_rules *r, const struct standing *s, int64_t start,
                     int64_t end, int64_t now, struct error *err);
int rule_check_hours(const struct week_hours *h, int64_t start, int64_t end, struct error *err);
int rule_check_capacity(int64_t attendance, int64_t capacity, struct error *err);

/* One of an organisation's active bookings at the station. */
struct held {
    int64_t start, end;
};

/* The most seconds the organisation would hold in any rolling 30-day window that contains
 * the new booking [start, end), given its other active bookings (any order). */
int64_t rule_worst_month(const struct held *others, size_t n, int64_t start, int64_t end);

/* The quotas: hours in a rolling month and open (not yet ended) bookings, counting the new
 * one; 'open' is the number of the organisation's other open bookings. */
int rule_check_quota(const struct booking_rules *r, const struct standing *s,
                     const struct held *others, size_t n, size_t open, int64_t start, int64_t end,
                     struct error *err);

#endif
