/* Unit tests for recurring bookings (domain/recurrence.c) and iCalendar output (core/ical.c). */
#include <stdlib.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/error.h"
#include "core/ical.h"
#include "core/timefmt.h"
#include "domain/recurrence.h"
#include "unit.h"

#define DAY  86400
#define WEEK (7 * DAY)

struct run {
    int rc;
    int64_t *starts;
    size_t n;
    struct error err;
};

static struct run expand(struct arena *a, const char *rrule, int64_t first, int64_t until)
{
    struct run r = {0};
    error_init(&r.err, a);
    r.rc = recurrence_expand(a, rrule, first, until, &r.starts, &r.n, &r.err);
    return r;
}

/* Whether the run was refused with 'kind' at the rule's pointer, saying 'says'. */
static int refused(const struct run *r, enum err_kind kind, const char *says)
{
    if (r->rc != -1 || r->err.kind != kind || r->err.nfields != 1)
        return 0;
    if (strcmp(r->err.fields[0].pointer, "/recurrence/rrule") != 0)
        return 0;
    if (!strstr(r->err.fields[0].detail, says)) {
        fprintf(stderr, "  detail: %s\n", r->err.fields[0].detail);
        return 0;
    }
    return 1;
}

static void test_recurrence_accepts(struct arena *a)
{
    int64_t far = unit_time("2030-01-01T00:00:00+08:00");
    int64_t mon = unit_time("2027-01-11T19:00:00+08:00");

    struct run r = expand(a, "FREQ=WEEKLY;COUNT=4", mon, far);
    CHECK(r.rc == 0 && r.n == 4);
    CHECK(r.n == 4 && r.starts[0] == mon);
    for (size_t i = 1; i < r.n; i++)
        CHECK(r.starts[i] - r.starts[i - 1] == WEEK);
    CHECK(r.n == 4 && strcmp(rfc3339_local(a, r.starts[3]), "2027-02-01T19:00:00+08:00") == 0);

    r = expand(a, "FREQ=WEEKLY;INTERVAL=2;COUNT=3", mon, far);
    CHECK(r.rc == 0 && r.n == 3);
    CHECK(r.n == 3 && r.starts[1] - r.starts[0] == 2 * WEEK &&
          r.starts[2] - r.starts[1] == 2 * WEEK);

    r = expand(a, "FREQ=DAILY;COUNT=3", mon, far);
    CHECK(r.rc == 0 && r.n == 3 && r.starts[2] - r.starts[0] == 2 * DAY);

    /* The second Tuesday of each month, across months of different lengths. */
    r = expand(a, "FREQ=MONTHLY;BYDAY=2TU;COUNT=3", unit_time("2027-01-12T19:00:00+08:00"), far);
    CHECK(r.rc == 0 && r.n == 3);
    if (r.n == 3) {
        CHECK_STR(rfc3339_local(a, r.starts[0]), "2027-01-12T19:00:00+08:00");
        CHECK_STR(rfc3339_local(a, r.starts[1]), "2027-02-09T19:00:00+08:00");
        CHECK_STR(rfc3339_local(a, r.starts[2]), "2027-03-09T19:00:00+08:00");
    }
    r = expand(a, "FREQ=MONTHLY;BYDAY=-1FR;COUNT=3", unit_time("2027-01-29T19:30:00+08:00"), far);
    CHECK(r.rc == 0 && r.n == 3);
    if (r.n == 3) {
        CHECK_STR(rfc3339_local(a, r.starts[1]), "2027-02-26T19:30:00+08:00");
        CHECK_STR(rfc3339_local(a, r.starts[2]), "2027-03-26T19:30:00+08:00");
    }
    /* An early-morning local time is the previous day in UTC: still the local weekday. */
    r = expand(a, "FREQ=WEEKLY;BYDAY=TU;COUNT=2", unit_time("2027-01-12T07:00:00+08:00"), far);
    CHECK(r.rc == 0 && r.n == 2 && r.starts[1] - r.starts[0] == WEEK);

    /* UNTIL as a date includes that day; as a local date-time or in UTC it is inclusive. */
    r = expand(a, "FREQ=WEEKLY;UNTIL=20270125", mon, far);
    CHECK(r.rc == 0 && r.n == 3);
    CHECK(r.n == 3 && strcmp(rfc3339_local(a, r.starts[2]), "2027-01-25T19:00:00+08:00") == 0);
    r = expand(a, "FREQ=WEEKLY;UNTIL=20270125T190000", mon, far);
    CHECK(r.rc == 0 && r.n == 3);
    r = expand(a, "FREQ=WEEKLY;UNTIL=20270125T110000Z", mon, far);
    CHECK(r.rc == 0 && r.n == 3);
    r = expand(a, "FREQ=WEEKLY;UNTIL=20270125T105959Z", mon, far);
    CHECK(r.rc == 0 && r.n == 2);
    r = expand(a, "FREQ=MONTHLY;BYDAY=2TU;UNTIL=20270601", unit_time("2027-01-12T19:00:00+08:00"),
               far);
    CHECK(r.rc == 0 && r.n == 5); /* Jan to May; June's is the 8th */

    /* The caller's cut-off, inclusive; the rule need not end by itself. */
    r = expand(a, "FREQ=WEEKLY", mon, unit_time("2027-02-01T19:00:00+08:00"));
    CHECK(r.rc == 0 && r.n == 4);
    r = expand(a, "FREQ=WEEKLY;COUNT=10", mon, unit_time("2027-02-01T18:59:59+08:00"));
    CHECK(r.rc == 0 && r.n == 3);
    r = expand(a, "freq=weekly;count=2", mon, mon);
    CHECK(r.rc == 0 && r.n == 1 && r.starts[0] == mon);

    r = expand(a, "FREQ=DAILY;COUNT=200", mon, far);
    CHECK(r.rc == 0 && r.n == RECURRENCE_MAX);
    CHECK(r.n == RECURRENCE_MAX && r.starts[199] - r.starts[0] == 199 * (int64_t)DAY);
}

