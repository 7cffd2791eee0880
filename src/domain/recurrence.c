/*
 * Recurring bookings: an RRULE expanded by libical over the local wall clock.
 *
 * libical is given floating (zone-less) times holding Guangzhou's wall clock, so that
 * its calendar arithmetic happens in local time and no time-zone data is needed; we
 * convert to and from instants at the fixed UTC+8 offset. Every bound libical needs is
 * set by us: the rule's UNTIL is replaced by the earlier of itself and the caller's
 * 'until', because an iterator without one searches up to the year 2582 (a rule that
 * never matches, such as BYMONTH=2;BYMONTHDAY=30, costs half a second of CPU), and we
 * call icalrecur_iterator_next() at most RECURRENCE_MAX + 1 times.
 */
#include "domain/recurrence.h"

#include <libical/ical.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/timefmt.h"

#define POINTER        "/recurrence/rrule"
#define LOCAL_OFFSET_S ((int64_t)TIME_LOCAL_OFFSET_MIN * 60)
#define DAY_S          86400
/* 9999-12-31T23:59:59 local: later bounds are clamped so that they convert to a date. */
#define LATEST ((int64_t)253402300799 - LOCAL_OFFSET_S)

static const char *const weekday_names[7] = {"Monday", "Tuesday",  "Wednesday", "Thursday",
                                             "Friday", "Saturday", "Sunday"};

/* Days since the epoch and seconds into that day of the local wall clock at t. */
static void local_day(int64_t t, int64_t *days, int64_t *secs)
{
    int64_t local = t + LOCAL_OFFSET_S;
    *days = local / DAY_S;
    *secs = local % DAY_S;
    if (*secs < 0) {
        *secs += DAY_S;
        (*days)--;
    }
}

/* A floating libical time holding the local wall clock at t. */
static struct icaltimetype to_floating(int64_t t)
{
    int64_t days, secs;
    local_day(t, &days, &secs);
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    struct icaltimetype tt = icaltime_null_time();
    tt.year = y;
    tt.month = (int)m;
    tt.day = (int)d;
    tt.hour = (int)(secs / 3600);
    tt.minute = (int)(secs / 60 % 60);
    tt.second = (int)(secs % 60);
    return tt;
}

/* The instant of a libical time: UTC when it says so ("...Z"), local wall clock otherwise.
 * A date stands for its last second, so that UNTIL=20270601 includes that day. */
static int64_t to_instant(struct icaltimetype tt)
{
    int64_t t = days_from_civil(tt.year, (unsigned)tt.month, (unsigned)tt.day) * DAY_S;
    if (tt.is_date)
        return t + DAY_S - 1 - LOCAL_OFFSET_S;
    t += tt.hour * 3600 + tt.minute * 60 + tt.second;
    return icaltime_is_utc(tt) ? t : t - LOCAL_OFFSET_S;
}

/* "Monday 2027-01-11 19:00" in local time, for messages. */
static const char *describe(struct arena *a, int64_t t)
{
    int64_t days, secs;
    local_day(t, &days, &secs);
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    int64_t wd = day_of_week(days) - 1; /* weekday_names starts on Monday */
    return arena_printf(a, "%s %04d-%02u-%02u %02d:%02d", weekday_names[wd], y, m, d,
                        (int)(secs / 3600), (int)(secs / 60 % 60));
}

/* "2027-01-11" in local time, for messages. */
static const char *describe_day(struct arena *a, int64_t t)
{
    int64_t days, secs;
    local_day(t, &days, &secs);
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    return arena_printf(a, "%04d-%02u-%02u", y, m, d);
}

/* The value of the rule's part 'name' ("COUNT"), of *len bytes, or NULL when it has none.
 * Part names are matched in any case, as libical reads them. */
static const char *part(const char *rrule, const char *name, size_t *len)
{
    size_t nlen = strlen(name);
    for (const char *p = rrule;;) {
        if (strncasecmp(p, name, nlen) == 0 && p[nlen] == '=') {
            *len = strcspn(p + nlen + 1, ";");
            return p + nlen + 1;
        }
        p = strchr(p, ';');
        if (!p)
            return NULL;
        p++;
    }
}

