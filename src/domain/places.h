/*
 * The places of the network: office towers (buildings), the party-mass
 * service stations inside them, and the stations' rooms.
 */
#ifndef LOUYU_DOMAIN_PLACES_H
#define LOUYU_DOMAIN_PLACES_H

#include <stdbool.h>
#include <stdint.h>

#include "domain/entity.h"

struct building {
    ENTITY_HEAD;
    char *name;
    char *address;
    double latitude;  /* degrees north, WGS 84 */
    double longitude; /* degrees east */
    char *grade;      /* e.g. "超甲级"; nullable */
    int64_t floors;   /* above ground; nullable */
    ENTITY_TAIL;
};

struct station {
    ENTITY_HEAD;
    int64_t building_id;
    char *name;
    int64_t floor; /* nullable; negative below ground */
    double area_m2;
    int64_t org_id;      /* operating organisation; nullable */
    char *opening_hours; /* canonical JSON, see domain/hours.h */
    char *services;      /* canonical JSON array of labels */
    char *contact_name;  /* nullable */
    char *contact_phone; /* nullable */
    char *booking_rules; /* canonical JSON, see domain/booking_rules.h */
    ENTITY_TAIL;
};

struct room {
    ENTITY_HEAD;
    int64_t station_id;
    char *name;
    char *kind; /* one of room_kinds */
    int64_t capacity;
    bool bookable;
    ENTITY_TAIL;
};

extern const char *const room_kinds[];

extern const struct entity building_entity;
extern const struct entity station_entity;
extern const struct entity room_entity;

/* What governs a station: its operating organisation and the station itself. */
int station_target(struct db *db, struct arena *a, const void *rec, struct target *t,
                   struct error *err);

#endif
