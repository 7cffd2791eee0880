/*
 * A station's weekly opening hours: spans of local time per weekday, evenings
 * and weekends included where the station opens them. Stored and exchanged as
 * canonical JSON: [{"day": 1, "open": "09:00", "close": "21:30"}, ...] with
 * day 1 = Monday ... 7 = Sunday, sorted, no two spans of a day overlapping.
 */
#ifndef LOUYU_DOMAIN_HOURS_H
#define LOUYU_DOMAIN_HOURS_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

struct arena;

#define HOURS_MAX_SPANS 28 /* four spans a day */

struct span {
    int day;       /* 1 = Monday ... 7 = Sunday */
    int open_min;  /* minutes after local midnight, 0..1439 */
    int close_min; /* 1..1440, later than open_min */
};

struct week_hours {
    struct span spans[HOURS_MAX_SPANS];
    int n;
};

/* Parses and checks opening hours; on failure sets *why (allocated in a) and returns -1. */
int hours_parse(struct arena *a, const json_t *v, struct week_hours *out, const char **why);

/* Field-table hook: checks v and stores its canonical JSON text in *out. */
int hours_canon(struct arena *a, const json_t *v, char **out, const char **why);

/* True when the station is open for the whole of [start, end) (epoch seconds): inside one
 * span, or spans that meet (open across midnight). */
bool hours_cover(const struct week_hours *h, int64_t start, int64_t end);

/* Field-table hook for a station's services: a list of distinct short labels. */
int services_canon(struct arena *a, const json_t *v, char **out, const char **why);

#endif
