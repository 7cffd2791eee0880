/*
 * The rules of booking a room, and a station's settings for them. Every
 * refusal names its rule in err->rule, so that a client can show it next to
 * the right field without reading the sentence.
 */
#include "domain/booking_rules.h"

#include <string.h>

#include "core/arena.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/timefmt.h"
#include "domain/hours.h"

const char *const approval_names[] = {"none", "all", "outsiders", NULL};

const struct booking_rules booking_rules_default = {
    .horizon_days = 365,
    .vip_horizon_days = 540,
    .max_hours_per_month = 20,
    .vip_max_hours_per_month = 40,
    .max_open_bookings = 20,
    .vip_max_open_bookings = 40,
    .max_booking_minutes = 8 * 60,
    .grace_minutes = 15,
    .release_no_shows = true,
    .offer_minutes = 120,
    .approval = APPROVAL_NONE,
};

/* One integer setting: its key, its place and its bounds. */
struct setting {
    const char *key;
    size_t offset;
    int min, max;
};

#define SETTING(k, lo, hi)                                                                         \
    {                                                                                              \
#k, offsetof(struct booking_rules, k), lo, hi                                              \
    }

static const struct setting settings[] = {
    SETTING(horizon_days, 1, 3660),
    SETTING(vip_horizon_days, 1, 3660),
    SETTING(max_hours_per_month, 1, 744),
    SETTING(vip_max_hours_per_month, 1, 744),
    SETTING(max_open_bookings, 1, 1000),
    SETTING(vip_max_open_bookings, 1, 1000),
    SETTING(max_booking_minutes, 15, BOOKING_MAX_SECONDS / 60),
    SETTING(grace_minutes, 0, 240),
    SETTING(offer_minutes, 5, 7 * 24 * 60),
};
#define NSETTINGS (sizeof(settings) / sizeof(settings[0]))

static int *setting_ptr(struct booking_rules *r, const struct setting *s)
{
    return (int *)((char *)r + s->offset);
}

static const char *parse_setting(struct arena *a, const char *key, const json_t *v,
                                 struct booking_rules *out)
{
    for (size_t i = 0; i < NSETTINGS; i++) {
        const struct setting *s = &settings[i];
        if (strcmp(key, s->key) != 0)
            continue;
        if (!json_is_integer(v) || json_integer_value(v) < s->min || json_integer_value(v) > s->max)
            return arena_printf(a, "%s must be an integer from %d to %d", key, s->min, s->max);
        *setting_ptr(out, s) = (int)json_integer_value(v);
        return NULL;
    }
    if (strcmp(key, "release_no_shows") == 0) {
        if (!json_is_boolean(v))
            return "release_no_shows must be true or false";
        out->release_no_shows = json_is_true(v);
        return NULL;
    }
    if (strcmp(key, "approval") == 0) {
        for (int i = 0; approval_names[i]; i++)
            if (json_is_string(v) && strcmp(json_string_value(v), approval_names[i]) == 0) {
                out->approval = (enum approval)i;
                return NULL;
            }
        return "approval must be \"none\", \"all\" or \"outsiders\"";
    }
    return arena_printf(a, "unknown setting \"%s\"", key);
}

int booking_rules_parse(struct arena *a, const json_t *v, struct booking_rules *out,
                        const char **why)
{
    *out = booking_rules_default;
    if (!json_is_object(v)) {
        *why = "must be an object of settings";
        return -1;
    }
    const char *key;
    const json_t *value;
    json_object_foreach((json_t *)v, key, value)
    {
        const char *bad = parse_setting(a, key, value, out);
        if (bad) {
            *why = bad;
            return -1;
        }
    }
    if (out->vip_horizon_days < out->horizon_days ||
        out->vip_max_hours_per_month < out->max_hours_per_month ||
        out->vip_max_open_bookings < out->max_open_bookings) {
        *why = "a co-building partner's (vip_) settings may not be below the others'";
        return -1;
    }
    return 0;
}

void booking_rules_from_text(struct arena *a, const char *text, struct booking_rules *out)
{
    *out = booking_rules_default;
    json_t *v = json_loads(text ? text : "{}", 0, NULL);
    const char *why;
    if (v && booking_rules_parse(a, v, out, &why) != 0)
        *out = booking_rules_default; /* canon wrote it: cannot happen */
    json_decref(v);
}

int booking_rules_canon(struct arena *a, const json_t *v, char **out, const char **why)
{
    struct booking_rules r;
    if (booking_rules_parse(a, v, &r, why) != 0)
        return -1;
    struct buf b = BUF_INIT;
    struct jsonw w;
    jw_init(&w, &b);
    jw_obj_open(&w);
    for (size_t i = 0; i < NSETTINGS; i++) {
        jw_key(&w, settings[i].key);
        jw_int(&w, *setting_ptr(&r, &settings[i]));
    }
    jw_key(&w, "release_no_shows");
    jw_bool(&w, r.release_no_shows);
    jw_key(&w, "approval");
    jw_str(&w, approval_names[r.approval]);
    jw_obj_close(&w);
    *out = arena_strndup(a, b.data, b.len);
    buf_free(&b);
    return 0;
}

