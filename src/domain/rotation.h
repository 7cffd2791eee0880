/*
 * Fair host rotation for activity series ("West Tower 1 Hour": branches host a
 * sub-series in turn, 輪值主辦), as a pure function of plain values: who hosts
 * each of the next dates of a series, given who cannot host on which day. The
 * caller loads the rotation's state, calls rotation_assign() and stores the
 * state it returns; nothing here reads or writes the database.
 *
 * The rules, as a station's staff would put them:
 * - Hosts run in rounds: in each round every host of the series hosts once, in
 *   the order of the line (at first, the series' order).
 * - A host marked unavailable on a date is skipped and keeps its place at the
 *   front of the line: it hosts the first date it can take, before anyone who
 *   came after it. A host that hosts goes to the back of the line.
 * - Nobody hosts twice in a round. When every host that still owes the round
 *   is unavailable on a date, the date is not left empty: the first host in
 *   line that can take it hosts it as its turn of the next round (and does not
 *   host again in that round). Those skipped still owe their turn and take it
 *   at their first available date, so every host hosts as often as the others.
 * - A host cannot fall more than a round behind: when the only hosts able to
 *   take a date have hosted the next round as well, those still owing the
 *   older round lose that turn (not their place at the front). A host away for
 *   weeks therefore makes up one turn when it is back, first of all, then takes
 *   its turn of the round in progress; it never runs a string of turns.
 * - A date on which every host of the series is unavailable gets no host
 *   (0): staff move the date or ask a host. Nobody's turn or place changes.
 * - A host new to the series joins the round in progress at the back of the
 *   line: it hosts after the hosts already waiting, before anyone's next turn.
 *   A host that leaves is dropped from the state; if it comes back, it is new.
 */
#ifndef LOUYU_DOMAIN_ROTATION_H
#define LOUYU_DOMAIN_ROTATION_H

#include <stddef.h>
#include <stdint.h>

struct arena;

/* One host's standing in a series' rotation: the state the caller stores per host between
 * schedulings (two columns of a series-host table, or {"host":12,"next_round":3,"place":1}).
 * Rounds count from 1; a series' hosts' next rounds lie within two of each other. */
struct rotation_host {
    int64_t host;       /* organisation id */
    int64_t next_round; /* the round of its next turn: it has hosted every round before it,
                         * except turns it lost by falling more than a round behind */
    int64_t place;      /* its place in the line, 1 the front: orders hosts owing one round */
};

/* A series' rotation. The state (line) is keyed by host id, so hosts may join, leave or be
 * reordered between schedulings: the series' order matters only for hosts new to it. */
struct rotation {
    const int64_t *hosts; /* organisation ids, in the series' order: distinct, positive */
    size_t n;
    const struct rotation_host *line; /* as stored after the last scheduling, any order; may
                                       * name hosts that left and lack ones that joined;
                                       * NULL (nline 0) for a series never scheduled */
    size_t nline;
};

/* A day on which an organisation cannot host. */
struct rotation_absence {
    int64_t host; /* organisation id */
    int64_t day;  /* days since 1970-01-01, local time (core/timefmt.h) */
};

/* Assigns hosts to the dates days[0..ndays) (days since 1970-01-01, local), taken in the
 * order given, which is the order the activities take place: out[i] gets the host of
 * days[i], or 0 when every host of the series is marked unavailable that day (in absent,
 * any order, duplicates allowed) or the series has no hosts. Then replaces r->line with the
 * new state, allocated in a: one entry per host of r->hosts, in line order (place 1..n),
 * which the caller stores. Returns the number of dates left without a host. */
size_t rotation_assign(struct arena *a, struct rotation *r, const int64_t *days, size_t ndays,
                       const struct rotation_absence *absent, size_t nabsent, int64_t *out);

#endif
