/*
 * A generated network of stations for benchmarks and drills (louyu demo --scale):
 * towers, stations, rooms, organisations, people and five years of bookings,
 * activities, sign-ups and check-ins, added to the demo. The same seed, size
 * and anchor day give the same network; what has happened by now (held, checked
 * in, released) follows the clock, as it would for real data.
 *
 * Every row is what louyu's own rules would have let through: no two bookings of
 * a room overlap, each inside its station's hours; a person's sign-ups never
 * overlap; each member's road passes road_check_history(); the attendees table
 * adds up the live check-ins as domain/checkins.c keeps it.
 */
#ifndef LOUYU_DOMAIN_SCALE_H
#define LOUYU_DOMAIN_SCALE_H

#include <stdint.h>

#include "core/error.h"
#include "store/db.h"

struct scale_size {
    const char *name;
    int streets;      /* joint committees, one per street */
    int towers;       /* buildings, each with its building committee */
    int stations;     /* in every (towers / stations)-th tower; three rooms each */
    int branches;     /* under the building committees, one or two each */
    int people;       /* members and applicants, in the branches */
    int bookings;     /* over five years, the activities' own included */
    int activities;   /* hosted by the committees and branches */
    int checkins;     /* at the activities that have been held */
    int member_users; /* accounts of members (the first of every hundred) */
};

/* "town" (for tests), "district" or "city"; NULL for any other name. */
const struct scale_size *scale_size_find(const char *name);

struct scale_counts {
    int64_t buildings, orgs, stations, rooms, members, users, grants, bookings, activities,
        registrations, checkins, attendees;
};

/* Adds the network to a database that holds the demo (its district department is the
 * root), in one transaction: all of it or nothing. 'anchor_day' (local days since the
 * epoch) is the day the five years are around: four before it, one after. */
int scale_generate(struct db *db, const struct scale_size *size, uint64_t seed, int64_t anchor_day,
                   const char *password, struct scale_counts *out, struct error *err);

#endif
