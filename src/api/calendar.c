/*
 * A station's calendar as people look at it: free time of its rooms, the
 * next slots that fit, and iCalendar feeds for phone calendars.
 */
#include <stdlib.h>
#include <string.h>

#include "api/activities.h"
#include "api/bookings.h"
#include "api/resource.h"
#include "core/arena.h"
#include "core/buf.h"
#include "core/jsonw.h"
#include "core/timefmt.h"
#include "domain/availability.h"
#include "domain/feeds.h"

/* One query parameter: an integer within bounds, or a time ("YYYY-MM-DD" is that local
 * day's midnight). */
struct param {
    const char *key;
    bool is_time;
    int64_t min, max;
    int64_t *out; /* keeps its default when absent */
};

static int read_params(struct exchange *ex, const struct param *p, size_t n, struct error *err)
{
    for (size_t i = 0; i < ex->nquery; i++) {
        const char *key = ex->query[i].key, *v = ex->query[i].value;
        const struct param *hit = NULL;
        for (size_t k = 0; k < n; k++)
            if (strcmp(p[k].key, key) == 0)
                hit = &p[k];
        int64_t day;
        if (hit == NULL)
            error_param(err, key, "unknown parameter");
        else if (exchange_query(ex, key) != v)
            error_param(err, key, "is given more than once");
        else if (hit->is_time && date_parse(v, strlen(v), &day))
            *hit->out = day * 86400 - TIME_LOCAL_OFFSET_MIN * 60;
        else if (hit->is_time && !api_parse_time(ex->arena, v, hit->out))
            error_param(err, key,
                        "must be a day like 2027-03-01 or a time like "
                        "2027-03-01T09:00:00+08:00");
        else if (!hit->is_time &&
                 (!api_parse_int(v, hit->out) || *hit->out < hit->min || *hit->out > hit->max))
            error_param(err, key, "must be an integer from %lld to %lld", (long long)hit->min,
                        (long long)hit->max);
    }
    if (err->kind != ERR_NONE && err->detail == NULL)
        err->detail = "the query has invalid parameters: see errors";
    return err->kind == ERR_NONE ? 0 : -1;
}

static int64_t today_midnight(void)
{
    int64_t local = time_now() + TIME_LOCAL_OFFSET_MIN * 60;
    return local / 86400 * 86400 - TIME_LOCAL_OFFSET_MIN * 60;
}

static void write_room(struct jsonw *w, const struct room_free *rf)
{
    jw_obj_open(w);
    jw_key(w, "room_id");
    jw_int(w, rf->room->id);
    jw_key(w, "name");
    jw_str(w, rf->room->name);
    jw_key(w, "capacity");
    jw_int(w, rf->room->capacity);
    jw_key(w, "free");
    jw_arr_open(w);
    for (size_t i = 0; i < rf->n; i++) {
        jw_obj_open(w);
        jw_key(w, "start");
        jw_time(w, rf->free[i].start);
        jw_key(w, "end");
        jw_time(w, rf->free[i].end);
        jw_obj_close(w);
    }
    jw_arr_close(w);
    jw_obj_close(w);
}

/* GET /api/v1/stations/{id}/availability?from=&days=&duration_min=&attendance=&room_id= */
void api_station_availability(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    int64_t from = today_midnight(), days = 1, minutes = 60, attendance = 1, room = 0;
    const struct param params[] = {
        {"from", true, 0, 0, &from},
        {"days", false, 1, AVAILABILITY_MAX_DAYS, &days},
        {"duration_min", false, 15, 24 * 60, &minutes},
        {"attendance", false, 1, 10000, &attendance},
        {"room_id", false, 1, INT64_MAX, &room},
    };
    struct room_free *rooms;
    size_t n;
    struct availability_query q = {ex->id, 0, 0, 0, 0, 0};
    if (read_params(ex, params, sizeof(params) / sizeof(params[0]), &err) == 0) {
        q = (struct availability_query){ex->id,       room,      from, from + days * 86400,
                                        minutes * 60, attendance};
    }
    if (err.kind != ERR_NONE || availability_rooms(ex->db, ex->arena, &q, &rooms, &n, &err) != 0) {
        reply_error(ex, &err);
        return;
    }
    struct jsonw w;
    jw_init(&w, &ex->response);
    jw_obj_open(&w);
    jw_key(&w, "station_id");
    jw_int(&w, ex->id);
    jw_key(&w, "from");
    jw_time(&w, q.from);
    jw_key(&w, "to");
    jw_time(&w, q.to);
    jw_key(&w, "duration_min");
    jw_int(&w, minutes);
    jw_key(&w, "rooms");
    jw_arr_open(&w);
    for (size_t i = 0; i < n; i++)
        write_room(&w, &rooms[i]);
    jw_arr_close(&w);
    jw_obj_close(&w);
    ex->status = 200;
}

