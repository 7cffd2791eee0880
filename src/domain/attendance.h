/*
 * Attendance, counted from check-ins and never typed in: of one activity, of
 * a person (what they attended in a year), of a series, and of everything an
 * organisation and its subtree hosted. "Person-times" (人次) counts each
 * check-in; "people" counts each person once; volunteer hours are the length
 * of the volunteer services each person attended.
 */
#ifndef LOUYU_DOMAIN_ATTENDANCE_H
#define LOUYU_DOMAIN_ATTENDANCE_H

#include <stddef.h>
#include <stdint.h>

#include "domain/entity.h"

/* Activities of one kind in a period. */
struct kind_count {
    const char *kind;
    int64_t activities;
};

struct attendance {
    int64_t year; /* 0: all time */
    int64_t activities;
    int64_t person_times;
    int64_t people;  /* distinct */
    int64_t members; /* distinct people in the register */
    int64_t guests;  /* distinct people who are not */
    int64_t volunteer_minutes;
    struct kind_count *kinds;
    size_t nkinds;
};

/* What an organisation and every organisation under it hosted, in a year (local) or, for
 * year 0, ever; read from the attendees table. For those who may read the organisation. */
int attendance_of_org(struct db *db, struct arena *a, const struct caller *c, int64_t org_id,
                      int64_t year, struct attendance *out, struct error *err);

/* The same for a series and its sub-series; anyone may read it. */
int attendance_of_series(struct db *db, struct arena *a, const struct caller *c, int64_t series_id,
                         int64_t year, struct attendance *out, struct error *err);

struct activity_attendance {
    int64_t registered, waiting, cancelled;
    int64_t checked_in; /* person-times, which for one activity are people */
    int64_t members, guests;
    int64_t walk_ins, scanned, desk;
    int64_t no_shows; /* registered, not checked in */
    int64_t volunteer_minutes;
};

/* One activity's figures: for anyone who may read the activity. */
int attendance_of_activity(struct db *db, struct arena *a, const struct caller *c, int64_t id,
                           struct activity_attendance *out, struct error *err);

/* An activity a person attended. */
struct attended {
    int64_t activity_id;
    const char *title, *kind, *host_name;
    int64_t host_org_id;
    int64_t start, end, at;
    const char *method;
};

/* What a member attended in a year (0: ever), in order, with the totals: for the member
 * (their own account) and those who manage them. */
int attendance_of_member(struct db *db, struct arena *a, const struct caller *c, int64_t member_id,
                         int64_t year, struct attended **items, size_t *n,
                         struct attendance *totals, struct error *err);

#endif
