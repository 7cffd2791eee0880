/*
 * Scheduling a series' sessions by its rotation, the month's political
 * birthday gathering, and the attendance of organisations, series and
 * members.
 */
#include <stdlib.h>
#include <string.h>

#include "api/activities.h"
#include "api/resource.h"
#include "core/arena.h"
#include "core/jsonw.h"
#include "core/timefmt.h"
#include "domain/activities.h"
#include "domain/activity_rules.h"
#include "domain/attendance.h"
#include "domain/birthdays.h"
#include "domain/series.h"

/* A boolean member of the body, taken out of it; false when absent. */
static bool take_flag(json_t *body, const char *name, struct error *err)
{
    const json_t *v = json_object_get(body, name);
    if (v && !json_is_boolean(v))
        error_field(err, ERR_INVALID, arena_printf(err->arena, "/%s", name),
                    "must be true or false");
    bool on = json_is_true(v);
    json_object_del(body, name);
    return on;
}

static void write_schedule(struct exchange *ex, const struct schedule_result *r, bool dry)
{
    struct jsonw w;
    jw_init(&w, &ex->response);
    jw_obj_open(&w);
    jw_key(&w, "dry_run");
    jw_bool(&w, dry);
    jw_key(&w, "items");
    jw_arr_open(&w);
    for (size_t i = 0; i < r->n; i++) {
        const struct scheduled *it = &r->items[i];
        jw_obj_open(&w);
        jw_key(&w, "start");
        jw_time(&w, it->start);
        jw_key(&w, "end");
        jw_time(&w, it->end);
        jw_key(&w, "host_org_id");
        if (it->host_org_id)
            jw_int(&w, it->host_org_id);
        else
            jw_null(&w);
        jw_key(&w, "skipped");
        jw_str_or_null(&w, it->skipped);
        jw_key(&w, "activity");
        if (it->activity)
            fields_encode(&w, activity_entity.table, it->activity);
        else
            jw_null(&w);
        jw_obj_close(&w);
    }
    jw_arr_close(&w);
    jw_obj_close(&w);
    ex->status = dry ? 200 : 201;
}

/* POST /api/v1/series/{id}/schedule: the sessions' template (an activity's fields
 * without host_org_id, which the rotation gives; title defaults to the series' name),
 * "rrule" (with COUNT or UNTIL), "publish" and "dry_run". */
void api_series_schedule(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    json_t *body = api_parse_body(ex, &err);
    struct series *s =
        body ? entity_read(ex->db, ex->arena, ex->caller, &series_entity, ex->id, &err) : NULL;
    if (s == NULL || !json_is_object(body)) {
        if (s)
            error_set(&err, ERR_INVALID, "the body must be a JSON object");
        reply_error(ex, &err);
        return;
    }
    struct schedule_request rq = {.series_id = ex->id};
    rq.publish = take_flag(body, "publish", &err);
    rq.dry_run = take_flag(body, "dry_run", &err);
    const json_t *rule = json_object_get(body, "rrule");
    if (!json_is_string(rule) || json_string_length(rule) == 0 || json_string_length(rule) > 300)
        error_field(&err, ERR_INVALID, "/rrule",
                    "is required: an RFC 5545 RRULE with COUNT or UNTIL, e.g. "
                    "\"FREQ=WEEKLY;COUNT=8\"");
    else if (!strcasestr(json_string_value(rule), "COUNT=") &&
             !strcasestr(json_string_value(rule), "UNTIL="))
        error_field(&err, ERR_INVALID, "/rrule", "must end: give COUNT or UNTIL");
    else
        rq.rrule = arena_strdup(ex->arena, json_string_value(rule));
    json_object_del(body, "rrule");
    if (json_object_get(body, "host_org_id"))
        error_field(&err, ERR_INVALID, "/host_org_id", "comes from the series' rotation");
    json_object_set_new(body, "host_org_id", json_integer(s->org_id)); /* each session's host */
    if (!json_object_get(body, "title"))
        json_object_set_new(body, "title", json_string(s->name));
    struct activity *tmpl = arena_alloc(ex->arena, sizeof(*tmpl));
    fields_decode(ex->arena, body, activity_entity.table, tmpl, DECODE_CREATE, &err);
    const char *missing[] = {"room_id", "start", "end"};
    for (size_t i = 0; i < 3; i++)
        if (fields_is_null(activity_entity.table, tmpl, missing[i]))
            error_field(&err, ERR_INVALID, arena_printf(ex->arena, "/%s", missing[i]),
                        "is required: the first session's room and time");
    struct schedule_result r;
    rq.tmpl = tmpl;
    if (err.kind == ERR_NONE && series_schedule(ex->db, ex->arena, ex->caller, &rq, &r, &err))
        for (size_t i = 0; i < err.nfields; i++) /* the rule is this body's, not a booking's */
            if (err.fields[i].pointer && strcmp(err.fields[i].pointer, "/recurrence/rrule") == 0)
                err.fields[i].pointer = "/rrule";
    if (err.kind != ERR_NONE) {
        if (err.detail == NULL)
            err.detail = "the schedule has invalid fields: see errors";
        reply_error(ex, &err);
        return;
    }
    write_schedule(ex, &r, rq.dry_run);
}

