/*
 * Recurring room bookings: the starts of a series, from an RFC 5545 RRULE
 * ("FREQ=WEEKLY;INTERVAL=2;COUNT=10"). libical does the calendar arithmetic;
 * this module decides which rules a station accepts and bounds the work, so
 * that a rule typed by a person can neither run away nor surprise.
 */
#ifndef LOUYU_DOMAIN_RECURRENCE_H
#define LOUYU_DOMAIN_RECURRENCE_H

#include <stddef.h>
#include <stdint.h>

#include "core/error.h"

struct arena;

#define RECURRENCE_MAX 200 /* occurrences in one series */

/* The starts of a series whose first occurrence starts at 'first' (epoch seconds), by the
 * rule 'rrule' (e.g. "FREQ=WEEKLY;INTERVAL=2;COUNT=10", "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270601"),
 * evaluated in local time (UTC+8) so that "every Tuesday 19:00" stays at 19:00. An UNTIL
 * that is a date includes that whole local day; an UNTIL date-time without 'Z' is local.
 * Occurrences after 'until' (epoch seconds, inclusive) are not produced.
 *
 * On success *out (allocated in a) holds *n >= 1 starts in increasing order, the first
 * being 'first', and 0 is returned. On failure err names the pointer "/recurrence/rrule"
 * and -1 is returned:
 * - ERR_INVALID: a rule libical cannot parse or evaluate, a frequency finer than daily
 *   (SECONDLY, MINUTELY, HOURLY), both COUNT and UNTIL, COUNT above RECURRENCE_MAX, RSCALE,
 *   BYWEEKNO (which libical 3.0 gets wrong, out of bounds for 53), an empty part (";;");
 * - ERR_RULE: more than RECURRENCE_MAX occurrences before 'until' (or before the rule's
 *   UNTIL), 'first' not itself an occurrence of the rule (BYDAY=TU and a Monday), or a
 *   series that would end before it starts ('until' or UNTIL before 'first'). */
int recurrence_expand(struct arena *a, const char *rrule, int64_t first, int64_t until,
                      int64_t **out, size_t *n, struct error *err);

#endif
