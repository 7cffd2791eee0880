/* Unit tests for the road to membership and the masks (domain/membership.c). */
#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/membership.h"
#include "unit.h"

static int64_t D(const char *s)
{
    int64_t d = NO_DAY;
    date_parse(s, strlen(s), &d);
    return d;
}

static struct road road_of(int64_t born)
{
    struct road r;
    for (int s = 0; s < STAGE__MAX; s++)
        r.day[s] = NO_DAY;
    r.born = born;
    return r;
}

/* Moves r to 'to' on 'on' when the rules allow; returns the error's detail, or NULL. */
static const char *go(struct arena *a, struct road *r, enum stage to, const char *on)
{
    struct error err;
    error_init(&err, a);
    if (road_check(r, to, D(on), D("2026-11-29"), &err) != 0) {
        CHECK(err.kind == ERR_RULE);
        return err.detail;
    }
    r->day[to] = D(on);
    return NULL;
}

void test_membership(void)
{
    struct arena *a = arena_new(0);
    struct road r = road_of(D("1995-03-10"));
    const char *why;
    CHECK(road_current(&r) == -1);
    /* Under 18 on the day of applying. */
    CHECK((why = go(a, &r, STAGE_APPLICANT, "2013-03-09")) && strstr(why, "18 years"));
    CHECK(go(a, &r, STAGE_APPLICANT, "2013-03-10") == NULL);
    /* No skipping a stage. */
    CHECK((why = go(a, &r, STAGE_PROBATIONARY, "2014-01-01")) &&
          strstr(why, "one stage at a time"));
    CHECK((why = go(a, &r, STAGE_ACTIVIST, "2013-03-01")) && strstr(why, "before the previous"));
    CHECK(go(a, &r, STAGE_ACTIVIST, "2016-09-01") == NULL);
    /* A year of cultivation, to the day. */
    CHECK((why = go(a, &r, STAGE_DEVELOPMENT_TARGET, "2017-08-31")) && strstr(why, "cultivation"));
    CHECK(go(a, &r, STAGE_DEVELOPMENT_TARGET, "2017-09-01") == NULL);
    CHECK(go(a, &r, STAGE_PROBATIONARY, "2018-07-01") == NULL);
    /* A year of probation. */
    CHECK((why = go(a, &r, STAGE_FULL_MEMBER, "2019-06-30")) && strstr(why, "one year"));
    CHECK(go(a, &r, STAGE_FULL_MEMBER, "2019-07-01") == NULL);
    CHECK(road_current(&r) == STAGE_FULL_MEMBER);
    CHECK((why = go(a, &r, STAGE_FULL_MEMBER, "2020-07-01")) != NULL);
    CHECK((why = go(a, &r, STAGE_TRANSFERRED_OUT, "2027-01-01")) && strstr(why, "future"));
    CHECK(go(a, &r, STAGE_TRANSFERRED_OUT, "2024-05-01") == NULL);
    CHECK((why = go(a, &r, STAGE_DECEASED, "2025-05-01")) && strstr(why, "no further"));

    struct road nobody = road_of(NO_DAY);
    CHECK((why = go(a, &nobody, STAGE_DECEASED, "2020-01-01")) != NULL);
    CHECK(go(a, &nobody, STAGE_APPLICANT, "2020-01-01") == NULL); /* birth unknown: no age rule */

    /* Leap days and whole years. */
    CHECK(day_add_years(D("2020-02-29"), 1) == D("2021-03-01"));
    CHECK(day_add_years(D("2020-02-29"), 4) == D("2024-02-29"));
    CHECK(years_between(D("2017-07-01"), D("2026-06-30")) == 8);
    CHECK(years_between(D("2017-07-01"), D("2026-07-01")) == 9);

    CHECK(political_birthday_in(D("2018-07-01"), 7));
    CHECK(!political_birthday_in(D("2018-07-01"), 8));

    /* Thought reports: due every quarter. */
    CHECK(!thought_report_overdue(D("2026-06-01"), D("2026-09-01"), D("2026-11-29")));
    CHECK(thought_report_overdue(D("2026-06-01"), D("2026-08-28"), D("2026-11-29")));
    CHECK(thought_report_overdue(D("2026-06-01"), NO_DAY, D("2026-11-29")));
    CHECK(!thought_report_overdue(D("2026-11-30"), NO_DAY, D("2026-11-30")));
    /* A quarter after 30 November is the last day of February. */
    CHECK(!thought_report_overdue(D("2026-11-30"), NO_DAY, D("2027-02-28")));
    CHECK(thought_report_overdue(D("2026-11-30"), NO_DAY, D("2027-03-01")));

    /* Whole histories, as a register gives them. */
    struct error err;
    error_init(&err, a);
    struct road h = road_of(D("1990-05-17"));
    CHECK(road_check_history(&h, D("2026-11-29"), &err) != 0); /* no stage at all */
    h.day[STAGE_PROBATIONARY] = D("2018-07-01");
    h.day[STAGE_FULL_MEMBER] = D("2019-07-01");
    error_init(&err, a);
    CHECK(road_check_history(&h, D("2026-11-29"), &err) == 0); /* earlier stages unknown */
    h.day[STAGE_FULL_MEMBER] = D("2019-06-01");
    error_init(&err, a);
    CHECK(road_check_history(&h, D("2026-11-29"), &err) != 0 && strstr(err.detail, "one year"));
    h.day[STAGE_FULL_MEMBER] = D("2019-07-01");
    h.day[STAGE_ACTIVIST] = D("2018-08-01");
    error_init(&err, a);
    CHECK(road_check_history(&h, D("2026-11-29"), &err) != 0 && strstr(err.detail, "before"));
    h.day[STAGE_ACTIVIST] = NO_DAY;
    h.day[STAGE_APPLICANT] = D("2007-01-01");
    error_init(&err, a);
    CHECK(road_check_history(&h, D("2026-11-29"), &err) != 0 && strstr(err.detail, "18"));
    h.day[STAGE_APPLICANT] = NO_DAY;
    h.day[STAGE_DECEASED] = D("2027-01-01");
    error_init(&err, a);
    CHECK(road_check_history(&h, D("2026-11-29"), &err) != 0 && strstr(err.detail, "future"));
    h.day[STAGE_DECEASED] = D("2025-01-01");
    h.day[STAGE_TRANSFERRED_OUT] = D("2024-01-01");
    error_init(&err, a);
    CHECK(road_check_history(&h, D("2026-11-29"), &err) != 0 && strstr(err.detail, "once"));

    CHECK(thought_report_cutoff(D("2026-11-29")) == D("2026-08-29"));
    CHECK(thought_report_cutoff(D("2026-05-31")) == D("2026-02-28"));
    CHECK(thought_report_cutoff(D("2026-01-15")) == D("2025-10-15"));

    char out[64];
    mask_phone("13812345678", out, sizeof(out));
    CHECK_STR(out, "138****5678");
    mask_phone("+86 138 1234 5678", out, sizeof(out));
    CHECK_STR(out, "+86**********5678");
    mask_phone("1234", out, sizeof(out));
    CHECK_STR(out, "****");
    mask_birth_date("1990-05-17", out, sizeof(out));
    CHECK_STR(out, "1990-**-**");
    mask_identifier("44010619900517123X", out, sizeof(out));
    CHECK_STR(out, "440*************3X");
    arena_free(a);
}