/* libical reads COUNT leniently ("12abc" is 12, "99999999999" wraps around): look at the
 * text. Returns -1 unless it is all digits; values past RECURRENCE_MAX come back as such. */
static long count_value(const char *v, size_t len)
{
    if (len == 0 || strspn(v, "0123456789") < len)
        return -1;
    long n = 0;
    for (size_t i = 0; i < len && n <= RECURRENCE_MAX; i++)
        n = n * 10 + (v[i] - '0');
    return n;
}

/* libical takes UNTIL=20270132 for a date: check the fields it read. */
static bool until_valid(struct icaltimetype u)
{
    if (u.month < 1 || u.month > 12 || u.day < 1 || u.day > icaltime_days_in_month(u.month, u.year))
        return false;
    return u.is_date || (u.hour < 24 && u.minute < 60 && u.second < 60);
}

/* Parses the rule and refuses what a booking series may not be. */
static int parse(const char *rrule, struct icalrecurrencetype *rule, struct error *err)
{
    size_t count_len, until_len;
    const char *count = part(rrule, "COUNT", &count_len);
    const char *until = part(rrule, "UNTIL", &until_len);
    /* libical refuses this too, but only as "malformed": say what is wrong. */
    if (count && until)
        return error_field(err, ERR_INVALID, POINTER,
                           "the rule has both COUNT and UNTIL: keep one of them");
    /* libical stops reading at an empty part, silently: a COUNT or BYDAY after ";;" would
     * be dropped unseen (found by tests/fuzz). */
    if (strstr(rrule, ";;"))
        return error_field(err, ERR_INVALID, POINTER,
                           "the rule '%s' has an empty part (';;'): remove it", rrule);
    /* icalerrno is per thread but sticky: clear it to learn about this call only. */
    icalerror_clear_errno();
    *rule = icalrecurrencetype_from_string(rrule);
    bool malformed = rule->freq == ICAL_NO_RECURRENCE || icalerrno != ICAL_NO_ERROR;
    bool rscale = rule->rscale != NULL;
    if (rule->rscale) { /* the only heap memory the parsed rule owns */
        icalmemory_free_buffer(rule->rscale);
        rule->rscale = NULL;
    }
    if (malformed)
        return error_field(err, ERR_INVALID, POINTER,
                           "cannot read the rule '%s': write an RFC 5545 RRULE such as "
                           "FREQ=WEEKLY;COUNT=10",
                           rrule);
    if (rscale)
        return error_field(err, ERR_INVALID, POINTER,
                           "RSCALE is not supported: rules run on the Gregorian calendar, "
                           "drop RSCALE");
    /* libical 3.0's week numbers are unsound: BYWEEKNO=53 writes out of bounds and takes the
     * server down, other values give wrong days or no iterator (found by tests/fuzz). */
    size_t weekno_len;
    if (part(rrule, "BYWEEKNO", &weekno_len))
        return error_field(err, ERR_INVALID, POINTER,
                           "BYWEEKNO is not supported: give the days with BYMONTH, BYMONTHDAY "
                           "or BYDAY instead");
    if (rule->freq == ICAL_SECONDLY_RECURRENCE || rule->freq == ICAL_MINUTELY_RECURRENCE ||
        rule->freq == ICAL_HOURLY_RECURRENCE)
        return error_field(err, ERR_INVALID, POINTER,
                           "FREQ=%s repeats more often than daily: use DAILY, WEEKLY, MONTHLY "
                           "or YEARLY",
                           icalrecur_freq_to_string(rule->freq));
    long n = count ? count_value(count, count_len) : 0;
    if (n < 0 || (count && n == 0))
        return error_field(err, ERR_INVALID, POINTER,
                           "COUNT=%.*s is not a number of occurrences: give one from 1 to %d",
                           (int)count_len, count, RECURRENCE_MAX);
    if (n > RECURRENCE_MAX)
        return error_field(err, ERR_INVALID, POINTER,
                           "COUNT=%.*s is more than the %d occurrences a series may have: give "
                           "a smaller COUNT",
                           (int)count_len, count, RECURRENCE_MAX);
    if (until && !until_valid(rule->until))
        return error_field(err, ERR_INVALID, POINTER,
                           "UNTIL=%.*s is not a date: write it as YYYYMMDD, or YYYYMMDDTHHMMSS "
                           "in local time, or YYYYMMDDTHHMMSSZ in UTC",
                           (int)until_len, until);
    return 0;
}

