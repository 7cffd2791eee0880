/*
 * Instants as int64 seconds since the Unix epoch, read from and written as
 * RFC 3339. Guangzhou keeps UTC+8 all year, so local time is a fixed offset
 * and no time-zone database is needed.
 */
#ifndef LOUYU_CORE_TIMEFMT_H
#define LOUYU_CORE_TIMEFMT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TIME_LOCAL_OFFSET_MIN (8 * 60) /* Asia/Shanghai */
#define RFC3339_MAX           32       /* "YYYY-MM-DDTHH:MM:SS+HH:MM" and its NUL, with room */

/* Parses "2026-11-29T09:30:00+08:00" (also 'Z', lower-case 't'/'z', and a fraction of a
 * second that is zero, ".000"). Years 0001-9999, in the text and in local time (+08:00),
 * so that every instant read can be written back. On success stores the instant and the
 * offset written (minutes east of UTC) and returns true. */
bool rfc3339_parse(const char *s, size_t n, int64_t *out, int *offset_min);

/* Writes t at the given offset, e.g. "2026-11-29T17:30:00+08:00"; returns the length. */
size_t rfc3339_format(int64_t t, int offset_min, char out[RFC3339_MAX]);

struct arena;
/* t as RFC 3339 in local time (+08:00), allocated in a: for messages. */
char *rfc3339_local(struct arena *a, int64_t t);

/* Days since 1970-01-01 of a proleptic Gregorian date, and back. */
int64_t days_from_civil(int y, unsigned m, unsigned d);
void civil_from_days(int64_t z, int *y, unsigned *m, unsigned *d);

/* The day of the week of a day since the epoch: 1 = Monday ... 7 = Sunday. */
int day_of_week(int64_t days);

/* Parses "YYYY-MM-DD" into days since the epoch. */
bool date_parse(const char *s, size_t n, int64_t *days);

/* The current instant, in seconds, moved by LOUYU_CLOCK_OFFSET seconds when that is set
 * (for tests and drills only). */
int64_t time_now(void);

/* The offset LOUYU_CLOCK_OFFSET sets, 0 when it is not set. */
int64_t time_clock_offset(void);

#endif
