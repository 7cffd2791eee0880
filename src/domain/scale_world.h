/*
 * What the parts of the generator (scale_*.c) share: the network being built,
 * its id scheme, and a counter-based random source, so that every value
 * depends only on the seed and what it belongs to, never on the order of
 * generation.
 */
#ifndef LOUYU_DOMAIN_SCALE_WORLD_H
#define LOUYU_DOMAIN_SCALE_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "domain/scale.h"
#include "store/bulk.h"

#define ROOMS_PER_STATION 3
#define SLOTS_PER_DAY     5

/* Streams of the random source: one per kind of thing. */
enum stream { R_TOWER = 1, R_ORG, R_MEMBER, R_ACTIVITY, R_ROOMDAY, R_BOOKING, R_ATTEND, R_REG };

struct world {
    const struct scale_size *size;
    uint64_t seed;
    int64_t now;
    int64_t anchor; /* the day the five years are around */
    int64_t day0,
        ndays; /* the local days [day0, day0 + ndays): four years before anchor, one after */
    int64_t root_org;
    const char *root_path;
    const char *password_hash;
    /* the largest ids before the load: generated ids follow them */
    int64_t b0, o0, s0, r0, m0, u0, g0, bk0, a0, rg0, c0;
    int step;              /* towers per station */
    int *branch_first;     /* per committee, its first branch; [towers] = branches */
    int64_t *member_first; /* per branch, its first member; [branches] = people */
    struct scale_counts *counts;
};

/* splitmix64's finaliser over (seed, stream, i). */
static inline uint64_t sc_hash(const struct world *w, enum stream s, uint64_t i)
{
    uint64_t z = w->seed + 0x9E3779B97F4A7C15ull * ((uint64_t)s << 40 ^ i) + (uint64_t)s;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* The next value after h, for several values of one thing. */
static inline uint64_t sc_next(uint64_t h)
{
    h += 0x9E3779B97F4A7C15ull;
    h = (h ^ (h >> 30)) * 0xBF58476D1CE4E5B9ull;
    h = (h ^ (h >> 27)) * 0x94D049BB133111EBull;
    return h ^ (h >> 31);
}

static inline double sc_unit(uint64_t h)
{
    return (double)(h >> 11) * 0x1.0p-53;
}

/* Ids of the generated things, by index. */
static inline int64_t street_org(const struct world *w, int s)
{
    return w->o0 + 1 + s;
}
static inline int64_t committee_org(const struct world *w, int c)
{
    return w->o0 + 1 + w->size->streets + c;
}
static inline int64_t branch_org(const struct world *w, int k)
{
    return w->o0 + 1 + w->size->streets + w->size->towers + k;
}
static inline int street_of(const struct world *w, int c)
{
    return (int)((int64_t)c * w->size->streets / w->size->towers);
}
static inline int64_t committee_user(const struct world *w, int c)
{
    return w->u0 + 1 + c;
}

/* The local midnight of day d, as an instant. */
static inline int64_t day_start(int64_t d)
{
    return d * 86400 - 8 * 3600;
}

/* The path of committee c, or of its branch k when k >= 0, into out. */
void scale_org_path(const struct world *w, int c, int k, char *out, size_t n);

/* The name of generated member i. */
void scale_person_name(const struct world *w, int64_t i, char *out, size_t n);

/* The capacity of generated room r (an index among the generated rooms). */
int scale_room_capacity(int room);

/* 'YYYY-MM-DD' of day d into out (11 bytes). */
void scale_date(int64_t d, char out[11]);

/* The parts, in the order they run (scale.c). */
int scale_places(struct world *w, struct db *db, struct error *err);
int scale_people(struct world *w, struct db *db, struct error *err);
int scale_calendar(struct world *w, struct db *db, struct error *err);

/* One activity of the plan (scale_calendar.c), for its sign-ups and check-ins. */
struct plan {
    int64_t id, booking_id;
    int64_t start, end;
    int64_t host_org;
    int committee, branch; /* the host: a committee, or branch (else -1) of that committee */
    int room;              /* index of the room among the generated ones */
    int day, slot;
    const char *kind; /* activity_kinds */
    const char *title;
    int capacity;
    int status; /* PLAN_* */
    int walk_ins;
    int next; /* the next activity in the same room and day, or -1 */
};

enum { PLAN_HELD, PLAN_PUBLISHED, PLAN_CANCELLED };

/* Sign-ups, check-ins and attendees of the planned activities, in their order. */
int scale_attendance(struct world *w, struct db *db, const struct plan *plans, int n,
                     struct error *err);

#endif