static int not_an_occurrence(struct arena *a, int64_t first, const int64_t *instead,
                             struct error *err)
{
    if (instead)
        return error_field(err, ERR_RULE, POINTER,
                           "the series starts on %s, which the rule does not produce: start it "
                           "on a day the rule gives, such as %s, or change the rule",
                           describe(a, first), describe(a, *instead));
    return error_field(err, ERR_RULE, POINTER,
                       "the series starts on %s, which the rule does not produce: start it on "
                       "a day the rule gives, or change the rule",
                       describe(a, first));
}

static int too_many(struct arena *a, int64_t bound, bool by_rule, struct error *err)
{
    if (by_rule)
        return error_field(err, ERR_RULE, POINTER,
                           "the series would have more than %d occurrences before its UNTIL "
                           "%s: give an earlier UNTIL",
                           RECURRENCE_MAX, describe_day(a, bound));
    return error_field(err, ERR_RULE, POINTER,
                       "the series would have more than %d occurrences before %s: give a "
                       "COUNT or an UNTIL",
                       RECURRENCE_MAX, describe_day(a, bound));
}

int recurrence_expand(struct arena *a, const char *rrule, int64_t first, int64_t until,
                      int64_t **out, size_t *n, struct error *err)
{
    struct icalrecurrencetype rule;
    if (parse(rrule, &rule, err) < 0)
        return -1;

    int64_t bound = until < LATEST ? until : LATEST;
    bool by_rule = false;
    if (!icaltime_is_null_time(rule.until) && to_instant(rule.until) < bound) {
        bound = to_instant(rule.until);
        by_rule = true;
    }
    if (bound < first && by_rule)
        return error_field(err, ERR_RULE, POINTER,
                           "the series starts on %s, after the rule's UNTIL %s: give a later "
                           "UNTIL",
                           describe(a, first), describe_day(a, bound));
    if (bound < first)
        return error_field(err, ERR_RULE, POINTER,
                           "the series starts on %s, later than %s, the latest a series may "
                           "reach: start it earlier",
                           describe(a, first), describe(a, bound));
    rule.until = to_floating(bound);

    icalerror_clear_errno();
    icalrecur_iterator *it = icalrecur_iterator_new(rule, to_floating(first));
    if (!it) /* e.g. BYMONTH=2;BYMONTHDAY=30 under FREQ=YEARLY */
        return error_field(err, ERR_INVALID, POINTER,
                           "the rule '%s' cannot be evaluated, its parts may contradict each "
                           "other: simplify it",
                           rrule);

    int64_t *starts = arena_alloc(a, RECURRENCE_MAX * sizeof *starts);
    size_t count = 0;
    int rc = 0;
    for (;;) {
        struct icaltimetype tt = icalrecur_iterator_next(it);
        if (icaltime_is_null_time(tt))
            break;
        int64_t t = to_instant(tt);
        if (t > bound) /* libical applies UNTIL; this keeps the promise whatever it compares */
            break;
        /* libical 3 skips a DTSTART the rule does not produce and begins at the first
         * occurrence that it does, so a first result other than 'first' is the sign. */
        if (count == 0 && t != first) {
            rc = not_an_occurrence(a, first, &t, err);
            break;
        }
        if (count == RECURRENCE_MAX) {
            rc = too_many(a, bound, by_rule, err);
            break;
        }
        starts[count++] = t;
    }
    icalrecur_iterator_free(it);
    if (rc == 0 && count == 0)
        rc = not_an_occurrence(a, first, NULL, err);
    if (rc == 0) {
        *out = starts;
        *n = count;
    }
    return rc;
}
