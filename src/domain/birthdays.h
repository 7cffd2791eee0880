/*
 * Political birthday gatherings (政治生日会): once a month a committee
 * gathers the members who joined the Party in that month, in earlier years,
 * to retake the oath and share stories. Scheduling the month's gathering
 * makes it as an activity (with its room booked) and invites those members
 * with their years in the Party; doing it again invites whoever has become
 * due since (a member added to the register, say) and makes nothing twice.
 */
#ifndef LOUYU_DOMAIN_BIRTHDAYS_H
#define LOUYU_DOMAIN_BIRTHDAYS_H

#include <stdint.h>

#include "domain/entity.h"

struct activity;

#define BIRTHDAY_MINUTES  90 /* the gathering's length unless told */
#define BIRTHDAY_HOUR     19 /* it starts at 19:00 local, after work, unless told */
#define BIRTHDAY_FROM_DAY 15 /* the first day of the month it is held on unless told */

struct birthday_request {
    int64_t org_id;    /* the committee */
    const char *month; /* "YYYY-MM" */
    int64_t room_id;   /* 0: the largest lendable room of the committee's station */
    int64_t start;     /* 0: the first weekday from the 15th at 19:00 when the room is free */
    int64_t minutes;   /* 0: BIRTHDAY_MINUTES */
};

struct birthday_result {
    struct activity *activity;
    bool created;   /* false: the month's gathering was there already */
    size_t invited; /* members invited now */
    size_t already; /* members who were invited (or signed up) before */
};

/* Schedules (or completes) the committee's gathering for the month. */
int birthday_schedule(struct db *db, struct arena *a, const struct caller *c,
                      const struct birthday_request *rq, struct birthday_result *out,
                      struct error *err);

#endif
