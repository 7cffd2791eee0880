/*
 * Free time of a room: its station's opening hours less what is booked or
 * closed, as pure functions over intervals, so availability is computed once
 * here for the API, the web app and the benchmarks alike.
 */
#ifndef LOUYU_DOMAIN_SLOTS_H
#define LOUYU_DOMAIN_SLOTS_H

#include <stddef.h>
#include <stdint.h>

struct week_hours;

/* [start, end) in epoch seconds. */
struct interval {
    int64_t start, end;
};

/* The open intervals of [from, to) by the weekly hours, in order; spans that meet (an
 * evening that runs past midnight into the next day's first span) are joined. Writes at
 * most cap and returns how many there were in all. */
size_t slots_open(const struct week_hours *h, int64_t from, int64_t to, struct interval *out,
                  size_t cap);

/* open less busy (busy sorted by start; busy intervals may overlap one another), keeping
 * the pieces at least min_len long. Writes at most cap, returns how many were written. */
size_t slots_subtract(const struct interval *open, size_t nopen, const struct interval *busy,
                      size_t nbusy, int64_t min_len, struct interval *out, size_t cap);

/* Starts of [s, s + len) that fit in the free intervals, on a grid of 'step' seconds in
 * local time (step 1800: on the hour and the half hour), not before not_before, in order;
 * at most cap of them. Returns how many were written. */
size_t slots_fit(const struct interval *free, size_t n, int64_t len, int64_t step,
                 int64_t not_before, int64_t *out, size_t cap);

/* Sorts intervals by start. */
void slots_sort(struct interval *v, size_t n);

#endif
