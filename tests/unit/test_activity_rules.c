/* Unit tests for the rules of activities (domain/activity_rules.c). */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/timefmt.h"
#include "domain/activity_rules.h"
#include "unit.h"

#define MINUTE 60
#define HOUR   3600
#define DAY    86400

/* The outcome of one check: its return value and the error it filled. */
struct verdict {
    int rc;
    struct error err;
};

/* Whether v is a refusal of kind with one field error at pointer (and rule, or none). */
static bool refused_at(const struct verdict *v, enum err_kind kind, const char *pointer,
                       const char *rule)
{
    const struct error *e = &v->err;
    bool ok = v->rc == -1 && e->kind == kind && e->nfields == 1 && e->fields[0].pointer &&
              strcmp(e->fields[0].pointer, pointer) == 0 &&
              (rule ? e->rule && strcmp(e->rule, rule) == 0 : e->rule == NULL);
    if (!ok)
        fprintf(stderr, "activity rules: rc %d, kind %s, %zu fields, pointer %s, rule %s\n", v->rc,
                err_kind_name(e->kind), e->nfields,
                e->nfields ? (e->fields[0].pointer ? e->fields[0].pointer : "(null)") : "-",
                e->rule ? e->rule : "(null)");
    return ok;
}

/* Whether v is a refusal of kind with the rule named and no field errors. */
static bool refused(const struct verdict *v, enum err_kind kind, const char *rule)
{
    const struct error *e = &v->err;
    bool ok = v->rc == -1 && e->kind == kind && e->nfields == 0 && e->rule &&
              strcmp(e->rule, rule) == 0 && e->detail && e->detail[0];
    if (!ok)
        fprintf(stderr, "activity rules: rc %d, kind %s, rule %s\n", v->rc, err_kind_name(e->kind),
                e->rule ? e->rule : "(null)");
    return ok;
}

/* Whether v is a success that left the error untouched. */
static bool accepted(const struct verdict *v)
{
    const struct error *e = &v->err;
    bool ok = v->rc == 0 && e->kind == ERR_NONE && e->nfields == 0 && e->rule == NULL;
    if (!ok)
        fprintf(stderr, "activity rules: rc %d, kind %s, rule %s, detail %s\n", v->rc,
                err_kind_name(e->kind), e->rule ? e->rule : "(null)",
                e->detail ? e->detail : "(null)");
    return ok;
}

/* ---- the enumerations ---- */

