/*
 * Calendar feeds of bookings (RFC 5545, written by core/ical.c): a room's and
 * a station's are public, as a notice board by the door would be; an
 * organisation's and a single booking's are for those who may read them.
 */
#ifndef LOUYU_DOMAIN_FEEDS_H
#define LOUYU_DOMAIN_FEEDS_H

#include "core/ical.h"
#include "domain/entity.h"

enum feed_kind {
    FEED_ROOM,
    FEED_STATION,
    FEED_ORG,
    FEED_BOOKING,
    /* published (held, cancelled) activities: public for a station and a series; the
     * caller's own sign-ups for the caller */
    FEED_STATION_ACTIVITIES,
    FEED_SERIES_ACTIVITIES,
    FEED_MY_ACTIVITIES,
};

struct feed {
    const char *name; /* the calendar's name, e.g. "西塔党群服务站 · 会议活动室" */
    struct ical_event *events;
    size_t n;
};

/* The pending and confirmed bookings of the room, station or organisation 'id' that start
 * in [from, to) (at most 5,000), or the one booking 'id'; or the activities of the
 * station or series 'id', or those the caller signed up for (id unused). */
int feed_read(struct db *db, struct arena *a, const struct caller *c, enum feed_kind kind,
              int64_t id, int64_t from, int64_t to, struct feed *out, struct error *err);

#endif
