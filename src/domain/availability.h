/*
 * When a station's rooms are free: for a day or a week, and the next slots
 * that fit a meeting of a given length and size. Public, as the stations
 * are: it says when rooms are free, never who booked them.
 */
#ifndef LOUYU_DOMAIN_AVAILABILITY_H
#define LOUYU_DOMAIN_AVAILABILITY_H

#include "domain/places.h"
#include "domain/slots.h"

#define AVAILABILITY_MAX_DAYS 14
#define NEXT_SLOTS_MAX        50

struct room_free {
    const struct room *room;
    struct interval *free; /* each at least the asked duration long */
    size_t n;
};

struct availability_query {
    int64_t station_id;
    int64_t room_id; /* 0: every bookable room of the station */
    int64_t from, to;
    int64_t duration;   /* seconds */
    int64_t attendance; /* rooms too small are left out */
};

/* The free intervals of each room that fits, in room order. */
int availability_rooms(struct db *db, struct arena *a, const struct availability_query *q,
                       struct room_free **out, size_t *n, struct error *err);

struct slot {
    const struct room *room;
    int64_t start, end;
};

/* The first 'count' slots of q->duration from q->from on, on a grid of 'step' seconds,
 * earliest first, looking no further than the station's horizon (q->to is ignored). */
int availability_next(struct db *db, struct arena *a, const struct availability_query *q,
                      int64_t step, size_t count, struct slot **out, size_t *n, struct error *err);

#endif
