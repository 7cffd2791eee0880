/*
 * Activity series (a brand such as 西塔1小时, and its sub-series 学习1小时,
 * 公益1小时, ...) and their host rotation (轮值主办): the organisations that
 * host the series' sessions in turn. Scheduling the next sessions assigns
 * hosts by domain/rotation.h, skipping a host on the days it said it cannot
 * host (an absence), and makes each session as an activity with its room
 * booked, all in one transaction.
 */
#ifndef LOUYU_DOMAIN_SERIES_H
#define LOUYU_DOMAIN_SERIES_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/entity.h"

struct activity;

#define SERIES_MAX_HOSTS 50

struct series {
    ENTITY_HEAD;
    int64_t parent_id; /* nullable: a sub-series names its series */
    int64_t org_id;    /* the committee that runs it */
    char *name;
    char *description; /* nullable */
    char *hosts;       /* JSON array of organisation ids: the rotation, in order */
    ENTITY_TAIL;
};

struct absence {
    ENTITY_HEAD;
    int64_t series_id;
    int64_t org_id; /* the host that cannot host on 'day' */
    char *day;      /* "YYYY-MM-DD", local */
    char *reason;   /* nullable */
    ENTITY_TAIL;
};

extern const struct entity series_entity;
extern const struct entity absence_entity;

/* The next sessions of a series: one activity per occurrence of rrule from the
 * template's start (its end gives the length), hosted in rotation. */
struct schedule_request {
    int64_t series_id;
    const struct activity *tmpl; /* title, kind, room_id, start, end, capacity, audience, ... */
    const char *rrule;           /* bounded: COUNT or UNTIL */
    bool publish;                /* publish each session whose booking is confirmed */
    bool dry_run;                /* assign the hosts, make nothing */
};

struct scheduled {
    int64_t start, end;
    int64_t host_org_id;       /* 0: no host could take the date */
    struct activity *activity; /* NULL in a dry run, or when skipped */
    const char *skipped;       /* why no activity was made: NULL when one was */
};

struct schedule_result {
    struct scheduled *items;
    size_t n;
};

/* Schedules the sessions after the rules (every host of the series' rotation takes its
 * turn before anyone hosts twice; see rotation.h): all of them or, when a booking is
 * refused, none (the refusal names the date and the host). A date that has a session of
 * the series already is skipped ("exists"), so scheduling twice makes nothing twice; one
 * that no host can take is skipped ("no_host"). */
int series_schedule(struct db *db, struct arena *a, const struct caller *c,
                    const struct schedule_request *rq, struct schedule_result *out,
                    struct error *err);

#endif
