/*
 * The demo's calendar: the coming two weeks at the West Tower station (a
 * branch's study sessions, the weekly "West Tower 1 Hour", evening lending to
 * a tenant, someone on the waiting list) and, at Yingkai, where outsiders'
 * bookings wait for approval, one pending request. Made through the booking
 * rules like any other booking, so the demo can never hold what louyu refuses.
 */
#include "domain/demo.h"

#include <jansson.h>
#include <stdbool.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/bookings.h"
#include "domain/users.h"

/* Local midnight of the day 'd' days from today, and its weekday (1 = Monday). */
static int64_t local_day(int d, int *weekday)
{
    int64_t today = (time_now() + TIME_LOCAL_OFFSET_MIN * 60) / 86400 + d;
    *weekday = day_of_week(today);
    return today * 86400 - TIME_LOCAL_OFFSET_MIN * 60;
}

static int book_as(struct db *db, struct arena *a, const struct caller *c, int64_t room,
                   int64_t org, int64_t start, int minutes, const char *title, int attendance,
                   const char *rrule, bool wait, struct error *err)
{
    char s[RFC3339_MAX], e[RFC3339_MAX];
    rfc3339_format(start, TIME_LOCAL_OFFSET_MIN, s);
    rfc3339_format(start + minutes * 60, TIME_LOCAL_OFFSET_MIN, e);
    const char *text = arena_printf(a,
                                    "{\"room_id\":%lld,\"org_id\":%lld,\"start\":\"%s\",\"end\":"
                                    "\"%s\",\"title\":\"%s\",\"attendance\":%d}",
                                    (long long)room, (long long)org, s, e, title, attendance);
    json_t *v = json_loads(text, 0, NULL);
    struct booking *b = arena_alloc(a, sizeof(*b));
    int rc = v ? fields_decode(a, v, booking_entity.table, b, DECODE_CREATE, err) : -1;
    json_decref(v);
    if (rc != 0)
        return err->kind ? -1 : error_set(err, ERR_INTERNAL, "demo booking: bad JSON");
    struct booking_request rq = {.b = b, .rrule = rrule, .wait = wait};
    struct booking_result r;
    return booking_create(db, a, c, &rq, &r, err);
}

static int book(struct db *db, struct arena *a, int64_t room, int64_t org, int64_t start,
                int minutes, const char *title, int attendance, const char *rrule, bool wait,
                struct error *err)
{
    return book_as(db, a, &entity_cli_caller, room, org, start, minutes, title, attendance, rrule,
                   wait, err);
}

/* A demo user as the server would see them once signed in. */
static struct caller *as_user(struct db *db, struct arena *a, const char *username,
                              struct error *err)
{
    struct user *u = user_find(db, a, username, err);
    if (u == NULL)
        return NULL;
    struct caller *c = arena_zalloc(a, sizeof(*c));
    c->user_id = u->id;
    c->username = u->username;
    return user_load_grants(db, a, u->id, c, err) == 0 ? c : NULL;
}

/* New Year's Day: the West Tower station is closed. */
static int new_year(struct db *db, struct arena *a, int64_t station, struct error *err)
{
    int y;
    unsigned m, d;
    civil_from_days((time_now() + TIME_LOCAL_OFFSET_MIN * 60) / 86400, &y, &m, &d);
    const char *text = arena_printf(a,
                                    "{\"station_id\":%lld,\"start\":\"%d-01-01T00:00:00+08:00\","
                                    "\"end\":\"%d-01-02T00:00:00+08:00\",\"reason\":\"元旦假期\"}",
                                    (long long)station, y + 1, y + 1);
    json_t *v = json_loads(text, 0, NULL);
    struct closure *c = arena_alloc(a, sizeof(*c));
    int rc = v ? fields_decode(a, v, closure_entity.table, c, DECODE_CREATE, err) : -1;
    json_decref(v);
    if (rc != 0)
        return err->kind ? -1 : error_set(err, ERR_INTERNAL, "demo closure: bad JSON");
    return entity_create(db, a, &entity_cli_caller, &closure_entity, c, err) ? 0 : -1;
}

int demo_calendar(struct db *db, struct arena *a, const struct demo_calendar_ids *ids,
                  struct error *err)
{

    int weekday;
    for (int d = 1; d <= 14; d++) {
        int64_t day = local_day(d, &weekday);
        if (weekday > 5)
            continue;
        if ((weekday == 1 && book(db, a, ids->west_rooms[0], ids->zhongke, day + 10 * 3600, 90,
                                  "支部理论学习", 25, NULL, false, err) != 0) ||
            (weekday == 2 && book(db, a, ids->west_rooms[2], ids->partner, day + 19 * 3600, 120,
                                  "共建联合主题党日", 28, NULL, false, err) != 0) ||
            (weekday == 4 && book(db, a, ids->west_rooms[0], ids->tenant, day + 19 * 3600, 150,
                                  "年会节目彩排", 40, NULL, false, err) != 0))
            return -1;
    }
    /* "West Tower 1 Hour" at lunchtime every Wednesday, eight times; the committee's own. */
    int64_t first = 0;
    for (int d = 1; d <= 7 && first == 0; d++) {
        int64_t day = local_day(d, &weekday);
        if (weekday == 3)
            first = day + 12 * 3600 + 30 * 60;
    }
    if (book(db, a, ids->west_rooms[0], ids->committee, first, 60, "西塔1小时·学习1小时", 40,
             "FREQ=WEEKLY;COUNT=8", false, err) != 0)
        return -1;
    /* The partner would like the first Wednesday's lunchtime too: it waits. */
    if (book(db, a, ids->west_rooms[0], ids->partner, first, 60, "共建单位读书分享", 20, NULL, true,
             err) != 0)
        return -1;
    /* At Yingkai, the Zhongke branch is an outsider: its secretary's request waits for the
     * station's managers. */
    int64_t day = 0;
    for (int d = 1; d <= 7 && day == 0; d++) {
        int64_t t = local_day(d, &weekday);
        if (weekday <= 5)
            day = t;
    }
    struct caller *zhongke = as_user(db, a, "zhongke", err);
    if (zhongke == NULL ||
        book_as(db, a, zhongke, ids->yingkai_rooms[1], ids->zhongke, day + 14 * 3600, 120,
                "跨楼宇支部交流会", 30, NULL, false, err) != 0)
        return -1;
    /* Last, so that it refuses nothing of the above when New Year's Day is near. */
    return new_year(db, a, ids->west_station, err);
}