static void test_recurrence_refuses(struct arena *a)
{
    int64_t far = unit_time("2030-01-01T00:00:00+08:00");
    int64_t mon = unit_time("2027-01-11T19:00:00+08:00");
    struct run r;

    r = expand(a, "FREQ=WEEKLY;COUNT=201", mon, far);
    CHECK(refused(&r, ERR_INVALID, "COUNT=201"));
    r = expand(a, "FREQ=HOURLY;COUNT=3", mon, far);
    CHECK(refused(&r, ERR_INVALID, "FREQ=HOURLY"));
    r = expand(a, "FREQ=MINUTELY", mon, far);
    CHECK(refused(&r, ERR_INVALID, "more often than daily"));
    r = expand(a, "every tuesday", mon, far);
    CHECK(refused(&r, ERR_INVALID, "cannot read the rule 'every tuesday'"));
    r = expand(a, "", mon, far);
    CHECK(refused(&r, ERR_INVALID, "cannot read"));
    r = expand(a, "FREQ=WEEKLY;BYDAY=XX", mon, far);
    CHECK(refused(&r, ERR_INVALID, "cannot read"));
    /* libical reads these leniently (atoi, day 32): they are refused all the same. */
    r = expand(a, "FREQ=WEEKLY;COUNT=99999999999", mon, far);
    CHECK(refused(&r, ERR_INVALID, "COUNT=99999999999 is more than the 200 occurrences"));
    r = expand(a, "FREQ=WEEKLY;COUNT=12abc", mon, far);
    CHECK(refused(&r, ERR_INVALID, "COUNT=12abc is not a number of occurrences"));
    r = expand(a, "FREQ=WEEKLY;UNTIL=20270132", mon, far);
    CHECK(refused(&r, ERR_INVALID, "UNTIL=20270132 is not a date"));
    r = expand(a, "FREQ=WEEKLY;UNTIL=20270131T250000", mon, far);
    CHECK(refused(&r, ERR_INVALID, "is not a date"));
    r = expand(a, "FREQ=WEEKLY;COUNT=3;UNTIL=20270601", mon, far);
    CHECK(refused(&r, ERR_INVALID, "both COUNT and UNTIL"));
    r = expand(a, "FREQ=WEEKLY;RSCALE=CHINESE", mon, far);
    CHECK(refused(&r, ERR_INVALID, "RSCALE"));
    r = expand(a, "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", mon, far);
    CHECK(refused(&r, ERR_INVALID, "cannot be evaluated"));

    /* 'first' must itself be an occurrence: a Monday for Tuesdays. */
    r = expand(a, "FREQ=WEEKLY;BYDAY=TU;COUNT=4", mon, far);
    CHECK(refused(&r, ERR_RULE, "starts on Monday 2027-01-11 19:00"));
    CHECK(refused(&r, ERR_RULE, "such as Tuesday 2027-01-12 19:00"));
    r = expand(a, "FREQ=MONTHLY;BYDAY=2TU", unit_time("2027-01-19T19:00:00+08:00"), far);
    CHECK(refused(&r, ERR_RULE, "Tuesday 2027-01-19 19:00, which the rule does not produce"));
    /* A rule that never matches is bounded by 'until', not searched to libical's 2582. */
    r = expand(a, "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", mon, far);
    CHECK(refused(&r, ERR_RULE, "does not produce: start it on a day the rule gives, or"));

    /* Unbounded, or bounded too far away. */
    r = expand(a, "FREQ=DAILY", mon, far);
    CHECK(refused(&r, ERR_RULE, "more than 200 occurrences before 2030-01-01: give a COUNT"));
    r = expand(a, "FREQ=WEEKLY;INTERVAL=2", mon, unit_time("2100-01-01T00:00:00+08:00"));
    CHECK(refused(&r, ERR_RULE, "give a COUNT or an UNTIL"));
    r = expand(a, "FREQ=WEEKLY", mon, INT64_MAX);
    CHECK(refused(&r, ERR_RULE, "give a COUNT or an UNTIL"));
    r = expand(a, "FREQ=DAILY;UNTIL=20280101", mon, far);
    CHECK(refused(&r, ERR_RULE, "before its UNTIL 2028-01-01: give an earlier UNTIL"));

    /* A series that would end before it starts. */
    r = expand(a, "FREQ=WEEKLY;UNTIL=20261231", mon, far);
    CHECK(refused(&r, ERR_RULE, "after the rule's UNTIL 2026-12-31"));
    r = expand(a, "FREQ=WEEKLY;COUNT=2", mon, mon - 1);
    CHECK(refused(&r, ERR_RULE, "start it earlier"));
}

