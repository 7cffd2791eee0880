/* Unit tests for the rules of booking (domain/booking_rules.c) and free time (domain/slots.c). */
#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core/arena.h"
#include "core/error.h"
#include "core/timefmt.h"
#include "domain/booking_rules.h"
#include "domain/hours.h"
#include "domain/slots.h"
#include "unit.h"

#define MINUTE 60
#define HOUR   3600
#define DAY    86400
#define MONTH  ((int64_t)QUOTA_WINDOW_SECONDS)

static void free_json(void *p)
{
    json_decref(p);
}

/* JSON text as a tree freed with the arena; aborts on a typo in a test. */
static json_t *J(struct arena *a, const char *text)
{
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    if (!v)
        abort();
    arena_defer(a, free_json, v);
    return v;
}

/* A small deterministic PRNG (splitmix64), so that failures repeat. */
static uint64_t rng_state;

static uint64_t rng(void)
{
    uint64_t z = (rng_state += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A number in [0, n). */
static int64_t rnd(int64_t n)
{
    return (int64_t)(rng() % (uint64_t)n);
}

/* ---- settings ---- */

static bool same_rules(const struct booking_rules *x, const struct booking_rules *y)
{
    return x->horizon_days == y->horizon_days && x->vip_horizon_days == y->vip_horizon_days &&
           x->max_hours_per_month == y->max_hours_per_month &&
           x->vip_max_hours_per_month == y->vip_max_hours_per_month &&
           x->max_open_bookings == y->max_open_bookings &&
           x->vip_max_open_bookings == y->vip_max_open_bookings &&
           x->max_booking_minutes == y->max_booking_minutes &&
           x->grace_minutes == y->grace_minutes && x->release_no_shows == y->release_no_shows &&
           x->offer_minutes == y->offer_minutes && x->approval == y->approval;
}

/* The canonical text of settings JSON, or NULL (and *why) when refused. */
static const char *canon(struct arena *a, const char *text, const char **why)
{
    char *out = NULL;
    *why = NULL;
    if (booking_rules_canon(a, J(a, text), &out, why) != 0)
        return NULL;
    return out;
}

/* Whether text is refused with a reason that contains 'says'. */
static bool parse_refused(struct arena *a, const char *text, const char *says)
{
    struct booking_rules r;
    const char *why = NULL;
    if (booking_rules_parse(a, J(a, text), &r, &why) != -1 || why == NULL) {
        fprintf(stderr, "  %s: accepted\n", text);
        return false;
    }
    if (!strstr(why, says)) {
        fprintf(stderr, "  %s: refused with \"%s\", not naming \"%s\"\n", text, why, says);
        return false;
    }
    /* canon refuses it the same way */
    char *out = NULL;
    const char *why2 = NULL;
    if (booking_rules_canon(a, J(a, text), &out, &why2) != -1 || !why2 || strcmp(why, why2)) {
        fprintf(stderr, "  %s: canon does not refuse it alike\n", text);
        return false;
    }
    return true;
}

/* One integer setting, its place and the bounds the documentation gives it; 'partner' is
 * the vip_ (or non-vip_) setting that must not fall below (or rise above) it. */
static const struct {
    const char *key;
    size_t offset;
    int min, max;
    const char *partner;
    bool is_vip;
} bounds[] = {
    {"horizon_days", offsetof(struct booking_rules, horizon_days), 1, 3660, "vip_horizon_days",
     false},
    {"vip_horizon_days", offsetof(struct booking_rules, vip_horizon_days), 1, 3660, "horizon_days",
     true},
    {"max_hours_per_month", offsetof(struct booking_rules, max_hours_per_month), 1, 744,
     "vip_max_hours_per_month", false},
    {"vip_max_hours_per_month", offsetof(struct booking_rules, vip_max_hours_per_month), 1, 744,
     "max_hours_per_month", true},
    {"max_open_bookings", offsetof(struct booking_rules, max_open_bookings), 1, 1000,
     "vip_max_open_bookings", false},
    {"vip_max_open_bookings", offsetof(struct booking_rules, vip_max_open_bookings), 1, 1000,
     "max_open_bookings", true},
    {"max_booking_minutes", offsetof(struct booking_rules, max_booking_minutes), 15, 1440, NULL,
     false},
    {"grace_minutes", offsetof(struct booking_rules, grace_minutes), 0, 240, NULL, false},
    {"offer_minutes", offsetof(struct booking_rules, offer_minutes), 5, 10080, NULL, false},
};

static int field_of(const struct booking_rules *r, size_t offset)
{
    return *(const int *)((const char *)r + offset);
}

static void test_settings_defaults(struct arena *a)
{
    const char *why;
    struct booking_rules r;

    /* The defaults, as the macro writes them, as the struct holds them, as canon({}) writes. */
    CHECK_STR(canon(a, "{}", &why), BOOKING_RULES_DEFAULT_JSON);
    CHECK_STR(canon(a, BOOKING_RULES_DEFAULT_JSON, &why), BOOKING_RULES_DEFAULT_JSON);
    CHECK(booking_rules_parse(a, J(a, "{}"), &r, &why) == 0);
    CHECK(same_rules(&r, &booking_rules_default));
    CHECK(booking_rules_parse(a, J(a, BOOKING_RULES_DEFAULT_JSON), &r, &why) == 0);
    CHECK(same_rules(&r, &booking_rules_default));
    CHECK(booking_rules_default.horizon_days == 365);
    CHECK(booking_rules_default.vip_horizon_days == 540);
    CHECK(booking_rules_default.max_hours_per_month == 20);
    CHECK(booking_rules_default.vip_max_hours_per_month == 40);
    CHECK(booking_rules_default.max_open_bookings == 20);
    CHECK(booking_rules_default.vip_max_open_bookings == 40);
    CHECK(booking_rules_default.max_booking_minutes == 480);
    CHECK(booking_rules_default.grace_minutes == 15);
    CHECK(booking_rules_default.offer_minutes == 120);
    CHECK(booking_rules_default.release_no_shows == true);
    CHECK(booking_rules_default.approval == APPROVAL_NONE);

    /* A partial object keeps the defaults for what it leaves out. */
    CHECK(booking_rules_parse(a, J(a, "{\"horizon_days\":30,\"approval\":\"all\"}"), &r, &why) ==
          0);
    struct booking_rules want = booking_rules_default;
    want.horizon_days = 30;
    want.approval = APPROVAL_ALL;
    CHECK(same_rules(&r, &want));
    CHECK_STR(canon(a, "{\"grace_minutes\":0,\"release_no_shows\":false}", &why),
              "{\"horizon_days\":365,\"vip_horizon_days\":540,\"max_hours_per_month\":20,"
              "\"vip_max_hours_per_month\":40,\"max_open_bookings\":20,"
              "\"vip_max_open_bookings\":40,\"max_booking_minutes\":480,\"grace_minutes\":0,"
              "\"offer_minutes\":120,\"release_no_shows\":false,\"approval\":\"none\"}");

    /* Every key set, in another order: canon writes its own order. */
    const char *full = "{\"approval\":\"outsiders\",\"release_no_shows\":false,"
                       "\"offer_minutes\":5,\"grace_minutes\":240,\"max_booking_minutes\":15,"
                       "\"vip_max_open_bookings\":1000,\"max_open_bookings\":1,"
                       "\"vip_max_hours_per_month\":744,\"max_hours_per_month\":1,"
                       "\"vip_horizon_days\":3660,\"horizon_days\":1}";
    const char *full_canon =
        "{\"horizon_days\":1,\"vip_horizon_days\":3660,\"max_hours_per_month\":1,"
        "\"vip_max_hours_per_month\":744,\"max_open_bookings\":1,\"vip_max_open_bookings\":1000,"
        "\"max_booking_minutes\":15,\"grace_minutes\":240,\"offer_minutes\":5,"
        "\"release_no_shows\":false,\"approval\":\"outsiders\"}";
    CHECK_STR(canon(a, full, &why), full_canon);
    CHECK_STR(canon(a, full_canon, &why), full_canon); /* a fixed point */
    CHECK(booking_rules_parse(a, J(a, full), &r, &why) == 0);
    CHECK(r.horizon_days == 1 && r.vip_horizon_days == 3660 && r.max_hours_per_month == 1 &&
          r.vip_max_hours_per_month == 744 && r.max_open_bookings == 1 &&
          r.vip_max_open_bookings == 1000 && r.max_booking_minutes == 15 &&
          r.grace_minutes == 240 && r.offer_minutes == 5 && !r.release_no_shows &&
          r.approval == APPROVAL_OUTSIDERS);

    /* The stored text: what canon wrote, partial text, and garbage (which gives defaults). */
    booking_rules_from_text(a, full_canon, &r);
    CHECK(r.horizon_days == 1 && r.approval == APPROVAL_OUTSIDERS && !r.release_no_shows);
    booking_rules_from_text(a, "{\"offer_minutes\":60}", &r);
    want = booking_rules_default;
    want.offer_minutes = 60;
    CHECK(same_rules(&r, &want));
    const char *garbage[] = {
        "garbage",
        "",
        "{",
        "[1,2]",
        "42",
        "null",
        "\"x\"",
        "{\"horizon_days\":0}",
        "{\"horizon_days\":30,\"bogus\":1}",
        "{\"horizon_days\":30,\"approval\":\"maybe\"}",
        "{\"horizon_days\":600}",
    };
    for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
        memset(&r, 0x5a, sizeof(r));
        booking_rules_from_text(a, garbage[i], &r);
        if (!same_rules(&r, &booking_rules_default))
            fprintf(stderr, "  from_text(%s) is not the defaults\n", garbage[i]);
        CHECK(same_rules(&r, &booking_rules_default));
    }
    memset(&r, 0x5a, sizeof(r));
    booking_rules_from_text(a, NULL, &r);
    CHECK(same_rules(&r, &booking_rules_default));

    /* The names of approval, in enum order. */
    CHECK_STR(approval_names[APPROVAL_NONE], "none");
    CHECK_STR(approval_names[APPROVAL_ALL], "all");
    CHECK_STR(approval_names[APPROVAL_OUTSIDERS], "outsiders");
    CHECK(approval_names[3] == NULL);
    CHECK(booking_rules_parse(a, J(a, "{\"approval\":\"none\"}"), &r, &why) == 0 &&
          r.approval == APPROVAL_NONE);
    CHECK(booking_rules_parse(a, J(a, "{\"approval\":\"all\"}"), &r, &why) == 0 &&
          r.approval == APPROVAL_ALL);
    CHECK(booking_rules_parse(a, J(a, "{\"approval\":\"outsiders\"}"), &r, &why) == 0 &&
          r.approval == APPROVAL_OUTSIDERS);
    CHECK_STR(canon(a, "{\"approval\":\"all\"}", &why),
              "{\"horizon_days\":365,\"vip_horizon_days\":540,\"max_hours_per_month\":20,"
              "\"vip_max_hours_per_month\":40,\"max_open_bookings\":20,"
              "\"vip_max_open_bookings\":40,\"max_booking_minutes\":480,\"grace_minutes\":15,"
              "\"offer_minutes\":120,\"release_no_shows\":true,\"approval\":\"all\"}");
    CHECK(parse_refused(a, "{\"approval\":\"ALL\"}", "approval"));
    CHECK(parse_refused(a, "{\"approval\":\"\"}", "approval"));
    CHECK(parse_refused(a, "{\"approval\":\"nonesuch\"}", "approval"));
    CHECK(parse_refused(a, "{\"approval\":1}", "approval"));
    CHECK(parse_refused(a, "{\"approval\":null}", "approval"));

    CHECK(booking_rules_parse(a, J(a, "{\"release_no_shows\":false}"), &r, &why) == 0 &&
          !r.release_no_shows);
    CHECK(booking_rules_parse(a, J(a, "{\"release_no_shows\":true}"), &r, &why) == 0 &&
          r.release_no_shows);
    CHECK(parse_refused(a, "{\"release_no_shows\":1}", "release_no_shows"));
    CHECK(parse_refused(a, "{\"release_no_shows\":\"true\"}", "release_no_shows"));
    CHECK(parse_refused(a, "{\"release_no_shows\":null}", "release_no_shows"));
}

static void test_settings_refusals(struct arena *a)
{
    const char *why;
    struct booking_rules r;
    char text[256];

    /* Not an object at all. */
    CHECK(parse_refused(a, "[]", "object"));
    CHECK(parse_refused(a, "null", "object"));
    CHECK(parse_refused(a, "\"{}\"", "object"));
    CHECK(parse_refused(a, "365", "object"));

    /* Unknown keys, also near-misses of known ones. */
    CHECK(parse_refused(a, "{\"bogus\":1}", "bogus"));
    CHECK(parse_refused(a, "{\"Horizon_days\":30}", "Horizon_days"));
    CHECK(parse_refused(a, "{\"horizon_days\":30,\"horizon\":30}", "\"horizon\""));
    CHECK(parse_refused(a, "{\"\":1}", "unknown setting"));

    /* Each bound: min and max are taken, min - 1 and max + 1 refused, naming the key. */
    for (size_t i = 0; i < sizeof(bounds) / sizeof(bounds[0]); i++) {
        const char *k = bounds[i].key, *p = bounds[i].partner;
        int vals[2] = {bounds[i].min, bounds[i].max};
        for (int j = 0; j < 2; j++) {
            /* the partner goes along so that vip_ stays at or above the others */
            if (p)
                snprintf(text, sizeof(text), "{\"%s\":%d,\"%s\":%d}", k, vals[j], p, vals[j]);
            else
                snprintf(text, sizeof(text), "{\"%s\":%d}", k, vals[j]);
            int rc = booking_rules_parse(a, J(a, text), &r, &why);
            if (rc != 0)
                fprintf(stderr, "  %s refused: %s\n", text, why);
            CHECK(rc == 0 && field_of(&r, bounds[i].offset) == vals[j]);
            const char *c = canon(a, text, &why);
            snprintf(text, sizeof(text), "\"%s\":%d,", k, vals[j]);
            CHECK(c && strstr(c, text));
        }
        char name[64];
        snprintf(name, sizeof(name), "%s must be an integer from %d to %d", k, bounds[i].min,
                 bounds[i].max);
        snprintf(text, sizeof(text), "{\"%s\":%d}", k, bounds[i].min - 1);
        CHECK(parse_refused(a, text, name));
        snprintf(text, sizeof(text), "{\"%s\":%d}", k, bounds[i].max + 1);
        CHECK(parse_refused(a, text, name));
        snprintf(text, sizeof(text), "{\"%s\":4294967296000}", k); /* beyond int */
        CHECK(parse_refused(a, text, name));
        snprintf(text, sizeof(text), "{\"%s\":-4294967296000}", k);
        CHECK(parse_refused(a, text, name));
        snprintf(text, sizeof(text), "{\"%s\":\"30\"}", k);
        CHECK(parse_refused(a, text, name));
        snprintf(text, sizeof(text), "{\"%s\":30.0}", k);
        CHECK(parse_refused(a, text, name));
        snprintf(text, sizeof(text), "{\"%s\":true}", k);
        CHECK(parse_refused(a, text, name));
        snprintf(text, sizeof(text), "{\"%s\":null}", k);
        CHECK(parse_refused(a, text, name));
    }
    /* One message in full. */
    CHECK(booking_rules_parse(a, J(a, "{\"horizon_days\":0}"), &r, &why) == -1);
    CHECK_STR(why, "horizon_days must be an integer from 1 to 3660");
    CHECK(booking_rules_parse(a, J(a, "{\"max_booking_minutes\":1441}"), &r, &why) == -1);
    CHECK_STR(why, "max_booking_minutes must be an integer from 15 to 1440");

    /* A partner's (vip_) setting may equal the others' but not fall below it, whether the
     * vip_ value was given or the default was kept. */
    CHECK(parse_refused(a, "{\"horizon_days\":100,\"vip_horizon_days\":99}", "vip_"));
    CHECK(booking_rules_parse(a, J(a, "{\"horizon_days\":100,\"vip_horizon_days\":100}"), &r,
                              &why) == 0);
    CHECK(parse_refused(a, "{\"horizon_days\":541}", "vip_"));
    CHECK(booking_rules_parse(a, J(a, "{\"horizon_days\":540}"), &r, &why) == 0);
    CHECK(parse_refused(a, "{\"vip_horizon_days\":364}", "vip_"));
    CHECK(parse_refused(a, "{\"max_hours_per_month\":10,\"vip_max_hours_per_month\":9}", "vip_"));
    CHECK(parse_refused(a, "{\"max_hours_per_month\":41}", "vip_"));
    CHECK(parse_refused(a, "{\"vip_max_hours_per_month\":19}", "vip_"));
    CHECK(booking_rules_parse(a, J(a, "{\"vip_max_hours_per_month\":20}"), &r, &why) == 0);
    CHECK(parse_refused(a, "{\"max_open_bookings\":5,\"vip_max_open_bookings\":4}", "vip_"));
    CHECK(parse_refused(a, "{\"vip_max_open_bookings\":19}", "vip_"));
    CHECK(booking_rules_parse(a, J(a, "{\"max_open_bookings\":40}"), &r, &why) == 0);
}

/* ---- the rules of one booking ---- */

struct verdict {
    int rc;
    struct error err;
};

/* Whether v refused with kind ERR_RULE, rule 'rule', at 'pointer'. */
static bool refused_by(const struct verdict *v, const char *rule, const char *pointer)
{
    const struct error *e = &v->err;
    if (v->rc == -1 && e->kind == ERR_RULE && e->rule && strcmp(e->rule, rule) == 0 &&
        e->nfields == 1 && e->fields[0].pointer && strcmp(e->fields[0].pointer, pointer) == 0)
        return true;
    fprintf(stderr, "  want rule %s at %s; got rc %d kind %d rule %s pointer %s detail %s\n", rule,
            pointer, v->rc, (int)e->kind, e->rule ? e->rule : "(null)",
            e->nfields && e->fields[0].pointer ? e->fields[0].pointer : "(none)",
            e->nfields ? e->fields[0].detail : "(none)");
    return false;
}

static bool accepted(const struct verdict *v)
{
    if (v->rc == 0 && v->err.kind == ERR_NONE && v->err.rule == NULL && v->err.nfields == 0)
        return true;
    fprintf(stderr, "  want accepted; got rc %d rule %s detail %s\n", v->rc,
            v->err.rule ? v->err.rule : "(null)", v->err.nfields ? v->err.fields[0].detail : "");
    return false;
}

static struct verdict check_times(struct arena *a, const struct booking_rules *r,
                                  const struct standing *s, int64_t start, int64_t end, int64_t now)
{
    struct verdict v;
    error_init(&v.err, a);
    v.rc = rule_check_times(r, s, start, end, now, &v.err);
    return v;
}

static void test_times(struct arena *a)
{
    const struct booking_rules *r = &booking_rules_default;
    struct standing plain = {0}, vip = {.vip = true}, house = {.house = true, .insider = true};
    int64_t now = unit_time("2026-03-02T10:00:00+08:00");
    int64_t t0 = unit_time("2026-03-10T14:00:00+08:00");
    struct verdict v;

    v = check_times(a, r, &plain, t0, t0 + HOUR, now);
    CHECK(accepted(&v));

    /* order: end at or before start, before anything else */
    v = check_times(a, r, &plain, t0, t0, now);
    CHECK(refused_by(&v, "order", "/end"));
    v = check_times(a, r, &plain, t0, t0 - MINUTE, now);
    CHECK(refused_by(&v, "order", "/end"));
    v = check_times(a, r, &plain, t0 + 30, t0 + 10, now); /* also not whole minutes */
    CHECK(refused_by(&v, "order", "/end"));
    v = check_times(a, r, &plain, now - DAY, now - DAY - HOUR, now); /* also in the past */
    CHECK(refused_by(&v, "order", "/end"));

    /* whole minutes, at whichever end is not */
    v = check_times(a, r, &plain, t0 + 30, t0 + HOUR, now);
    CHECK(refused_by(&v, "whole_minutes", "/start"));
    v = check_times(a, r, &plain, t0, t0 + HOUR + 1, now);
    CHECK(refused_by(&v, "whole_minutes", "/end"));
    v = check_times(a, r, &plain, t0 + 1, t0 + HOUR + 1, now);
    CHECK(refused_by(&v, "whole_minutes", "/start"));
    v = check_times(a, r, &plain, now - HOUR + 1, now, now); /* before being in the past */
    CHECK(refused_by(&v, "whole_minutes", "/start"));

    /* past: start == now is allowed, a minute before is not */
    v = check_times(a, r, &plain, now, now + HOUR, now);
    CHECK(accepted(&v));
    v = check_times(a, r, &plain, now - MINUTE, now + HOUR, now);
    CHECK(refused_by(&v, "past", "/start"));
    CHECK(v.err.nfields == 1 && strstr(v.err.fields[0].detail, "2026-03-02T10:00:00+08:00"));
    v = check_times(a, r, &plain, now + 30 - MINUTE, now + 30 + HOUR,
                    now + 30); /* now mid-minute */
    CHECK(refused_by(&v, "whole_minutes", "/start"));
    v = check_times(a, r, &plain, now, now + HOUR, now + 30);
    CHECK(refused_by(&v, "past", "/start"));
    v = check_times(a, r, &plain, now + MINUTE, now + HOUR, now + 30);
    CHECK(accepted(&v));
    v = check_times(a, r, &house, now - DAY, now - DAY + HOUR, now); /* nobody books the past */
    CHECK(refused_by(&v, "past", "/start"));

    /* length: max_booking_minutes exactly, and a minute more */
    v = check_times(a, r, &plain, t0, t0 + 480 * MINUTE, now);
    CHECK(accepted(&v));
    v = check_times(a, r, &plain, t0, t0 + 481 * MINUTE, now);
    CHECK(refused_by(&v, "length", "/end"));
    CHECK(v.err.nfields == 1 && strstr(v.err.fields[0].detail, "480 minutes"));
    v = check_times(a, r, &vip, t0, t0 + 481 * MINUTE, now); /* no vip length */
    CHECK(refused_by(&v, "length", "/end"));
    struct booking_rules shortr = booking_rules_default;
    shortr.max_booking_minutes = 15;
    v = check_times(a, &shortr, &plain, t0, t0 + 15 * MINUTE, now);
    CHECK(accepted(&v));
    v = check_times(a, &shortr, &plain, t0, t0 + 16 * MINUTE, now);
    CHECK(refused_by(&v, "length", "/end"));
    shortr.max_booking_minutes = 1440;
    v = check_times(a, &shortr, &plain, t0, t0 + DAY, now);
    CHECK(accepted(&v));
    v = check_times(a, &shortr, &plain, t0, t0 + DAY + MINUTE, now);
    CHECK(refused_by(&v, "length", "/end"));

    /* horizon: start == now + horizon is allowed, a minute later is not */
    v = check_times(a, r, &plain, now + 365 * (int64_t)DAY, now + 365 * (int64_t)DAY + HOUR, now);
    CHECK(accepted(&v));
    v = check_times(a, r, &plain, now + 365 * (int64_t)DAY + MINUTE,
                    now + 365 * (int64_t)DAY + HOUR, now);
    CHECK(refused_by(&v, "horizon", "/start"));
    CHECK(v.err.nfields == 1 && strstr(v.err.fields[0].detail, "365 days") &&
          !strstr(v.err.fields[0].detail, "partner"));
    v = check_times(a, r, &house, now + 366 * (int64_t)DAY, now + 366 * (int64_t)DAY + HOUR, now);
    CHECK(refused_by(&v, "horizon", "/start")); /* the house is not a partner */
    /* a partner books as far as vip_horizon_days */
    v = check_times(a, r, &vip, now + 366 * (int64_t)DAY, now + 366 * (int64_t)DAY + HOUR, now);
    CHECK(accepted(&v));
    v = check_times(a, r, &vip, now + 540 * (int64_t)DAY, now + 540 * (int64_t)DAY + HOUR, now);
    CHECK(accepted(&v));
    v = check_times(a, r, &vip, now + 540 * (int64_t)DAY + MINUTE, now + 540 * (int64_t)DAY + HOUR,
                    now);
    CHECK(refused_by(&v, "horizon", "/start"));
    CHECK(v.err.nfields == 1 && strstr(v.err.fields[0].detail, "540 days") &&
          strstr(v.err.fields[0].detail, "co-building partners"));
    struct booking_rules nearr = booking_rules_default;
    nearr.horizon_days = 1;
    nearr.vip_horizon_days = 2;
    v = check_times(a, &nearr, &plain, now + DAY, now + DAY + HOUR, now);
    CHECK(accepted(&v));
    v = check_times(a, &nearr, &plain, now + DAY + MINUTE, now + DAY + HOUR, now);
    CHECK(refused_by(&v, "horizon", "/start"));
    v = check_times(a, &nearr, &vip, now + 2 * DAY, now + 2 * DAY + HOUR, now);
    CHECK(accepted(&v));
    v = check_times(a, &nearr, &vip, now + 2 * DAY + MINUTE, now + 2 * DAY + HOUR, now);
    CHECK(refused_by(&v, "horizon", "/start"));
    /* the horizon is on the start: a booking may end past it */
    v = check_times(a, &nearr, &plain, now + DAY, now + DAY + 8 * HOUR, now);
    CHECK(accepted(&v));

    /* Without an arena the rule is still named (details are not kept). */
    struct error e;
    error_init(&e, NULL);
    CHECK(rule_check_times(r, &plain, now - MINUTE, now + HOUR, now, &e) == -1);
    CHECK_STR(e.rule, "past");
    error_init(&e, NULL);
    CHECK(rule_check_times(r, &vip, now + 600 * (int64_t)DAY, now + 600 * (int64_t)DAY + HOUR, now,
                           &e) == -1);
    CHECK_STR(e.rule, "horizon");
}

static void test_hours_capacity(struct arena *a)
{
    const char *why;
    struct week_hours h;
    CHECK(hours_parse(a,
                      J(a, "[{\"day\":1,\"open\":\"09:00\",\"close\":\"12:00\"},"
                           "{\"day\":1,\"open\":\"18:00\",\"close\":\"24:00\"},"
                           "{\"day\":2,\"open\":\"00:00\",\"close\":\"02:00\"}]"),
                      &h, &why) == 0);
    struct verdict v;
#define HOURS(s, e)                                                                                \
    (error_init(&v.err, a), v.rc = rule_check_hours(&h, unit_time(s), unit_time(e), &v.err), &v)
    CHECK(accepted(HOURS("2026-03-02T09:00:00+08:00", "2026-03-02T12:00:00+08:00")));
    CHECK(accepted(HOURS("2026-03-02T10:00:00+08:00", "2026-03-02T11:00:00+08:00")));
    CHECK(accepted(HOURS("2026-03-02T23:00:00+08:00", "2026-03-03T00:00:00+08:00")));
    CHECK(accepted(HOURS("2026-03-03T00:00:00+08:00", "2026-03-03T02:00:00+08:00")));
    CHECK(accepted(HOURS("2026-03-09T09:00:00+08:00", "2026-03-09T10:00:00+08:00")));
    CHECK(refused_by(HOURS("2026-03-02T08:59:00+08:00", "2026-03-02T10:00:00+08:00"),
                     "opening_hours", "/start"));
    CHECK(refused_by(HOURS("2026-03-02T11:00:00+08:00", "2026-03-02T12:01:00+08:00"),
                     "opening_hours", "/start"));
    CHECK(refused_by(HOURS("2026-03-02T11:00:00+08:00", "2026-03-02T19:00:00+08:00"),
                     "opening_hours", "/start")); /* across the closed afternoon */
    CHECK(refused_by(HOURS("2026-03-03T01:00:00+08:00", "2026-03-03T02:01:00+08:00"),
                     "opening_hours", "/start"));
    CHECK(refused_by(HOURS("2026-03-08T10:00:00+08:00", "2026-03-08T11:00:00+08:00"),
                     "opening_hours", "/start")); /* Sunday */
    /* 09:00 local Monday is 01:00 UTC Monday; 09:00 UTC Monday is 17:00 local: closed */
    CHECK(refused_by(HOURS("2026-03-02T09:00:00Z", "2026-03-02T10:00:00Z"), "opening_hours",
                     "/start"));
    CHECK(refused_by(HOURS("2026-03-02T10:00:00+08:00", "2026-03-02T10:00:00+08:00"),
                     "opening_hours", "/start"));
    /* Spans that meet are one opening, as slots_open joins them: open across midnight, a
     * booking may run across it; one minute past the Tuesday span's close may not. */
    CHECK(accepted(HOURS("2026-03-02T23:00:00+08:00", "2026-03-03T01:00:00+08:00")));
    CHECK(refused_by(HOURS("2026-03-02T23:00:00+08:00", "2026-03-03T02:01:00+08:00"),
                     "opening_hours", "/start"));
#undef HOURS

    error_init(&v.err, a);
    v.rc = rule_check_capacity(12, 12, &v.err);
    CHECK(accepted(&v));
    error_init(&v.err, a);
    v.rc = rule_check_capacity(1, 12, &v.err);
    CHECK(accepted(&v));
    error_init(&v.err, a);
    v.rc = rule_check_capacity(13, 12, &v.err);
    CHECK(refused_by(&v, "capacity", "/attendance"));
    CHECK(v.err.nfields == 1 && strstr(v.err.fields[0].detail, "at most 12 people"));
    error_init(&v.err, a);
    v.rc = rule_check_capacity(10000000000LL, 9999999999LL, &v.err);
    CHECK(refused_by(&v, "capacity", "/attendance"));
    CHECK(v.err.nfields == 1 && strstr(v.err.fields[0].detail, "9999999999"));
}

/* ---- the rolling month ---- */

static int64_t ov(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
    int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

static int64_t window_sum(const struct held *o, size_t n, int64_t start, int64_t end, int64_t w)
{
    int64_t sum = ov(start, end, w, w + MONTH);
    for (size_t i = 0; i < n; i++)
        sum += ov(o[i].start, o[i].end, w, w + MONTH);
    return sum;
}

/* The true maximum over every window [w, w + 30 days) that shares a second with [start, end),
 * i.e. every integer w in [start - 30 days + 1, end - 1]. With every edge on a multiple of
 * 'grid' (a divisor of 30 days), the sum is linear between grid points, so its maximum is at
 * a grid point or at an end of that range: those are all evaluated. */
static int64_t brute_month(const struct held *o, size_t n, int64_t start, int64_t end, int64_t grid)
{
    int64_t lo = start - MONTH + 1, hi = end - 1;
    int64_t best = window_sum(o, n, start, end, lo);
    int64_t s = window_sum(o, n, start, end, hi);
    if (s > best)
        best = s;
    for (int64_t w = (lo + grid - 1) / grid * grid; w <= hi; w += grid) {
        s = window_sum(o, n, start, end, w);
        if (s > best)
            best = s;
    }
    return best;
}

static void test_worst_month_cases(void)
{
    int64_t s = unit_time("2026-06-10T10:00:00+08:00"), e = s + 2 * HOUR;
    CHECK(rule_worst_month(NULL, 0, s, e) == 2 * HOUR);

    /* ten days before: both in one window */
    struct held o1[] = {{s - 10 * DAY, s - 10 * DAY + 3 * HOUR}};
    CHECK(rule_worst_month(o1, 1, s, e) == 5 * HOUR);
    /* a booking that ends exactly 30 days before the new one starts shares no window */
    struct held o2[] = {{s - MONTH - 3 * HOUR, s - MONTH}};
    CHECK(rule_worst_month(o2, 1, s, e) == 2 * HOUR);
    /* ... nor one that starts exactly 30 days after the new one ends */
    struct held o3[] = {{e + MONTH, e + MONTH + 5 * HOUR}};
    CHECK(rule_worst_month(o3, 1, s, e) == 2 * HOUR);
    /* one straddling the end of the window that starts with the new booking: the part
     * inside counts (any window from s to e - 1 s holds 2 h + 1 h in all) */
    struct held o5[] = {{s + MONTH - HOUR, s + MONTH + 2 * HOUR}};
    CHECK(rule_worst_month(o5, 1, s, e) == 3 * HOUR);
    CHECK(brute_month(o5, 1, s, e, 900) == 3 * HOUR);
    /* 29 days on either side: no window holds both, the worse side wins */
    struct held o6[] = {{s + 29 * DAY, s + 29 * DAY + 3 * HOUR},
                        {s - 29 * DAY, s - 29 * DAY + 2 * HOUR}};
    CHECK(rule_worst_month(o6, 2, s, e) == 5 * HOUR);
    struct held o6r[] = {o6[1], o6[0]};
    CHECK(rule_worst_month(o6r, 2, s, e) == 5 * HOUR);
    /* 14 days on either side: one window holds all three */
    struct held o7[] = {{s + 14 * DAY, s + 14 * DAY + 3 * HOUR},
                        {s - 14 * DAY, s - 14 * DAY + 2 * HOUR}};
    CHECK(rule_worst_month(o7, 2, s, e) == 7 * HOUR);
    /* the same time in another room counts too */
    struct held o8[] = {{s, e}};
    CHECK(rule_worst_month(o8, 1, s, e) == 4 * HOUR);

    /* Bookings of several rooms at once (they overlap one another) at the far edge of the
     * range of windows: the window starting one second after s - 30 days holds 3599 s of each
     * and 1 s of the new booking. */
    int64_t w0 = s - MONTH, n1 = s + HOUR;
    struct held left[] = {{w0 - HOUR, w0 + HOUR}, {w0 - HOUR, w0 + HOUR}};
    int64_t got = rule_worst_month(left, 2, s, n1), want = brute_month(left, 2, s, n1, 900);
    if (got != want)
        fprintf(stderr,
                "  worst month: two bookings [s-30d-1h, s-30d+1h), new [s, s+1h): "
                "want %lld s (window at s-30d+1s), got %lld s\n",
                (long long)want, (long long)got);
    CHECK(want == 2 * 3599 + 1);
    CHECK(got == want);
    /* ... and at the near edge: the window starting one second before the new one ends */
    struct held right[] = {{n1 + MONTH - HOUR, n1 + MONTH + HOUR},
                           {n1 + MONTH - HOUR, n1 + MONTH + HOUR}};
    got = rule_worst_month(right, 2, s, n1), want = brute_month(right, 2, s, n1, 900);
    if (got != want)
        fprintf(stderr,
                "  worst month: two bookings [e+30d-1h, e+30d+1h), new [s, e=s+1h): "
                "want %lld s (window at e-1s), got %lld s\n",
                (long long)want, (long long)got);
    CHECK(want == 2 * 3599 + 1);
    CHECK(got == want);
}

/* Random bookings on a 15-minute grid, compared with the brute force. 'overlapping' lets
 * them overlap one another (several rooms) and crowds some at the edges of the range of
 * windows; otherwise they are disjoint, the new one included (one room). */
static void worst_month_random(bool overlapping, int cases)
{
    const int64_t q = 15 * MINUTE;
    int64_t base = unit_time("2026-06-01T00:00:00+08:00");
    int mismatches = 0;
    for (int c = 0; c < cases; c++) {
        struct held o[24];
        size_t n = 0, want_n = (size_t)rnd(overlapping ? 24 : 16);
        int64_t start = base + rnd(96 * 4) * q, end = start + (1 + rnd(96)) * q;
        for (int tries = 0; n < want_n && tries < 1000; tries++) {
            int64_t len = (1 + rnd(96)) * q, s0;
            int pick = (int)rnd(4);
            if (overlapping && pick == 0) /* around start - 30 days */
                s0 = start - MONTH - len + rnd(len / q * 2 + 1) * q;
            else if (overlapping && pick == 1) /* around end + 30 days */
                s0 = end + MONTH - len + rnd(len / q * 2 + 1) * q;
            else
                s0 = start + (rnd(2 * 40 * 96) - 40 * 96) * q;
            struct held b = {s0, s0 + len};
            bool clash = false;
            if (!overlapping) {
                clash = ov(b.start, b.end, start, end) > 0;
                for (size_t i = 0; i < n && !clash; i++)
                    clash = ov(b.start, b.end, o[i].start, o[i].end) > 0;
            }
            if (!clash)
                o[n++] = b;
        }
        int64_t got = rule_worst_month(o, n, start, end);
        int64_t want = brute_month(o, n, start, end, q);
        if (got != want && mismatches++ == 0) {
            fprintf(stderr,
                    "  worst month (%s, case %d): new [%lld, %lld), want %lld got %lld; "
                    "others:",
                    overlapping ? "overlapping" : "disjoint", c, (long long)start, (long long)end,
                    (long long)want, (long long)got);
            for (size_t i = 0; i < n; i++)
                fprintf(stderr, " [%lld,%lld)", (long long)o[i].start, (long long)o[i].end);
            fprintf(stderr, "\n");
        }
        /* the order of the others does not matter */
        for (size_t i = n; i > 1; i--) {
            size_t j = (size_t)rnd((int64_t)i);
            struct held t = o[i - 1];
            o[i - 1] = o[j];
            o[j] = t;
        }
        CHECK(rule_worst_month(o, n, start, end) == got);
    }
    if (mismatches)
        fprintf(stderr, "  worst month (%s): %d of %d random cases differ from brute force\n",
                overlapping ? "overlapping" : "disjoint", mismatches, cases);
    CHECK(mismatches == 0);
}

static void test_quota(struct arena *a)
{
    const struct booking_rules *r = &booking_rules_default;
    struct standing plain = {0}, vip = {.vip = true}, house = {.house = true, .insider = true};
    int64_t s = unit_time("2026-06-10T10:00:00+08:00");
    struct verdict v;
#define QUOTA(st, o, n, open, start, end)                                                          \
    (error_init(&v.err, a),                                                                        \
     v.rc = rule_check_quota(r, (st), (o), (n), (open), (start), (end), &v.err), &v)
    struct held nine_and_ten[] = {{s - 10 * DAY, s - 10 * DAY + 10 * HOUR},
                                  {s + 10 * DAY, s + 10 * DAY + 9 * HOUR}};
    /* hours: 19 held, one more is 20 = the limit; two more are 21 */
    CHECK(accepted(QUOTA(&plain, nine_and_ten, 2, 2, s, s + HOUR)));
    CHECK(refused_by(QUOTA(&plain, nine_and_ten, 2, 2, s, s + 2 * HOUR), "quota_hours", "/org_id"));
    CHECK(v.err.nfields == 1 && strstr(v.err.fields[0].detail, "21.0 hours") &&
          strstr(v.err.fields[0].detail, "allows 20"));
    CHECK(accepted(QUOTA(&vip, nine_and_ten, 2, 2, s, s + 2 * HOUR)));
    CHECK(accepted(QUOTA(&house, nine_and_ten, 2, 2, s, s + 8 * HOUR)));
    /* 21 hours, but 40 days apart, so never 21 in one window */
    struct held apart[] = {{s - 40 * DAY, s - 40 * DAY + 10 * HOUR},
                           {s + 10 * DAY, s + 10 * DAY + 9 * HOUR}};
    CHECK(accepted(QUOTA(&plain, apart, 2, 1, s, s + 2 * HOUR)));
    /* vip: 40 hours */
    struct held many[5];
    for (int i = 0; i < 5; i++)
        many[i] = (struct held){s + (i + 1) * DAY, s + (i + 1) * DAY + 8 * HOUR}; /* 40 h */
    CHECK(refused_by(QUOTA(&plain, many, 5, 5, s, s + 15 * MINUTE), "quota_hours", "/org_id"));
    CHECK(refused_by(QUOTA(&vip, many, 5, 5, s, s + 15 * MINUTE), "quota_hours", "/org_id"));
    CHECK(v.err.nfields == 1 && strstr(v.err.fields[0].detail, "allows 40"));
    CHECK(accepted(QUOTA(&vip, many, 4, 4, s, s + 8 * HOUR)));
    CHECK(accepted(QUOTA(&house, many, 5, 5, s, s + 8 * HOUR)));

    /* open bookings: the new one counts */
    CHECK(accepted(QUOTA(&plain, NULL, 0, 19, s, s + HOUR)));
    CHECK(refused_by(QUOTA(&plain, NULL, 0, 20, s, s + HOUR), "quota_open", "/org_id"));
    CHECK(v.err.nfields == 1 && strstr(v.err.fields[0].detail, "holds 20 bookings") &&
          strstr(v.err.fields[0].detail, "allows 20"));
    CHECK(accepted(QUOTA(&vip, NULL, 0, 39, s, s + HOUR)));
    CHECK(refused_by(QUOTA(&vip, NULL, 0, 40, s, s + HOUR), "quota_open", "/org_id"));
    CHECK(accepted(QUOTA(&house, NULL, 0, 100000, s, s + HOUR)));
    /* both broken: the open count is named */
    CHECK(refused_by(QUOTA(&plain, many, 5, 20, s, s + 8 * HOUR), "quota_open", "/org_id"));
    struct booking_rules one = booking_rules_default;
    one.max_open_bookings = 1;
    one.max_hours_per_month = 1;
    r = &one;
    CHECK(accepted(QUOTA(&plain, NULL, 0, 0, s, s + HOUR)));
    CHECK(refused_by(QUOTA(&plain, NULL, 0, 1, s, s + HOUR), "quota_open", "/org_id"));
    CHECK(refused_by(QUOTA(&plain, NULL, 0, 0, s, s + HOUR + MINUTE), "quota_hours", "/org_id"));

    /* Three rooms held at once, 30 days back: the window starting a second after s - 30 days
     * holds nearly 24 hours (3 x 8 h less 2 s, as the brute force says), over the 20 allowed;
     * the new booking is 8 hours. */
    r = &booking_rules_default;
    int64_t w0 = s - MONTH;
    struct held rooms[] = {{w0 - 2 * HOUR, w0 + 8 * HOUR},
                           {w0 - 2 * HOUR, w0 + 8 * HOUR},
                           {w0 - 2 * HOUR, w0 + 8 * HOUR}};
    CHECK(brute_month(rooms, 3, s, s + 8 * HOUR, 900) == 24 * HOUR - 2);
    CHECK(refused_by(QUOTA(&plain, rooms, 3, 0, s, s + 8 * HOUR), "quota_hours", "/org_id"));
#undef QUOTA
}

void test_booking_rules(void)
{
    struct arena *a = arena_new(0);
    test_settings_defaults(a);
    test_settings_refusals(a);
    test_times(a);
    test_hours_capacity(a);
    test_worst_month_cases();
    rng_state = 20260610;
    worst_month_random(false, 300);
    worst_month_random(true, 300);
    test_quota(a);
    arena_free(a);
}

/* ---- free time ---- */

/* Whether got[0..n) is want[0..nwant); says what differs, in local time. */
static bool same_intervals(struct arena *a, const struct interval *got, size_t n,
                           const struct interval *want, size_t nwant)
{
    bool same = n == nwant;
    for (size_t i = 0; same && i < n; i++)
        same = got[i].start == want[i].start && got[i].end == want[i].end;
    if (same)
        return true;
    fprintf(stderr, "  got %zu:", n);
    for (size_t i = 0; i < n; i++)
        fprintf(stderr, " [%s, %s)", rfc3339_local(a, got[i].start), rfc3339_local(a, got[i].end));
    fprintf(stderr, "\n  want %zu:", nwant);
    for (size_t i = 0; i < nwant; i++)
        fprintf(stderr, " [%s, %s)", rfc3339_local(a, want[i].start),
                rfc3339_local(a, want[i].end));
    fprintf(stderr, "\n");
    return false;
}

static struct week_hours hours_of(struct arena *a, const char *json)
{
    struct week_hours h;
    const char *why;
    if (hours_parse(a, J(a, json), &h, &why) != 0)
        abort();
    return h;
}

#define N(v) (sizeof(v) / sizeof((v)[0]))

static void test_slots_open(struct arena *a)
{
    /* Monday morning and evening, the evening running on to 02:00 Tuesday; Tuesday to
     * Saturday days; Sunday closed. Given out of order: hours_parse sorts. */
    struct week_hours h = hours_of(a, "[{\"day\":2,\"open\":\"00:00\",\"close\":\"02:00\"},"
                                      "{\"day\":1,\"open\":\"18:00\",\"close\":\"24:00\"},"
                                      "{\"day\":1,\"open\":\"09:00\",\"close\":\"12:00\"},"
                                      "{\"day\":2,\"open\":\"09:00\",\"close\":\"17:00\"},"
                                      "{\"day\":3,\"open\":\"09:00\",\"close\":\"17:00\"},"
                                      "{\"day\":4,\"open\":\"09:00\",\"close\":\"17:00\"},"
                                      "{\"day\":5,\"open\":\"09:00\",\"close\":\"17:00\"},"
                                      "{\"day\":6,\"open\":\"10:00\",\"close\":\"16:00\"}]");
    int64_t m = unit_time("2026-03-02T00:00:00+08:00"); /* a Monday */
    struct interval week[] = {
        {m + 9 * HOUR, m + 12 * HOUR},
        {m + 18 * HOUR, m + DAY + 2 * HOUR}, /* joined across midnight */
        {m + DAY + 9 * HOUR, m + DAY + 17 * HOUR},
        {m + 2 * DAY + 9 * HOUR, m + 2 * DAY + 17 * HOUR},
        {m + 3 * DAY + 9 * HOUR, m + 3 * DAY + 17 * HOUR},
        {m + 4 * DAY + 9 * HOUR, m + 4 * DAY + 17 * HOUR},
        {m + 5 * DAY + 10 * HOUR, m + 5 * DAY + 16 * HOUR},
    };
    struct interval out[32];
    size_t n = slots_open(&h, m, m + 7 * DAY, out, N(out));
    CHECK(same_intervals(a, out, n, week, N(week)));
    CHECK(n == 7 && strcmp(rfc3339_local(a, out[1].start), "2026-03-02T18:00:00+08:00") == 0 &&
          strcmp(rfc3339_local(a, out[1].end), "2026-03-03T02:00:00+08:00") == 0);
    /* Sunday alone: closed */
    CHECK(slots_open(&h, m + 6 * DAY, m + 7 * DAY, out, N(out)) == 0);
    /* two weeks: the pattern repeats */
    n = slots_open(&h, m, m + 14 * DAY, out, N(out));
    CHECK(n == 14);
    for (size_t i = 0; n == 14 && i < 7; i++)
        CHECK(out[i + 7].start == week[i].start + 7 * DAY &&
              out[i + 7].end == week[i].end + 7 * DAY);
    /* a week starting on a Wednesday noon runs to the next Wednesday noon */
    n = slots_open(&h, m + 2 * DAY + 12 * HOUR, m + 9 * DAY + 12 * HOUR, out, N(out));
    struct interval wed[] = {
        {m + 2 * DAY + 12 * HOUR, m + 2 * DAY + 17 * HOUR},
        week[4],
        week[5],
        week[6],
        {week[0].start + 7 * DAY, week[0].end + 7 * DAY},
        {week[1].start + 7 * DAY, week[1].end + 7 * DAY},
        {week[2].start + 7 * DAY, week[2].end + 7 * DAY},
        {m + 9 * DAY + 9 * HOUR, m + 9 * DAY + 12 * HOUR},
    };
    CHECK(same_intervals(a, out, n, wed, N(wed)));

    /* from and to cut spans */
    n = slots_open(&h, m + 10 * HOUR, m + DAY + HOUR, out, N(out));
    struct interval cut[] = {{m + 10 * HOUR, m + 12 * HOUR}, {m + 18 * HOUR, m + DAY + HOUR}};
    CHECK(same_intervals(a, out, n, cut, N(cut)));
    n = slots_open(&h, m + DAY + HOUR, m + DAY + 10 * HOUR, out, N(out));
    struct interval cut2[] = {{m + DAY + HOUR, m + DAY + 2 * HOUR},
                              {m + DAY + 9 * HOUR, m + DAY + 10 * HOUR}};
    CHECK(same_intervals(a, out, n, cut2, N(cut2)));
    n = slots_open(&h, m + 23 * HOUR, m + DAY, out, N(out)); /* to at midnight */
    struct interval cut3[] = {{m + 23 * HOUR, m + DAY}};
    CHECK(same_intervals(a, out, n, cut3, N(cut3)));
    n = slots_open(&h, m + DAY, m + DAY + 30 * MINUTE, out, N(out)); /* from at midnight */
    struct interval cut4[] = {{m + DAY, m + DAY + 30 * MINUTE}};
    CHECK(same_intervals(a, out, n, cut4, N(cut4)));
    /* edges that only touch a span give nothing */
    CHECK(slots_open(&h, m + 12 * HOUR, m + 18 * HOUR, out, N(out)) == 0);
    CHECK(slots_open(&h, m, m + 9 * HOUR, out, N(out)) == 0);
    CHECK(slots_open(&h, m + DAY + 2 * HOUR, m + DAY + 9 * HOUR, out, N(out)) == 0);
    n = slots_open(&h, m + 11 * HOUR + 59 * MINUTE, m + 18 * HOUR + MINUTE, out, N(out));
    struct interval cut5[] = {{m + 11 * HOUR + 59 * MINUTE, m + 12 * HOUR},
                              {m + 18 * HOUR, m + 18 * HOUR + MINUTE}};
    CHECK(same_intervals(a, out, n, cut5, N(cut5)));
    /* an empty or reversed range */
    CHECK(slots_open(&h, m + 10 * HOUR, m + 10 * HOUR, out, N(out)) == 0);
    CHECK(slots_open(&h, m + 11 * HOUR, m + 10 * HOUR, out, N(out)) == 0);

    /* The local weekday, not UTC's: 01:00 UTC Monday is 09:00 local Monday. */
    n = slots_open(&h, unit_time("2026-03-02T01:00:00Z"), unit_time("2026-03-02T02:00:00Z"), out,
                   N(out));
    struct interval utc[] = {{m + 9 * HOUR, m + 10 * HOUR}};
    CHECK(same_intervals(a, out, n, utc, N(utc)));

    /* Before 1970 (negative days): 1969-12-29 was a Monday. */
    int64_t m69 = unit_time("1969-12-29T00:00:00+08:00");
    n = slots_open(&h, m69, m69 + 7 * DAY, out, N(out));
    struct interval week69[7];
    for (size_t i = 0; i < 7; i++)
        week69[i] = (struct interval){week[i].start - m + m69, week[i].end - m + m69};
    CHECK(same_intervals(a, out, n, week69, N(week69)));

    /* cap smaller than the count: all are counted, cap written, nothing past it */
    struct interval few[4];
    for (size_t i = 0; i < 4; i++)
        few[i] = (struct interval){-1, -1};
    n = slots_open(&h, m, m + 7 * DAY, few, 3);
    CHECK(n == 7);
    CHECK(same_intervals(a, few, 3, week, 3));
    CHECK(few[3].start == -1 && few[3].end == -1);
    few[1] = (struct interval){-1, -1};
    n = slots_open(&h, m, m + 7 * DAY, few, 2); /* the joined span is the last written */
    CHECK(n == 7);
    CHECK(same_intervals(a, few, 2, week, 2));
    /* Counting (cap 0, as availability.c sizes its array) must give the same count; so must
     * a cap that ends before the span that is joined on. */
    n = slots_open(&h, m, m + 7 * DAY, NULL, 0);
    if (n != 7)
        fprintf(stderr, "  slots_open(Monday week, cap 0): want 7, got %zu\n", n);
    CHECK(n == 7);
    n = slots_open(&h, m, m + 7 * DAY, few, 1);
    if (n != 7)
        fprintf(stderr, "  slots_open(Monday week, cap 1): want 7, got %zu\n", n);
    CHECK(n == 7);
    CHECK(few[0].start == week[0].start && few[0].end == week[0].end);

    /* A station open around the clock: one interval, however many days. */
    struct week_hours all = hours_of(a, "[{\"day\":1,\"open\":\"00:00\",\"close\":\"24:00\"},"
                                        "{\"day\":2,\"open\":\"00:00\",\"close\":\"24:00\"},"
                                        "{\"day\":3,\"open\":\"00:00\",\"close\":\"24:00\"},"
                                        "{\"day\":4,\"open\":\"00:00\",\"close\":\"24:00\"},"
                                        "{\"day\":5,\"open\":\"00:00\",\"close\":\"24:00\"},"
                                        "{\"day\":6,\"open\":\"00:00\",\"close\":\"24:00\"},"
                                        "{\"day\":7,\"open\":\"00:00\",\"close\":\"24:00\"}]");
    n = slots_open(&all, m + 5 * HOUR, m + 20 * DAY + 5 * HOUR, out, N(out));
    struct interval always[] = {{m + 5 * HOUR, m + 20 * DAY + 5 * HOUR}};
    CHECK(same_intervals(a, out, n, always, N(always)));
    n = slots_open(&all, m + 5 * HOUR, m + 20 * DAY + 5 * HOUR, NULL, 0);
    if (n != 1)
        fprintf(stderr, "  slots_open(open 24/7, 20 days, cap 0): want 1, got %zu\n", n);
    CHECK(n == 1);

    /* Sunday night into Monday morning: joined across the end of the week. */
    struct week_hours wrap = hours_of(a, "[{\"day\":7,\"open\":\"22:00\",\"close\":\"24:00\"},"
                                         "{\"day\":1,\"open\":\"00:00\",\"close\":\"06:00\"}]");
    n = slots_open(&wrap, m - DAY, m + DAY, out, N(out));
    struct interval sun[] = {{m - 2 * HOUR, m + 6 * HOUR}};
    CHECK(same_intervals(a, out, n, sun, N(sun)));
    /* Spans of one day that meet are joined as well. */
    struct week_hours meet = hours_of(a, "[{\"day\":1,\"open\":\"09:00\",\"close\":\"12:00\"},"
                                         "{\"day\":1,\"open\":\"12:00\",\"close\":\"13:00\"},"
                                         "{\"day\":1,\"open\":\"14:00\",\"close\":\"15:00\"}]");
    n = slots_open(&meet, m, m + DAY, out, N(out));
    struct interval met[] = {{m + 9 * HOUR, m + 13 * HOUR}, {m + 14 * HOUR, m + 15 * HOUR}};
    CHECK(same_intervals(a, out, n, met, N(met)));
    /* No hours at all: never open. */
    struct week_hours none = hours_of(a, "[]");
    CHECK(slots_open(&none, m, m + 7 * DAY, out, N(out)) == 0);
}

/* The free pieces of open less busy by marking seconds, pieces shorter than min_len dropped.
 * Every open interval lies in [0, 256) and they do not touch. */
static size_t brute_subtract(const struct interval *open, size_t nopen, const struct interval *busy,
                             size_t nbusy, int64_t min_len, struct interval *out)
{
    int state[256] = {0}; /* 0 closed, i + 1 free in open[i] */
    for (size_t i = 0; i < nopen; i++)
        for (int64_t t = open[i].start; t < open[i].end; t++)
            state[t] = (int)i + 1;
    for (size_t i = 0; i < nbusy; i++)
        for (int64_t t = busy[i].start; t < busy[i].end; t++)
            if (t >= 0 && t < 256)
                state[t] = 0;
    size_t n = 0;
    for (int64_t t = 0; t < 256;) {
        if (!state[t]) {
            t++;
            continue;
        }
        int64_t u = t;
        while (u < 256 && state[u] == state[t])
            u++;
        if (u - t >= min_len)
            out[n++] = (struct interval){t, u};
        t = u;
    }
    return n;
}

static void test_slots_subtract(struct arena *a)
{
    struct interval out[64];
    size_t n;
    struct interval open1[] = {{100, 200}};

    n = slots_subtract(open1, 1, NULL, 0, 0, out, N(out));
    CHECK(same_intervals(a, out, n, open1, 1));
    /* busy that only touches the edges takes nothing */
    struct interval touch[] = {{50, 100}, {200, 250}};
    n = slots_subtract(open1, 1, touch, 2, 0, out, N(out));
    CHECK(same_intervals(a, out, n, open1, 1));
    /* busy at the start, at the end, inside */
    struct interval at_start[] = {{100, 130}}, want_s[] = {{130, 200}};
    n = slots_subtract(open1, 1, at_start, 1, 0, out, N(out));
    CHECK(same_intervals(a, out, n, want_s, 1));
    struct interval at_end[] = {{170, 200}}, want_e[] = {{100, 170}};
    n = slots_subtract(open1, 1, at_end, 1, 0, out, N(out));
    CHECK(same_intervals(a, out, n, want_e, 1));
    struct interval inside[] = {{120, 130}}, want_i[] = {{100, 120}, {130, 200}};
    n = slots_subtract(open1, 1, inside, 1, 0, out, N(out));
    CHECK(same_intervals(a, out, n, want_i, 2));
    /* busy over everything, or exactly everything */
    struct interval all[] = {{50, 250}}, exact[] = {{100, 200}};
    CHECK(slots_subtract(open1, 1, all, 1, 0, out, N(out)) == 0);
    CHECK(slots_subtract(open1, 1, exact, 1, 0, out, N(out)) == 0);
    /* busy overlapping one another, one inside another, one starting where one ends */
    struct interval lap[] = {{120, 150}, {130, 140}, {145, 160}, {160, 170}, {185, 190}};
    struct interval want_l[] = {{100, 120}, {170, 185}, {190, 200}};
    n = slots_subtract(open1, 1, lap, N(lap), 0, out, N(out));
    CHECK(same_intervals(a, out, n, want_l, N(want_l)));
    /* a long busy interval over several open ones, with a short one after it by start */
    struct interval open3[] = {{100, 200}, {300, 400}, {500, 600}};
    struct interval wide[] = {{50, 550}, {120, 130}, {560, 570}};
    struct interval want_w[] = {{550, 560}, {570, 600}};
    n = slots_subtract(open3, 3, wide, N(wide), 0, out, N(out));
    CHECK(same_intervals(a, out, n, want_w, N(want_w)));
    struct interval across[] = {{150, 350}}, want_a[] = {{100, 150}, {350, 400}, {500, 600}};
    n = slots_subtract(open3, 3, across, 1, 0, out, N(out));
    CHECK(same_intervals(a, out, n, want_a, N(want_a)));
    struct interval early[] = {{100, 110}, {105, 500}}, want_x[] = {{500, 600}};
    n = slots_subtract(open3, 3, early, 2, 0, out, N(out));
    CHECK(same_intervals(a, out, n, want_x, N(want_x)));
    /* busy outside every open interval */
    struct interval gaps[] = {{0, 100}, {200, 300}, {400, 500}, {600, 700}};
    n = slots_subtract(open3, 3, gaps, N(gaps), 0, out, N(out));
    CHECK(same_intervals(a, out, n, open3, 3));

    /* min_len drops short pieces, keeps those exactly that long */
    struct interval open0[] = {{0, 1000}};
    struct interval b2[] = {{100, 200}, {250, 900}};
    struct interval want_m[] = {{0, 100}, {900, 1000}},
                    want_all[] = {{0, 100}, {200, 250}, {900, 1000}};
    n = slots_subtract(open0, 1, b2, 2, 50, out, N(out));
    CHECK(same_intervals(a, out, n, want_all, 3));
    n = slots_subtract(open0, 1, b2, 2, 51, out, N(out));
    CHECK(same_intervals(a, out, n, want_m, 2));
    n = slots_subtract(open0, 1, b2, 2, 100, out, N(out));
    CHECK(same_intervals(a, out, n, want_m, 2));
    CHECK(slots_subtract(open0, 1, b2, 2, 101, out, N(out)) == 0);
    CHECK(slots_subtract(open0, 1, NULL, 0, 1001, out, N(out)) == 0);
    n = slots_subtract(open0, 1, NULL, 0, 1000, out, N(out));
    CHECK(same_intervals(a, out, n, open0, 1));
    /* cap: at most cap written */
    out[1] = (struct interval){-1, -1};
    n = slots_subtract(open0, 1, b2, 2, 0, out, 1);
    CHECK(n == 1 && out[0].start == 0 && out[0].end == 100 && out[1].start == -1);
    CHECK(slots_subtract(open0, 1, b2, 2, 0, NULL, 0) == 0);

    /* Busy given in any order, sorted by slots_sort first. */
    struct interval mixed[] = {{900, 950}, {100, 150}, {500, 700}, {120, 300}, {650, 800}};
    slots_sort(mixed, N(mixed));
    for (size_t i = 1; i < N(mixed); i++)
        CHECK(mixed[i - 1].start <= mixed[i].start);
    struct interval want_z[] = {{0, 100}, {300, 500}, {800, 900}, {950, 1000}};
    n = slots_subtract(open0, 1, mixed, N(mixed), 0, out, N(out));
    CHECK(same_intervals(a, out, n, want_z, N(want_z)));

    /* Random cases against marking seconds. */
    int mismatches = 0;
    for (int c = 0; c < 400; c++) {
        struct interval open[8], busy[12], want[64];
        size_t nopen = 0, nbusy = (size_t)rnd(13);
        for (int64_t t = rnd(20); t < 250 && nopen < 8; t += 1 + rnd(30)) {
            int64_t e = t + 1 + rnd(60);
            if (e > 255)
                e = 255;
            open[nopen++] = (struct interval){t, e};
            t = e; /* the next starts at least a second later: they do not touch */
        }
        for (size_t i = 0; i < nbusy; i++) {
            int64_t s0 = rnd(270) - 10;
            busy[i] = (struct interval){s0, s0 + 1 + rnd(c % 3 ? 20 : 80)};
        }
        slots_sort(busy, nbusy);
        int64_t min_len = rnd(4) ? rnd(10) : 0;
        size_t got = slots_subtract(open, nopen, busy, nbusy, min_len, out, N(out));
        size_t nw = brute_subtract(open, nopen, busy, nbusy, min_len, want);
        bool same = got == nw;
        for (size_t i = 0; same && i < got; i++)
            same = out[i].start == want[i].start && out[i].end == want[i].end;
        if (!same && mismatches++ == 0) {
            fprintf(stderr, "  slots_subtract case %d differs:\n", c);
            same_intervals(a, out, got, want, nw);
        }
    }
    CHECK(mismatches == 0);
}

static void test_slots_fit(struct arena *a)
{
    int64_t m = unit_time("2026-03-02T00:00:00+08:00");
    int64_t out[64];
    size_t n;
#define AT(i, s) CHECK(n > (i) && strcmp(rfc3339_local(a, out[i]), s) == 0)

    /* A 30-minute grid falls on :00 and :30 local time. */
    struct interval f1[] = {{m + 9 * HOUR + 10 * MINUTE, m + 11 * HOUR}};
    n = slots_fit(f1, 1, 30 * MINUTE, 30 * MINUTE, 0, out, N(out));
    CHECK(n == 3);
    AT(0, "2026-03-02T09:30:00+08:00");
    AT(1, "2026-03-02T10:00:00+08:00");
    AT(2, "2026-03-02T10:30:00+08:00");
    /* a start on the grid is taken; a slot ending exactly at the end fits */
    struct interval f2[] = {{m + 9 * HOUR, m + 10 * HOUR}};
    n = slots_fit(f2, 1, HOUR, 30 * MINUTE, 0, out, N(out));
    CHECK(n == 1);
    AT(0, "2026-03-02T09:00:00+08:00");
    CHECK(slots_fit(f2, 1, HOUR + 1, 30 * MINUTE, 0, out, N(out)) == 0);
    /* len need not be a multiple of the step */
    n = slots_fit(f2, 1, 45 * MINUTE, 15 * MINUTE, 0, out, N(out));
    CHECK(n == 2);
    AT(0, "2026-03-02T09:00:00+08:00");
    AT(1, "2026-03-02T09:15:00+08:00");

    /* A grid that the UTC+8 offset does not divide: 90 minutes from local midnight gives
     * 09:00 and 10:30, where a grid laid in UTC would give 09:30 and 11:00. */
    struct interval f3[] = {{m + 8 * HOUR + 31 * MINUTE, m + 12 * HOUR}};
    n = slots_fit(f3, 1, HOUR, 90 * MINUTE, 0, out, N(out));
    CHECK(n == 2);
    AT(0, "2026-03-02T09:00:00+08:00");
    AT(1, "2026-03-02T10:30:00+08:00");
    /* a day's grid: local midnights */
    struct interval f4[] = {{m - 5 * HOUR, m + 3 * DAY}};
    n = slots_fit(f4, 1, HOUR, DAY, 0, out, N(out));
    CHECK(n == 3);
    AT(0, "2026-03-02T00:00:00+08:00");
    AT(1, "2026-03-03T00:00:00+08:00");
    AT(2, "2026-03-04T00:00:00+08:00");
    /* before 1970 too */
    int64_t m69 = unit_time("1969-12-31T00:00:00+08:00");
    struct interval f5[] = {{m69 + 9 * HOUR + 10 * MINUTE, m69 + 10 * HOUR + 30 * MINUTE}};
    n = slots_fit(f5, 1, 30 * MINUTE, 30 * MINUTE, m69 - DAY, out, N(out));
    CHECK(n == 2);
    AT(0, "1969-12-31T09:30:00+08:00");
    AT(1, "1969-12-31T10:00:00+08:00");
    CHECK(slots_fit(f5, 1, 30 * MINUTE, 30 * MINUTE, 0, out, N(out)) == 0); /* not before 1970 */

    /* not_before: later than the free start moves the first slot; earlier does nothing */
    struct interval f6[] = {{m + 9 * HOUR, m + 12 * HOUR}};
    n = slots_fit(f6, 1, HOUR, 30 * MINUTE, m + 10 * HOUR + 5 * MINUTE, out, N(out));
    CHECK(n == 2);
    AT(0, "2026-03-02T10:30:00+08:00");
    AT(1, "2026-03-02T11:00:00+08:00");
    n = slots_fit(f6, 1, HOUR, 30 * MINUTE, m + 10 * HOUR, out, N(out));
    CHECK(n == 3);
    AT(0, "2026-03-02T10:00:00+08:00");
    n = slots_fit(f6, 1, HOUR, 30 * MINUTE, m, out, N(out));
    CHECK(n == 5);
    AT(0, "2026-03-02T09:00:00+08:00");
    AT(4, "2026-03-02T11:00:00+08:00");
    CHECK(slots_fit(f6, 1, HOUR, 30 * MINUTE, m + 11 * HOUR + 1, out, N(out)) == 0);
    CHECK(slots_fit(f6, 1, HOUR, 30 * MINUTE, m + DAY, out, N(out)) == 0);

    /* several free intervals, in order; too short ones give nothing; cap stops early */
    struct interval f7[] = {{m + 9 * HOUR, m + 10 * HOUR},
                            {m + 10 * HOUR + 40 * MINUTE, m + 11 * HOUR + 30 * MINUTE},
                            {m + 14 * HOUR + 15 * MINUTE, m + 15 * HOUR + 30 * MINUTE},
                            {m + DAY + 9 * HOUR, m + DAY + 10 * HOUR}};
    n = slots_fit(f7, N(f7), HOUR, 30 * MINUTE, 0, out, N(out));
    CHECK(n == 3); /* none in 10:40-11:30: 11:00 + 1 h is past its end */
    AT(0, "2026-03-02T09:00:00+08:00");
    AT(1, "2026-03-02T14:30:00+08:00");
    AT(2, "2026-03-03T09:00:00+08:00");
    n = slots_fit(f7, N(f7), 30 * MINUTE, 30 * MINUTE, 0, out, N(out));
    CHECK(n == 7);
    AT(0, "2026-03-02T09:00:00+08:00");
    AT(1, "2026-03-02T09:30:00+08:00");
    AT(2, "2026-03-02T11:00:00+08:00");
    AT(3, "2026-03-02T14:30:00+08:00");
    AT(4, "2026-03-02T15:00:00+08:00");
    AT(5, "2026-03-03T09:00:00+08:00");
    AT(6, "2026-03-03T09:30:00+08:00");
    for (size_t i = 0; i < 8; i++)
        out[i] = -1;
    n = slots_fit(f7, N(f7), 30 * MINUTE, 30 * MINUTE, 0, out, 3);
    CHECK(n == 3 && out[3] == -1);
    AT(2, "2026-03-02T11:00:00+08:00");
    CHECK(slots_fit(f7, N(f7), 30 * MINUTE, 30 * MINUTE, 0, out, 0) == 0);
    CHECK(slots_fit(NULL, 0, 30 * MINUTE, 30 * MINUTE, 0, out, N(out)) == 0);
#undef AT
}

static void test_slots_sort(void)
{
    slots_sort(NULL, 0);
    struct interval one[] = {{5, 6}};
    slots_sort(one, 1);
    CHECK(one[0].start == 5 && one[0].end == 6);
    for (int c = 0; c < 50; c++) {
        struct interval v[40];
        size_t n = (size_t)rnd(41);
        int64_t sum_s = 0, sum_e = 0, neg = 0;
        for (size_t i = 0; i < n; i++) {
            v[i].start = rnd(100) - 50 + (rnd(2) ? INT64_C(1) << 40 : 0);
            v[i].end = v[i].start + rnd(1000);
            sum_s += v[i].start, sum_e += v[i].end, neg += v[i].start < 0;
        }
        slots_sort(v, n);
        bool sorted = true;
        int64_t s2 = 0, e2 = 0, neg2 = 0;
        for (size_t i = 0; i < n; i++) {
            if (i > 0 && v[i - 1].start > v[i].start)
                sorted = false;
            s2 += v[i].start, e2 += v[i].end, neg2 += v[i].start < 0;
        }
        CHECK(sorted);
        CHECK(s2 == sum_s && e2 == sum_e && neg2 == neg);
    }
}

void test_slots(void)
{
    struct arena *a = arena_new(0);
    rng_state = 1969;
    test_slots_open(a);
    test_slots_subtract(a);
    test_slots_fit(a);
    test_slots_sort();
    arena_free(a);
}
