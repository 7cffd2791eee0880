/*
 * The demo's activities, made through the same rules as everyone's: the
 * "West Tower 1 Hour" (西塔1小时) brand with three sub-series hosted in
 * rotation, the study hour's next four sessions scheduled, a volunteer hour,
 * a free-haircut appointment service in half-hour slots, next month's
 * political birthday gathering with its invitations, and some sign-ups.
 */
#include "domain/demo.h"

#include <jansson.h>
#include <stdbool.h>

#include "core/arena.h"
#include "core/timefmt.h"
#include "domain/activities.h"
#include "domain/birthdays.h"
#include "domain/registrations.h"
#include "domain/series.h"

/* A record of e from JSON text, as the API would decode it. */
static void *decode(struct arena *a, const struct entity *e, const char *text, struct error *err)
{
    json_t *v = json_loads(text, 0, NULL);
    void *rec = arena_alloc(a, e->table->size);
    int rc = v ? fields_decode(a, v, e->table, rec, DECODE_CREATE, err) : -1;
    json_decref(v);
    if (rc != 0)
        return err->kind ? NULL
                         : (error_set(err, ERR_INTERNAL, "demo %s: bad JSON", e->name), NULL);
    return rec;
}

static int64_t add_series(struct db *db, struct arena *a, int64_t parent, int64_t org,
                          const char *name, const char *hosts, struct error *err)
{
    const char *text = parent ? arena_printf(a,
                                             "{\"parent_id\":%lld,\"org_id\":%lld,\"name\":\"%s\","
                                             "\"hosts\":%s}",
                                             (long long)parent, (long long)org, name, hosts)
                              : arena_printf(a, "{\"org_id\":%lld,\"name\":\"%s\",\"hosts\":%s}",
                                             (long long)org, name, hosts);
    struct series *s = decode(a, &series_entity, text, err);
    s = s ? entity_create(db, a, &entity_cli_caller, &series_entity, s, err) : NULL;
    return s ? s->id : -1;
}

/* The first day from tomorrow that is this weekday (1 = Monday), at hh:mm local. */
static const char *next(struct arena *a, int weekday, int hh, int mm, int extra_minutes)
{
    int64_t today = (time_now() + TIME_LOCAL_OFFSET_MIN * 60) / 86400, day = today + 1;
    while (day_of_week(day) != weekday)
        day++;
    int64_t t = day * 86400 + hh * 3600 + (mm + extra_minutes) * 60 - TIME_LOCAL_OFFSET_MIN * 60;
    char out[RFC3339_MAX];
    rfc3339_format(t, TIME_LOCAL_OFFSET_MIN, out);
    return arena_strdup(a, out);
}

static struct activity *add_activity(struct db *db, struct arena *a, const char *text,
                                     struct error *err)
{
    struct activity *in = decode(a, &activity_entity, text, err);
    return in ? activity_create(db, a, &entity_cli_caller, in, true, err) : NULL;
}

/* The study hour's next four Thursdays, hosted in turn. */
static int schedule_study(struct db *db, struct arena *a, const struct demo_calendar_ids *ids,
                          int64_t series, struct error *err)
{
    const char *text = arena_printf(
        a,
        "{\"title\":\"学习1小时\",\"kind\":\"study\",\"host_org_id\":%lld,\"room_id\":%lld,"
        "\"start\":\"%s\",\"end\":\"%s\",\"capacity\":30,\"audience\":\"partners\","
        "\"description\":\"午间一小时，跨企业学习交流\"}",
        (long long)ids->committee, (long long)ids->west_rooms[2], next(a, 4, 12, 30, 0),
        next(a, 4, 12, 30, 60));
    struct activity *tmpl = decode(a, &activity_entity, text, err);
    if (tmpl == NULL)
        return -1;
    struct schedule_request rq = {
        .series_id = series, .tmpl = tmpl, .rrule = "FREQ=WEEKLY;COUNT=4", .publish = true};
    struct schedule_result r;
    return series_schedule(db, a, &entity_cli_caller, &rq, &r, err);
}