void test_recurrence(void)
{
    struct arena *a = arena_new(0);
    test_recurrence_accepts(a);
    test_recurrence_refuses(a);
    arena_free(a);
}

/* Whether every line of s ends CRLF and holds at most 75 octets (RFC 5545 3.1). */
static int lines_ok(const char *s)
{
    for (const char *p = s; *p;) {
        const char *nl = strchr(p, '\n');
        if (!nl || nl == p || nl[-1] != '\r' || nl - 1 - p > 75)
            return 0;
        p = nl + 1;
    }
    return 1;
}

/* s with folded lines joined again, in the arena. */
static char *unfold(struct arena *a, const char *s)
{
    char *out = arena_alloc(a, strlen(s) + 1), *o = out;
    for (const char *p = s; *p; p++) {
        if (p[0] == '\r' && p[1] == '\n' && p[2] == ' ')
            p += 2;
        else
            *o++ = *p;
    }
    *o = '\0';
    return out;
}

static int ends_with(const char *s, const char *tail)
{
    size_t n = strlen(s), m = strlen(tail);
    return n >= m && strcmp(s + n - m, tail) == 0;
}

void test_ical(void)
{
    struct arena *a = arena_new(0);
    const char *long_summary = "党支部主题党日活动：学习贯彻党的二十大精神，交流心得体会；"
                               "地点在西塔党群服务中心三楼会议室，请提前十分钟到场签到";
    struct ical_event ev[2] = {
        {
            .uid = "booking-42@louyu",
            .start = unit_time("2027-01-12T19:00:00+08:00"),
            .end = unit_time("2027-01-12T21:00:00+08:00"),
            .stamp = unit_time("2026-12-01T09:30:00+08:00"),
            .summary = "支部学习, 第一次",
            .location = "西塔 3F; 会议室",
            .description = "带上笔记本\n和党章",
            .status = "CONFIRMED",
            .sequence = 3,
        },
        {
            .uid = "booking-43@louyu",
            .start = unit_time("2027-01-19T19:00:00+08:00"),
            .end = unit_time("2027-01-19T21:00:00+08:00"),
            .stamp = unit_time("2026-12-02T09:30:00+08:00"),
            .summary = long_summary,
            .status = "CANCELLED",
            .sequence = 1,
        },
    };
    struct buf b = BUF_INIT;
    ical_write(&b, "西塔党群服务中心", ev, 2);
    const char *s = b.data;
    CHECK(s && strncmp(s, "BEGIN:VCALENDAR\r\n", 17) == 0);
    CHECK(s && ends_with(s, "END:VCALENDAR\r\n"));
    CHECK(s && lines_ok(s));
    CHECK(s && strstr(s, "\r\nPRODID:-//louyu//louyu//ZH\r\n"));
    CHECK(s && strstr(s, "\r\nVERSION:2.0\r\n"));
    CHECK(s && strstr(s, "\r\nMETHOD:PUBLISH\r\n"));
    CHECK(s && strstr(s, "\r\nCALSCALE:GREGORIAN\r\n"));
    CHECK(s && strstr(s, "\r\nX-WR-CALNAME:西塔党群服务中心\r\n"));
    CHECK(s && strstr(s, "\r\nX-WR-TIMEZONE:Asia/Shanghai\r\n"));
    CHECK(s && strstr(s, "\r\nBEGIN:VEVENT\r\n"));
    CHECK(s && strstr(s, "\r\nUID:booking-42@louyu\r\n"));
    CHECK(s && strstr(s, "\r\nDTSTART:20270112T110000Z\r\n"));
    CHECK(s && strstr(s, "\r\nDTEND:20270112T130000Z\r\n"));
    CHECK(s && strstr(s, "\r\nDTSTAMP:20261201T013000Z\r\n"));
    CHECK(s && strstr(s, "\r\nLAST-MODIFIED:20261201T013000Z\r\n"));
    CHECK(s && strstr(s, "\r\nSUMMARY:支部学习\\, 第一次\r\n"));
    CHECK(s && strstr(s, "\r\nLOCATION:西塔 3F\\; 会议室\r\n"));
    CHECK(s && strstr(s, "\r\nDESCRIPTION:带上笔记本\\n和党章\r\n"));
    CHECK(s && strstr(s, "\r\nSTATUS:CONFIRMED\r\n"));
    CHECK(s && strstr(s, "\r\nSTATUS:CANCELLED\r\n"));
    CHECK(s && strstr(s, "\r\nSEQUENCE:3\r\n"));

    /* The long summary is folded, and whole again once unfolded. */
    CHECK(s && !strstr(s, long_summary));
    /* Full-width punctuation (，；) is text to RFC 5545, not a separator to escape. */
    CHECK(s && strstr(unfold(a, s), arena_printf(a, "\r\nSUMMARY:%s\r\n", long_summary)));
    buf_free(&b);

    /* No events is still a calendar. */
    ical_write(&b, "空", NULL, 0);
    CHECK(b.data && strncmp(b.data, "BEGIN:VCALENDAR\r\n", 17) == 0 && !strstr(b.data, "VEVENT"));
    buf_free(&b);
    arena_free(a);
}