static bool listed(const char *const *list, const char *name)
{
    for (size_t i = 0; list[i]; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}

static size_t count(const char *const *list)
{
    size_t n = 0;
    while (list[n])
        n++;
    return n;
}

static void test_enumerations(void)
{
    CHECK(count(activity_kinds) == 8);
    CHECK(listed(activity_kinds, "party_lesson"));
    CHECK(listed(activity_kinds, "volunteer_service"));
    CHECK(listed(activity_kinds, "appointment_service"));
    CHECK(listed(activity_kinds, "other"));
    CHECK(count(activity_audiences) == 4);
    CHECK(listed(activity_audiences, "host") && listed(activity_audiences, "anyone"));
    CHECK(count(activity_statuses) == 4);
    CHECK(listed(activity_statuses, "draft") && listed(activity_statuses, "published") &&
          listed(activity_statuses, "cancelled") && listed(activity_statuses, "held"));
}

/* ---- appointment slots ---- */

static struct verdict check_slots(struct arena *a, int64_t start, int64_t end, bool has_slots,
                                  int64_t slot_minutes, bool has_capacity, int64_t slot_capacity,
                                  int64_t capacity)
{
    struct verdict v;
    error_init(&v.err, a);
    v.rc = activity_check_slots(start, end, has_slots, slot_minutes, has_capacity, slot_capacity,
                                capacity, &v.err);
    return v;
}

static void test_check_slots(struct arena *a)
{
    int64_t s = unit_time("2027-03-10T09:00:00+08:00");
    int64_t e = s + 2 * HOUR;
    struct verdict v;

    /* Neither given: an activity without slots, whatever the other values hold. */
    v = check_slots(a, s, e, false, 0, false, 0, 30);
    CHECK(accepted(&v));
    v = check_slots(a, s, e, false, 7, false, 99, 30);
    CHECK(accepted(&v));

    /* Only one given: the error points at the one missing. */
    v = check_slots(a, s, e, true, 30, false, 0, 30);
    CHECK(refused_at(&v, ERR_RULE, "/slot_capacity", NULL));
    v = check_slots(a, s, e, false, 0, true, 5, 30);
    CHECK(refused_at(&v, ERR_RULE, "/slot_minutes", NULL));

    /* Minutes from 5 to 240. */
    v = check_slots(a, s, s + 5 * MINUTE * 24, true, 5, true, 1, 30);
    CHECK(accepted(&v));
    v = check_slots(a, s, s + 4 * HOUR, true, 240, true, 1, 30);
    CHECK(accepted(&v));
    v = check_slots(a, s, s + 4 * HOUR, true, 4, true, 1, 30);
    CHECK(refused_at(&v, ERR_RULE, "/slot_minutes", NULL));
    v = check_slots(a, s, s + 241 * 4 * MINUTE, true, 241, true, 1, 30);
    CHECK(refused_at(&v, ERR_RULE, "/slot_minutes", NULL));
    v = check_slots(a, s, e, true, 0, true, 1, 30);
    CHECK(refused_at(&v, ERR_RULE, "/slot_minutes", NULL));
    v = check_slots(a, s, e, true, -30, true, 1, 30);
    CHECK(refused_at(&v, ERR_RULE, "/slot_minutes", NULL));

    /* Slots that cut the time into whole pieces, and only those. */
    v = check_slots(a, s, e, true, 30, true, 5, 30);
    CHECK(accepted(&v));
    v = check_slots(a, s, e, true, 120, true, 5, 30);
    CHECK(accepted(&v));
    v = check_slots(a, s, e, true, 45, true, 5, 30);
    CHECK(refused_at(&v, ERR_RULE, "/slot_minutes", NULL));
    v = check_slots(a, s, e, true, 240, true, 5, 30); /* one slot longer than the activity */
    CHECK(refused_at(&v, ERR_RULE, "/slot_minutes", NULL));
    v = check_slots(a, s, e + 1, true, 30, true, 5, 30); /* a second too long */
    CHECK(refused_at(&v, ERR_RULE, "/slot_minutes", NULL));
    v = check_slots(a, s, s + 100 * MINUTE, true, 30, true, 5, 30);
    CHECK(refused_at(&v, ERR_RULE, "/slot_minutes", NULL));

    /* A slot's places from 1 to the activity's capacity. */
    v = check_slots(a, s, e, true, 30, true, 1, 30);
    CHECK(accepted(&v));
    v = check_slots(a, s, e, true, 30, true, 30, 30);
    CHECK(accepted(&v));
    v = check_slots(a, s, e, true, 30, true, 0, 30);
    CHECK(refused_at(&v, ERR_RULE, "/slot_capacity", NULL));
    v = check_slots(a, s, e, true, 30, true, -1, 30);
    CHECK(refused_at(&v, ERR_RULE, "/slot_capacity", NULL));
    v = check_slots(a, s, e, true, 30, true, 31, 30);
    CHECK(refused_at(&v, ERR_RULE, "/slot_capacity", NULL));
    CHECK(v.err.fields[0].detail && strstr(v.err.fields[0].detail, "30"));
}

static struct verdict check_slot(struct arena *a, int64_t start, int64_t end, int64_t minutes,
                                 int64_t slot_start)
{
    struct verdict v;
    error_init(&v.err, a);
    v.rc = activity_check_slot(start, end, minutes, slot_start, &v.err);
    return v;
}

static void test_check_slot(struct arena *a)
{
    int64_t s = unit_time("2027-03-10T09:00:00+08:00");
    int64_t e = unit_time("2027-03-10T11:00:00+08:00");
    struct verdict v;

    CHECK(activity_slot_count(s, e, 30) == 4);
    CHECK(activity_slot_count(s, e, 120) == 1);
    CHECK(activity_slot_count(s, e, 5) == 24);
    CHECK(activity_slot_count(s, e, 0) == 1); /* no slots: the activity is one */

    /* Every slot on the grid, the first and the last among them. */
    for (int64_t i = 0; i < 4; i++) {
        v = check_slot(a, s, e, 30, s + i * 30 * MINUTE);
        CHECK(accepted(&v));
    }
    v = check_slot(a, s, e, 30, unit_time("2027-03-10T10:30:00+08:00"));
    CHECK(accepted(&v));

    /* Off the grid, before the start, at or after the end. */
    static const int64_t wrong[] = {1,           MINUTE, 15 * MINUTE,  29 * MINUTE + 59,
                                    31 * MINUTE, -1,     -30 * MINUTE, -DAY};
    for (size_t i = 0; i < sizeof(wrong) / sizeof(wrong[0]); i++) {
        v = check_slot(a, s, e, 30, s + wrong[i]);
        CHECK(refused_at(&v, ERR_RULE, "/slot_start", "slot"));
    }
    v = check_slot(a, s, e, 30, e);
    CHECK(refused_at(&v, ERR_RULE, "/slot_start", "slot"));
    v = check_slot(a, s, e, 30, e + 30 * MINUTE);
    CHECK(refused_at(&v, ERR_RULE, "/slot_start", "slot"));
    CHECK(v.err.fields[0].detail && strstr(v.err.fields[0].detail, "30-minute"));
    CHECK(v.err.fields[0].detail && strstr(v.err.fields[0].detail, "2027-03-10T09:00:00+08:00"));

    /* A slot on the grid that would run past the end (100 minutes cut by 30). */
    int64_t e100 = s + 100 * MINUTE;
    v = check_slot(a, s, e100, 30, s + 60 * MINUTE);
    CHECK(accepted(&v));
    v = check_slot(a, s, e100, 30, s + 90 * MINUTE);
    CHECK(refused_at(&v, ERR_RULE, "/slot_start", "slot"));
}

/* ---- sign-up and check-in ---- */

static struct verdict check_signup(struct arena *a, const char *status, int64_t end, int64_t now)
{
    struct verdict v;
    error_init(&v.err, a);
    v.rc = activity_check_signup(status, end, now, &v.err);
    return v;
}

static void test_check_signup(struct arena *a)
{
    int64_t s = unit_time("2027-03-10T09:00:00+08:00");
    int64_t e = unit_time("2027-03-10T11:00:00+08:00");
    struct verdict v;

    /* Only a published activity takes sign-ups. */
    static const char *const not_open[] = {"draft", "cancelled", "held"};
    for (size_t i = 0; i < 3; i++) {
        v = check_signup(a, not_open[i], e, s - DAY);
        CHECK(refused(&v, ERR_CONFLICT, "status"));
    }
    v = check_signup(a, "draft", e, s - DAY);
    CHECK(v.err.detail && strstr(v.err.detail, "not published"));
    v = check_signup(a, "cancelled", e, s - DAY);
    CHECK(v.err.detail && strstr(v.err.detail, "cancelled"));

    /* Published: open long before, after the start, until the last second. */
    v = check_signup(a, "published", e, s - 300 * DAY);
    CHECK(accepted(&v));
    v = check_signup(a, "published", e, s);
    CHECK(accepted(&v));
    v = check_signup(a, "published", e, s + HOUR);
    CHECK(accepted(&v));
    v = check_signup(a, "published", e, e - 1);
    CHECK(accepted(&v));

    /* Closed at the end and after. */
    v = check_signup(a, "published", e, e);
    CHECK(refused(&v, ERR_CONFLICT, "signup_closed"));
    CHECK(v.err.detail && strstr(v.err.detail, "2027-03-10T11:00:00+08:00"));
    v = check_signup(a, "published", e, e + DAY);
    CHECK(refused(&v, ERR_CONFLICT, "signup_closed"));

    /* A status is checked before the time. */
    v = check_signup(a, "draft", e, e + DAY);
    CHECK(refused(&v, ERR_CONFLICT, "status"));
}

static struct verdict check_checkin(struct arena *a, const char *status, int64_t start, int64_t end,
                                    int64_t now, bool desk)
{
    struct verdict v;
    error_init(&v.err, a);
    v.rc = activity_check_checkin(status, start, end, now, desk, &v.err);
    return v;
}

static void test_check_checkin(struct arena *a)
{
    int64_t s = unit_time("2027-03-10T09:00:00+08:00");
    int64_t e = unit_time("2027-03-10T11:00:00+08:00");
    int64_t opens = unit_time("2027-03-10T08:30:00+08:00");
    struct verdict v;

    CHECK(ACTIVITY_CHECKIN_EARLY_S == 30 * MINUTE);
    CHECK(ACTIVITY_DESK_LATE_S == 2 * DAY);
    CHECK(opens == s - ACTIVITY_CHECKIN_EARLY_S);

    for (int desk = 0; desk < 2; desk++) {
        /* Opens exactly 30 minutes before the start, for a scan and at the desk. */
        v = check_checkin(a, "published", s, e, opens, desk);
        CHECK(accepted(&v));
        v = check_checkin(a, "published", s, e, opens - 1, desk);
        CHECK(refused(&v, ERR_CONFLICT, "check_in_window"));
        CHECK(v.err.detail && strstr(v.err.detail, "2027-03-10T08:30:00+08:00"));
        v = check_checkin(a, "published", s, e, s - DAY, desk);
        CHECK(refused(&v, ERR_CONFLICT, "check_in_window"));
        v = check_checkin(a, "published", s, e, s, desk);
        CHECK(accepted(&v));
        v = check_checkin(a, "published", s, e, e - 1, desk);
        CHECK(accepted(&v));
    }

    /* A scan closes at the end. */
    v = check_checkin(a, "published", s, e, e, false);
    CHECK(refused(&v, ERR_CONFLICT, "check_in_window"));
    CHECK(v.err.detail && strstr(v.err.detail, "2027-03-10T11:00:00+08:00"));
    v = check_checkin(a, "published", s, e, e + HOUR, false);
    CHECK(refused(&v, ERR_CONFLICT, "check_in_window"));

    /* The desk records until two days after the end. */
    v = check_checkin(a, "published", s, e, e, true);
    CHECK(accepted(&v));
    v = check_checkin(a, "published", s, e, e + DAY, true);
    CHECK(accepted(&v));
    v = check_checkin(a, "published", s, e, unit_time("2027-03-12T10:59:59+08:00"), true);
    CHECK(accepted(&v));
    v = check_checkin(a, "published", s, e, unit_time("2027-03-12T11:00:00+08:00"), true);
    CHECK(refused(&v, ERR_CONFLICT, "check_in_window"));
    CHECK(v.err.detail && strstr(v.err.detail, "2027-03-12T11:00:00+08:00"));

    /* A held activity is still open to check-in, in the same windows. */
    v = check_checkin(a, "held", s, e, s + MINUTE, false);
    CHECK(accepted(&v));
    v = check_checkin(a, "held", s, e, e + DAY, true);
    CHECK(accepted(&v));
    v = check_checkin(a, "held", s, e, e, false);
    CHECK(refused(&v, ERR_CONFLICT, "check_in_window"));
    v = check_checkin(a, "held", s, e, opens - 1, true);
    CHECK(refused(&v, ERR_CONFLICT, "check_in_window"));

    /* Draft and cancelled are refused for their status, even inside the window. */
    for (int desk = 0; desk < 2; desk++) {
        v = check_checkin(a, "draft", s, e, s, desk);
        CHECK(refused(&v, ERR_CONFLICT, "status"));
        CHECK(v.err.detail && strstr(v.err.detail, "not published"));
        v = check_checkin(a, "cancelled", s, e, s, desk);
        CHECK(refused(&v, ERR_CONFLICT, "status"));
        CHECK(v.err.detail && strstr(v.err.detail, "cancelled"));
    }
}

/* ---- places ---- */

static void test_has_place(void)
{
    /* Without slots (0 and 0). */
    CHECK(activity_has_place(0, 10, 0, 0));
    CHECK(activity_has_place(9, 10, 0, 0));
    CHECK(!activity_has_place(10, 10, 0, 0));
    CHECK(!activity_has_place(11, 10, 0, 0));
    CHECK(!activity_has_place(0, 0, 0, 0));
    CHECK(activity_has_place(0, 1, 0, 0));

    /* With slots: room in the activity and in the slot. */
    CHECK(activity_has_place(0, 10, 0, 3));
    CHECK(activity_has_place(5, 10, 2, 3));
    CHECK(!activity_has_place(5, 10, 3, 3));
    CHECK(!activity_has_place(5, 10, 4, 3));
    CHECK(!activity_has_place(10, 10, 0, 3));
    CHECK(activity_has_place(9, 10, 0, 1));
    CHECK(!activity_has_place(9, 10, 1, 1));
}

/* ---- counting people ---- */

static void test_volunteer_minutes(void)
{
    int64_t s = unit_time("2027-03-10T09:00:00+08:00");
    CHECK(activity_volunteer_minutes("volunteer_service", s, s + 2 * HOUR) == 120);
    CHECK(activity_volunteer_minutes("volunteer_service", s, s + 90 * MINUTE) == 90);
    CHECK(activity_volunteer_minutes("volunteer_service", s, s + 90 * MINUTE + 59) == 90);
    CHECK(activity_volunteer_minutes("volunteer_service", s, s) == 0);
    for (size_t i = 0; activity_kinds[i]; i++)
        if (strcmp(activity_kinds[i], "volunteer_service") != 0)
            CHECK(activity_volunteer_minutes(activity_kinds[i], s, s + 2 * HOUR) == 0);
    CHECK(activity_volunteer_minutes("volunteer", s, s + 2 * HOUR) == 0);
    CHECK(activity_volunteer_minutes("", s, s + 2 * HOUR) == 0);
}

static void test_person_key(void)
{
    char k[PERSON_KEY_MAX];

    person_key(k, 7, 0, NULL);
    CHECK_STR(k, "m:7");
    person_key(k, 0, 3, NULL);
    CHECK_STR(k, "u:3");
    person_key(k, 0, 0, "13800138000");
    CHECK_STR(k, "p:13800138000");
    person_key(k, 0, 0, NULL);
    CHECK_STR(k, "p:");

    /* A member before a user, a user before a phone. */
    person_key(k, 7, 3, "13800138000");
    CHECK_STR(k, "m:7");
    person_key(k, 7, 0, "13800138000");
    CHECK_STR(k, "m:7");
    person_key(k, 0, 3, "13800138000");
    CHECK_STR(k, "u:3");

    person_key(k, INT64_MAX, 0, NULL);
    CHECK_STR(k, "m:9223372036854775807");
    person_key(k, 0, INT64_MAX, NULL);
    CHECK_STR(k, "u:9223372036854775807");

    /* A phone too long for the key is cut, never written past it. */
    char big[PERSON_KEY_MAX + 8];
    memset(big, 'x', PERSON_KEY_MAX + 8);
    char longphone[100];
    memset(longphone, '1', sizeof(longphone) - 1);
    longphone[sizeof(longphone) - 1] = '\0';
    person_key(big, 0, 0, longphone);
    CHECK(strlen(big) == PERSON_KEY_MAX - 1);
    CHECK(big[0] == 'p' && big[1] == ':' && big[2] == '1');
    CHECK(big[PERSON_KEY_MAX] == 'x');

    person_key(k, 7, 0, NULL);
    CHECK(person_is_member(k));
    person_key(k, 0, 3, NULL);
    CHECK(!person_is_member(k));
    person_key(k, 0, 0, "13800138000");
    CHECK(!person_is_member(k));
    person_key(k, 0, 0, NULL);
    CHECK(!person_is_member(k));
    CHECK(person_is_member("m:1"));
    CHECK(!person_is_member(""));
    CHECK(!person_is_member("m"));
    CHECK(!person_is_member("m1"));
    CHECK(!person_is_member("M:1"));
    CHECK(!person_is_member("u:1"));
    CHECK(!person_is_member("p:m:1"));
}

/* ---- organisation paths ---- */

static void test_path_ids(void)
{
    int64_t out[8];

    CHECK(path_ids("/1/5/12/", out, 8) == 3);
    CHECK(out[0] == 1 && out[1] == 5 && out[2] == 12);
    CHECK(path_ids("/42/", out, 8) == 1);
    CHECK(out[0] == 42);
    CHECK(path_ids("/1000000000000000000/", out, 8) == 1);
    CHECK(out[0] == INT64_C(1000000000000000000));

    /* At most max, the rest left alone. */
    for (size_t i = 0; i < 8; i++)
        out[i] = -1;
    CHECK(path_ids("/1/5/12/", out, 2) == 2);
    CHECK(out[0] == 1 && out[1] == 5 && out[2] == -1);
    CHECK(path_ids("/1/5/12/", out, 1) == 1);
    CHECK(out[0] == 1 && out[1] == 5 && out[2] == -1);
    out[0] = -1;
    CHECK(path_ids("/1/5/12/", out, 0) == 0);
    CHECK(out[0] == -1);
    CHECK(path_ids("/1/5/12/", out, 3) == 3);
    CHECK(out[2] == 12 && out[3] == -1);

    /* Malformed paths give nothing. */
    static const char *const bad[] = {
        "",      "/",
        "1/2/",  "/1//",
        "//",    "/a/",
        "/0/",   "/1/0/",
        "/1/2",  "/1/2x",
        "/-1/",  "/+1/",
        "/ 1/",  "/1/a/",
        "1",     "/1/5/12",
        "/1/ /", " /1/",
        "\\1\\", "/1,2/",
        "/1.0/", "/99999999999999999999/",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        size_t n = path_ids(bad[i], out, 8);
        if (n != 0)
            fprintf(stderr, "path_ids(\"%s\") gave %zu\n", bad[i], n);
        CHECK(n == 0);
    }
    CHECK(path_ids(NULL, out, 8) == 0);
}

/* ---- periods ---- */

static void test_local_year(void)
{
    CHECK(local_year(unit_time("2026-12-31T23:59:59+08:00")) == 2026);
    CHECK(local_year(unit_time("2027-01-01T00:00:00+08:00")) == 2027);
    CHECK(unit_time("2027-01-01T00:00:00+08:00") == unit_time("2026-12-31T16:00:00Z"));
    CHECK(local_year(unit_time("2026-12-31T15:59:59Z")) == 2026);
    CHECK(local_year(unit_time("2026-12-31T16:00:00Z")) == 2027);
    CHECK(local_year(unit_time("2027-06-15T12:00:00+08:00")) == 2027);
    CHECK(local_year(unit_time("2027-12-31T23:59:59+08:00")) == 2027);
    CHECK(local_year(unit_time("2028-02-29T12:00:00+08:00")) == 2028);

    /* Around the epoch, where local days before it count down. */
    CHECK(local_year(0) == 1970);
    CHECK(local_year(-8 * HOUR) == 1970); /* 1970-01-01T00:00:00+08:00 */
    CHECK(local_year(-8 * HOUR - 1) == 1969);
    CHECK(local_year(unit_time("1969-12-31T23:59:59+08:00")) == 1969);
    CHECK(local_year(unit_time("1969-06-01T00:00:00+08:00")) == 1969);
}

static void test_month_days(void)
{
    int64_t first = 0, next = 0;

    CHECK(month_days("2027-03", &first, &next) == 0);
    CHECK(first == days_from_civil(2027, 3, 1));
    CHECK(next == days_from_civil(2027, 4, 1));
    CHECK(next - first == 31);

    CHECK(month_days("2000-01", &first, &next) == 0);
    CHECK(first == 10957); /* 2000-01-01 */
    CHECK(next == 10957 + 31);

    /* December rolls to the next year. */
    CHECK(month_days("2027-12", &first, &next) == 0);
    CHECK(first == days_from_civil(2027, 12, 1));
    CHECK(next == days_from_civil(2028, 1, 1));
    CHECK(next - first == 31);
    CHECK(month_days("2200-12", &first, &next) == 0);
    CHECK(next == days_from_civil(2201, 1, 1));

    /* February, leap and not. */
    CHECK(month_days("2027-02", &first, &next) == 0);
    CHECK(next - first == 28);
    CHECK(month_days("2028-02", &first, &next) == 0);
    CHECK(next - first == 29);
    CHECK(month_days("2100-02", &first, &next) == 0);
    CHECK(next - first == 28);
    CHECK(month_days("2000-02", &first, &next) == 0);
    CHECK(next - first == 29);

    /* Every month of a year follows the one before. */
    int64_t prev_next = days_from_civil(2026, 1, 1);
    for (int m = 1; m <= 12; m++) {
        char s[] = "2026-00";
        s[5] = (char)('0' + m / 10), s[6] = (char)('0' + m % 10);
        CHECK(month_days(s, &first, &next) == 0);
        CHECK(first == prev_next && next > first);
        prev_next = next;
    }
    CHECK(prev_next == days_from_civil(2027, 1, 1));

    static const char *const bad[] = {
        "2027-3",  "2027-13", "1999-01", "2027/03",  "2027-0a",  "",         "+027-03",
        "2027-00", "2201-01", "0000-01", "2027-03 ", " 2027-03", "2027-003", "202703",
        "27-03",   "-027-03", "2027--3", "2027-+3",  "2027-1 ",  "2027 03",  "2027-03-01",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        int rc = month_days(bad[i], &first, &next);
        if (rc != -1)
            fprintf(stderr, "month_days(\"%s\") gave %d\n", bad[i], rc);
        CHECK(rc == -1);
    }
    CHECK(month_days(NULL, &first, &next) == -1);
}

void test_activity_rules(void)
{
    struct arena *a = arena_new(0);
    test_enumerations();
    test_check_slots(a);
    test_check_slot(a);
    test_check_signup(a);
    test_check_checkin(a);
    test_has_place();
    test_volunteer_minutes();
    test_person_key();
    test_path_ids();
    test_local_year();
    test_month_days();
    arena_free(a);
}