static int sign_up(struct db *db, struct arena *a, int64_t activity, int64_t member,
                   const char *slot, struct error *err)
{
    const char *text =
        slot ? arena_printf(a, "{\"activity_id\":%lld,\"member_id\":%lld,\"slot_start\":\"%s\"}",
                            (long long)activity, (long long)member, slot)
             : arena_printf(a, "{\"activity_id\":%lld,\"member_id\":%lld}", (long long)activity,
                            (long long)member);
    struct registration *in = decode(a, &registration_entity, text, err);
    return in && registration_create(db, a, &entity_cli_caller, in, err) ? 0 : -1;
}

int demo_activities(struct db *db, struct arena *a, const struct demo_calendar_ids *ids,
                    int64_t first_member, struct error *err)
{
    const char *hosts = arena_printf(a, "[%lld,%lld,%lld]", (long long)ids->zhongke,
                                     (long long)ids->partner, (long long)ids->tenant);
    int64_t brand = add_series(db, a, 0, ids->committee, "西塔1小时", hosts, err);
    int64_t study =
        brand > 0 ? add_series(db, a, brand, ids->committee, "学习1小时", hosts, err) : -1;
    int64_t volunteer =
        study > 0 ? add_series(db, a, brand, ids->committee, "公益1小时", hosts, err) : -1;
    if (volunteer < 0 || add_series(db, a, brand, ids->committee, "分享1小时", hosts, err) < 0 ||
        schedule_study(db, a, ids, study, err) != 0)
        return -1;
    struct activity *hour = add_activity(
        db, a,
        arena_printf(a,
                     "{\"series_id\":%lld,\"title\":\"公益1小时：社区长者探访\","
                     "\"kind\":\"volunteer_service\",\"host_org_id\":%lld,\"room_id\":%lld,"
                     "\"start\":\"%s\",\"end\":\"%s\",\"capacity\":20,\"audience\":\"partners\"}",
                     (long long)volunteer, (long long)ids->partner, (long long)ids->west_rooms[2],
                     next(a, 5, 12, 30, 0), next(a, 5, 12, 30, 60)),
        err);
    /* The free haircut on a Saturday morning (the weekdays' afternoons at Yingkai hold the
     * demo's pending request): six half-hour slots of five, for anyone in the tower. */
    struct activity *haircut =
        hour ? add_activity(db, a,
                            arena_printf(a,
                                         "{\"title\":\"义剪服务（预约）\","
                                         "\"kind\":\"appointment_service\","
                                         "\"host_org_id\":%lld,\"room_id\":%lld,"
                                         "\"start\":\"%s\",\"end\":\"%s\","
                                         "\"capacity\":30,\"audience\":\"anyone\","
                                         "\"slot_minutes\":30,\"slot_capacity\":5}",
                                         (long long)ids->rf_committee,
                                         (long long)ids->yingkai_rooms[1], next(a, 6, 10, 0, 0),
                                         next(a, 6, 13, 0, 0)),
                            err)
             : NULL;
    if (haircut == NULL || sign_up(db, a, hour->id, first_member, NULL, err) != 0 ||
        sign_up(db, a, haircut->id, first_member + 1, next(a, 6, 10, 0, 0), err) != 0 ||
        sign_up(db, a, haircut->id, first_member + 2, next(a, 6, 10, 0, 30), err) != 0)
        return -1;
    /* Next month's political birthday gathering of the West Tower committee. */
    int y;
    unsigned m, d;
    civil_from_days((time_now() + TIME_LOCAL_OFFSET_MIN * 60) / 86400, &y, &m, &d);
    struct birthday_request rq = {
        .org_id = ids->committee,
        .month = arena_printf(a, "%04d-%02u", m == 12 ? y + 1 : y, m == 12 ? 1u : m + 1),
    };
    struct birthday_result r;
    return birthday_schedule(db, a, &entity_cli_caller, &rq, &r, err);
}