/* POST /api/v1/orgs/{id}/birthday-gatherings {"month", "room_id"?, "start"?, "minutes"?} */
void api_org_birthday_gathering(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    json_t *body = api_parse_body(ex, &err);
    struct birthday_request rq = {.org_id = ex->id};
    const json_t *month = body ? json_object_get(body, "month") : NULL;
    if (body && !json_is_object(body))
        error_set(&err, ERR_INVALID, "the body must be a JSON object");
    else if (body) {
        const char *key;
        json_t *v;
        json_object_foreach(body, key, v)
        {
            if (strcmp(key, "month") == 0)
                continue;
            int64_t *slot = strcmp(key, "room_id") == 0   ? &rq.room_id
                            : strcmp(key, "minutes") == 0 ? &rq.minutes
                                                          : NULL;
            if (strcmp(key, "start") == 0) {
                if (!json_is_string(v) ||
                    !api_parse_time(ex->arena, json_string_value(v), &rq.start))
                    error_field(&err, ERR_INVALID, "/start", "must be a time with an offset");
            } else if (slot == NULL)
                error_field(&err, ERR_INVALID, arena_printf(ex->arena, "/%s", key),
                            "is not a field of a gathering");
            else if (!json_is_integer(v) || json_integer_value(v) < 1)
                error_field(&err, ERR_INVALID, arena_printf(ex->arena, "/%s", key),
                            "must be a positive integer");
            else
                *slot = json_integer_value(v);
        }
        if (!json_is_string(month))
            error_field(&err, ERR_INVALID, "/month", "is required: a month like 2027-03");
        else
            rq.month = json_string_value(month);
    }
    struct birthday_result r;
    if (body == NULL || err.kind != ERR_NONE ||
        birthday_schedule(ex->db, ex->arena, ex->caller, &rq, &r, &err) != 0) {
        if (err.detail == NULL)
            err.detail = "the gathering has invalid fields: see errors";
        reply_error(ex, &err);
        return;
    }
    struct jsonw w;
    jw_init(&w, &ex->response);
    jw_obj_open(&w);
    jw_key(&w, "created");
    jw_bool(&w, r.created);
    jw_key(&w, "invited");
    jw_int(&w, (int64_t)r.invited);
    jw_key(&w, "already_invited");
    jw_int(&w, (int64_t)r.already);
    jw_key(&w, "activity");
    fields_encode(&w, activity_entity.table, r.activity);
    jw_obj_close(&w);
    ex->status = r.created ? 201 : 200;
}

/* ---- attendance ---- */

/* ?year=2027 (the default: this year, local) or ?year=all. */
static int read_year(struct exchange *ex, int64_t *year, struct error *err)
{
    *year = local_year(time_now());
    for (size_t i = 0; i < ex->nquery; i++) {
        const char *k = ex->query[i].key, *v = ex->query[i].value;
        if (strcmp(k, "year") != 0)
            error_param(err, k, "unknown parameter");
        else if (strcmp(v, "all") == 0)
            *year = 0;
        else if (!api_parse_int(v, year) || *year < 2000 || *year > 2200)
            error_param(err, k, "must be a year from 2000 to 2200, or \"all\"");
    }
    if (err->kind != ERR_NONE)
        err->detail = "the query has invalid parameters: see errors";
    return err->kind == ERR_NONE ? 0 : -1;
}