/* ---- the rules ---- */

static int refuse(struct error *err, const char *rule, const char *pointer, const char *detail)
{
    error_field(err, ERR_RULE, pointer, "%s", detail);
    return error_rule(err, rule);
}

/* Messages are built in err's arena; a caller without one does not read them. */
#define SAY(...) (err->arena ? arena_printf(err->arena, __VA_ARGS__) : "")

int rule_check_times(const struct booking_rules *r, const struct standing *s, int64_t start,
                     int64_t end, int64_t now, struct error *err)
{
    if (end <= start)
        return refuse(err, "order", "/end", "must be later than start");
    if (start % 60 != 0 || end % 60 != 0)
        return refuse(err, "whole_minutes", start % 60 ? "/start" : "/end",
                      "bookings start and end on a whole minute");
    if (start < now)
        return refuse(
            err, "past", "/start",
            SAY("is in the past (it is %s now)", err->arena ? rfc3339_local(err->arena, now) : ""));
    if (end - start > (int64_t)r->max_booking_minutes * 60)
        return refuse(
            err, "length", "/end",
            SAY("a booking may last at most %d minutes at this station", r->max_booking_minutes));
    int days = s->vip ? r->vip_horizon_days : r->horizon_days;
    if (start > now + (int64_t)days * 86400)
        return refuse(err, "horizon", "/start",
                      SAY("is too far ahead: this station takes bookings up to %d days ahead%s",
                          days, s->vip ? " for co-building partners" : ""));
    return 0;
}

int rule_check_hours(const struct week_hours *h, int64_t start, int64_t end, struct error *err)
{
    if (hours_cover(h, start, end))
        return 0;
    return refuse(err, "opening_hours", "/start",
                  "the station is not open for the whole of this time: see its opening_hours");
}

int rule_check_capacity(int64_t attendance, int64_t capacity, struct error *err)
{
    if (attendance <= capacity)
        return 0;
    return refuse(err, "capacity", "/attendance",
                  SAY("the room holds at most %lld people", (long long)capacity));
}
static int64_t overlap(int64_t a0, int64_t a1, int64_t b0, int64_t b1)
{
    int64_t lo = a0 > b0 ? a0 : b0, hi = a1 < b1 ? a1 : b1;
    return hi > lo ? hi - lo : 0;
}

/* Seconds held inside the window [w, w + QUOTA_WINDOW_SECONDS). */
static int64_t held_in(const struct held *others, size_t n, int64_t start, int64_t end, int64_t w)
{
    int64_t we = w + QUOTA_WINDOW_SECONDS, sum = overlap(start, end, w, we);
    for (size_t i = 0; i < n; i++)
        sum += overlap(others[i].start, others[i].end, w, we);
    return sum;
}

/* The sum over a window is piecewise linear in where the window starts, so its maximum is
 * where a window edge meets a booking's edge (a window starting at a booking's start, or
 * ending at a booking's end) or at the ends of the range of windows that touch the new
 * booking: starting just after start - 30 days, or just before end. */
int64_t rule_worst_month(const struct held *others, size_t n, int64_t start, int64_t end)
{
    int64_t worst = 0;
    for (size_t i = 0; i <= n + 1; i++) {
        int64_t candidates[2];
        if (i < n) {
            candidates[0] = others[i].start;
            candidates[1] = others[i].end - QUOTA_WINDOW_SECONDS;
        } else if (i == n) {
            candidates[0] = start;
            candidates[1] = end - QUOTA_WINDOW_SECONDS;
        } else {
            candidates[0] = start - QUOTA_WINDOW_SECONDS + 1;
            candidates[1] = end - 1;
        }
        for (int k = 0; k < 2; k++) {
            int64_t w = candidates[k];
            /* only windows that touch the new booking matter */
            if (w >= end || w + QUOTA_WINDOW_SECONDS <= start)
                continue;
            int64_t sum = held_in(others, n, start, end, w);
            if (sum > worst)
                worst = sum;
        }
    }
    return worst;
}

int rule_check_quota(const struct booking_rules *r, const struct standing *s,
                     const struct held *others, size_t n, size_t open, int64_t start, int64_t end,
                     struct error *err)
{
    if (s->house)
        return 0;
    int max_open = s->vip ? r->vip_max_open_bookings : r->max_open_bookings;
    if (open + 1 > (size_t)max_open)
        return refuse(err, "quota_open", "/org_id",
                      SAY("the organisation already holds %zu bookings here that have not "
                          "ended; the station allows %d at a time",
                          open, max_open));
    int64_t limit = (int64_t)(s->vip ? r->vip_max_hours_per_month : r->max_hours_per_month) * 3600;
    int64_t worst = rule_worst_month(others, n, start, end);
    if (worst > limit)
        return refuse(err, "quota_hours", "/org_id",
                      SAY("the organisation would hold %.1f hours in 30 days here; the station "
                          "allows %lld",
                          (double)worst / 3600, (long long)limit / 3600));
    return 0;
}