/* GET /api/v1/stations/{id}/slots?duration_min=&attendance=&count=&room_id=&after=&step_min= */
void api_station_slots(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    int64_t after = 0, minutes = 60, attendance = 1, room = 0, count = 5, step = 30;
    const struct param params[] = {
        {"after", true, 0, 0, &after},
        {"duration_min", false, 15, 24 * 60, &minutes},
        {"attendance", false, 1, 10000, &attendance},
        {"room_id", false, 1, INT64_MAX, &room},
        {"count", false, 1, NEXT_SLOTS_MAX, &count},
        {"step_min", false, 5, 24 * 60, &step},
    };
    struct slot *slots;
    size_t n;
    struct availability_query q = {ex->id, room, after, 0, minutes * 60, attendance};
    if (read_params(ex, params, sizeof(params) / sizeof(params[0]), &err) == 0)
        q = (struct availability_query){ex->id, room, after, 0, minutes * 60, attendance};
    if (err.kind != ERR_NONE ||
        availability_next(ex->db, ex->arena, &q, step * 60, (size_t)count, &slots, &n, &err) != 0) {
        reply_error(ex, &err);
        return;
    }
    struct jsonw w;
    jw_init(&w, &ex->response);
    jw_obj_open(&w);
    jw_key(&w, "items");
    jw_arr_open(&w);
    for (size_t i = 0; i < n; i++) {
        jw_obj_open(&w);
        jw_key(&w, "room_id");
        jw_int(&w, slots[i].room->id);
        jw_key(&w, "room_name");
        jw_str(&w, slots[i].room->name);
        jw_key(&w, "start");
        jw_time(&w, slots[i].start);
        jw_key(&w, "end");
        jw_time(&w, slots[i].end);
        jw_obj_close(&w);
    }
    jw_arr_close(&w);
    jw_obj_close(&w);
    ex->status = 200;
}

/* ---- iCalendar feeds ---- */

#define FEED_PAST_DAYS   30
#define FEED_FUTURE_DAYS 400

static void feed(struct exchange *ex, enum feed_kind kind)
{
    struct error err;
    error_init(&err, ex->arena);
    if (ex->nquery) {
        error_param(&err, ex->query[0].key, "unknown parameter");
        err.detail = "the query has invalid parameters: see errors";
        reply_error(ex, &err);
        return;
    }
    int64_t now = time_now();
    struct feed f;
    if (feed_read(ex->db, ex->arena, ex->caller, kind, ex->id, now - FEED_PAST_DAYS * 86400,
                  now + FEED_FUTURE_DAYS * 86400, &f, &err) != 0) {
        reply_error(ex, &err);
        return;
    }
    ical_write(&ex->response, f.name, f.events, f.n);
    ex->status = 200;
    ex->response_type = "text/calendar; charset=utf-8";
    exchange_header(ex, "Content-Disposition", "inline; filename=\"louyu.ics\"");
}

void api_feed_room(struct exchange *ex)
{
    feed(ex, FEED_ROOM);
}

void api_feed_station(struct exchange *ex)
{
    feed(ex, FEED_STATION);
}

void api_feed_org(struct exchange *ex)
{
    feed(ex, FEED_ORG);
}

void api_feed_booking(struct exchange *ex)
{
    feed(ex, FEED_BOOKING);
}

void api_feed_station_activities(struct exchange *ex)
{
    feed(ex, FEED_STATION_ACTIVITIES);
}

void api_feed_series_activities(struct exchange *ex)
{
    feed(ex, FEED_SERIES_ACTIVITIES);
}

void api_feed_my_activities(struct exchange *ex)
{
    feed(ex, FEED_MY_ACTIVITIES);
}