static void write_totals(struct jsonw *w, const char *id_key, int64_t id,
                         const struct attendance *t)
{
    jw_key(w, id_key);
    jw_int(w, id);
    jw_key(w, "year");
    if (t->year)
        jw_int(w, t->year);
    else
        jw_str(w, "all");
    const struct {
        const char *key;
        int64_t value;
    } counts[] = {
        {"activities", t->activities}, {"person_times", t->person_times},
        {"people", t->people},         {"members", t->members},
        {"guests", t->guests},         {"volunteer_minutes", t->volunteer_minutes},
    };
    for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
        jw_key(w, counts[i].key);
        jw_int(w, counts[i].value);
    }
    jw_key(w, "volunteer_hours");
    jw_double(w, (double)t->volunteer_minutes / 60.0);
    jw_key(w, "by_kind");
    jw_arr_open(w);
    for (size_t i = 0; i < t->nkinds; i++) {
        jw_obj_open(w);
        jw_key(w, "kind");
        jw_str(w, t->kinds[i].kind);
        jw_key(w, "activities");
        jw_int(w, t->kinds[i].activities);
        jw_obj_close(w);
    }
    jw_arr_close(w);
}

static void summary(struct exchange *ex, const char *id_key,
                    int (*read)(struct db *, struct arena *, const struct caller *, int64_t,
                                int64_t, struct attendance *, struct error *))
{
    struct error err;
    error_init(&err, ex->arena);
    int64_t year;
    struct attendance t;
    if (read_year(ex, &year, &err) != 0 ||
        read(ex->db, ex->arena, ex->caller, ex->id, year, &t, &err) != 0) {
        reply_error(ex, &err);
        return;
    }
    struct jsonw w;
    jw_init(&w, &ex->response);
    jw_obj_open(&w);
    write_totals(&w, id_key, ex->id, &t);
    jw_obj_close(&w);
    ex->status = 200;
}

/* GET /api/v1/orgs/{id}/attendance?year= */
void api_org_attendance(struct exchange *ex)
{
    summary(ex, "org_id", attendance_of_org);
}

/* GET /api/v1/series/{id}/attendance?year= */
void api_series_attendance(struct exchange *ex)
{
    summary(ex, "series_id", attendance_of_series);
}

/* GET /api/v1/members/{id}/attendance?year=: what the member attended, and the totals. */
void api_member_attendance(struct exchange *ex)
{
    struct error err;
    error_init(&err, ex->arena);
    int64_t year;
    struct attendance t;
    struct attended *items;
    size_t n;
    if (read_year(ex, &year, &err) != 0 ||
        attendance_of_member(ex->db, ex->arena, ex->caller, ex->id, year, &items, &n, &t, &err)) {
        reply_error(ex, &err);
        return;
    }
    struct jsonw w;
    jw_init(&w, &ex->response);
    jw_obj_open(&w);
    write_totals(&w, "member_id", ex->id, &t);
    jw_key(&w, "items");
    jw_arr_open(&w);
    for (size_t i = 0; i < n; i++) {
        jw_obj_open(&w);
        jw_key(&w, "activity_id");
        jw_int(&w, items[i].activity_id);
        jw_key(&w, "title");
        jw_str(&w, items[i].title);
        jw_key(&w, "kind");
        jw_str(&w, items[i].kind);
        jw_key(&w, "host_org_id");
        jw_int(&w, items[i].host_org_id);
        jw_key(&w, "host_name");
        jw_str(&w, items[i].host_name);
        jw_key(&w, "start");
        jw_time(&w, items[i].start);
        jw_key(&w, "end");
        jw_time(&w, items[i].end);
        jw_key(&w, "checked_in_at");
        jw_time(&w, items[i].at);
        jw_key(&w, "method");
        jw_str(&w, items[i].method);
        jw_obj_close(&w);
    }
    jw_arr_close(&w);
    jw_obj_close(&w);
    ex->status = 200;
}
