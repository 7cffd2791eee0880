/* Unit tests for the field tables (core/fields.c) and opening hours (domain/hours.c). */
#include <jansson.h>
#include <stddef.h>

#include "core/arena.h"
#include "core/fields.h"
#include "core/timefmt.h"
#include "domain/hours.h"
#include "domain/places.h"
#include "unit.h"

static json_t *J(struct arena *a, const char *text);

static void free_json(void *p)
{
    json_decref(p);
}

static json_t *J(struct arena *a, const char *text)
{
    json_t *v = json_loads(text, JSON_DECODE_ANY, NULL);
    if (v)
        arena_defer(a, free_json, v);
    return v;
}

/* Decodes text as a station; returns the number of field errors, and the first pointer. */
static size_t decode(struct arena *a, const struct entity *e, const char *text,
                     enum decode_mode mode, void *rec, const char **first)
{
    struct error err;
    error_init(&err, a);
    fields_decode(a, J(a, text), e->table, rec, mode, &err);
    *first = err.nfields ? err.fields[0].pointer : NULL;
    return err.nfields;
}

void test_fields(void)
{
    struct arena *a = arena_new(0);
    struct building b;
    const char *first;
    CHECK(decode(a, &building_entity,
                 "{\"name\":\"西塔\",\"address\":\"珠江西路5号\",\"latitude\":23.1197,"
                 "\"longitude\":113.3228}",
                 DECODE_CREATE, &b, &first) == 0);
    CHECK_STR(b.name, "西塔");
    CHECK(b.latitude == 23.1197);
    CHECK(fields_is_null(building_entity.table, &b, "floors"));

    CHECK(decode(a, &building_entity,
                 "{\"name\":\"x\",\"address\":\"y\",\"latitude\":91,\"longitude\":0}",
                 DECODE_CREATE, &b, &first) == 1);
    CHECK_STR(first, "/latitude");
    CHECK(decode(a, &building_entity, "{\"name\":\"x\"}", DECODE_CREATE, &b, &first) == 3);
    CHECK(decode(a, &building_entity,
                 "{\"name\":\"  \",\"address\":\"y\",\"latitude\":1,\"longitude\":1}",
                 DECODE_CREATE, &b, &first) == 1);
    CHECK_STR(first, "/name"); /* blank */
    CHECK(decode(a, &building_entity,
                 "{\"name\":\"a\\nb\",\"address\":\"y\",\"latitude\":1,\"longitude\":1}",
                 DECODE_CREATE, &b, &first) == 1);
    CHECK_STR(first, "/name"); /* control character */
    CHECK(decode(a, &building_entity,
                 "{\"id\":3,\"a/b~\":1,\"name\":\"x\",\"address\":\"y\",\"latitude\":1,"
                 "\"longitude\":\"1\"}",
                 DECODE_CREATE, &b, &first) == 3);
    CHECK_STR(first, "/id");

    /* 100 Chinese characters are 300 bytes and allowed; 101 are not. */
    char name[512] = "{\"name\":\"";
    for (int i = 0; i < 100; i++)
        strcat(name, "楼");
    strcat(name, "\",\"address\":\"y\",\"latitude\":1,\"longitude\":1}");
    CHECK(decode(a, &building_entity, name, DECODE_CREATE, &b, &first) == 0);
    memmove(name + 12, name + 9, strlen(name + 9) + 1);
    memcpy(name + 9, "楼", 3);
    CHECK(decode(a, &building_entity, name, DECODE_CREATE, &b, &first) == 1);

    /* A patch needs the version and nothing else; it marks what it sets. */
    struct room r;
    CHECK(decode(a, &room_entity, "{\"capacity\":12}", DECODE_PATCH, &r, &first) == 1);
    CHECK_STR(first, "/version");
    CHECK(decode(a, &room_entity, "{\"version\":2,\"capacity\":12}", DECODE_PATCH, &r, &first) ==
          0);
    struct room cur = {.capacity = 30, .name = "会议活动室", .version = 2};
    fields_overlay(room_entity.table, &cur, &r);
    CHECK(cur.capacity == 12);
    CHECK_STR(cur.name, "会议活动室");
    CHECK(decode(a, &room_entity, "{\"version\":2,\"kind\":\"ballroom\"}", DECODE_PATCH, &r,
                 &first) == 1);
    CHECK(decode(a, &room_entity, "{\"version\":2,\"name\":null}", DECODE_PATCH, &r, &first) == 1);
    CHECK(decode(a, &room_entity, "[1,2]", DECODE_CREATE, &r, &first) == 1);

    /* Defaults of absent optional fields. */
    struct station s;
    CHECK(decode(a, &station_entity, "{\"building_id\":1,\"name\":\"站\",\"area_m2\":558}",
                 DECODE_CREATE, &s, &first) == 0);
    CHECK_STR(s.opening_hours, "[]");
    CHECK_STR(s.services, "[]");
    CHECK(fields_is_null(station_entity.table, &s, "org_id"));
    CHECK(decode(a, &station_entity, "{\"building_id\":0,\"name\":\"站\",\"area_m2\":-1}",
                 DECODE_CREATE, &s, &first) == 2);
    arena_free(a);
}

static const char *canon(struct arena *a, const char *text, const char **why)
{
    char *out = NULL;
    *why = NULL;
    if (hours_canon(a, J(a, text), &out, why) != 0)
        return NULL;
    return out;
}

void test_hours(void)
{
    struct arena *a = arena_new(0);
    const char *why;
    CHECK_STR(canon(a,
                    "[{\"day\":3,\"open\":\"18:00\",\"close\":\"21:30\"},"
                    "{\"close\":\"12:00\",\"open\":\"09:00\",\"day\":3},"
                    "{\"day\":1,\"open\":\"09:00\",\"close\":\"24:00\"}]",
                    &why),
              "[{\"day\":1,\"open\":\"09:00\",\"close\":\"24:00\"},"
              "{\"day\":3,\"open\":\"09:00\",\"close\":\"12:00\"},"
              "{\"day\":3,\"open\":\"18:00\",\"close\":\"21:30\"}]");
    CHECK(canon(a,
                "[{\"day\":3,\"open\":\"09:00\",\"close\":\"12:00\"},"
                "{\"day\":3,\"open\":\"11:00\",\"close\":\"13:00\"}]",
                &why) == NULL);
    CHECK(why && strstr(why, "overlap"));
    CHECK(canon(a, "[{\"day\":8,\"open\":\"09:00\",\"close\":\"12:00\"}]", &why) == NULL);
    CHECK(canon(a, "[{\"day\":1,\"open\":\"12:00\",\"close\":\"09:00\"}]", &why) == NULL);
    CHECK(canon(a, "[{\"day\":1,\"open\":\"9:00\",\"close\":\"12:00\"}]", &why) == NULL);
    CHECK(canon(a, "[{\"day\":1,\"open\":\"09:00\",\"close\":\"24:30\"}]", &why) == NULL);
    CHECK(canon(a, "[{\"day\":1,\"open\":\"09:00\",\"close\":\"12:00\",\"x\":1}]", &why) == NULL);
    CHECK(canon(a, "{}", &why) == NULL);
    CHECK_STR(canon(a, "[]", &why), "[]");

    struct week_hours h;
    CHECK(hours_parse(a,
                      J(a, "[{\"day\":1,\"open\":\"09:00\",\"close\":\"21:30\"},"
                           "{\"day\":6,\"open\":\"09:30\",\"close\":\"17:30\"}]"),
                      &h, &why) == 0);
    /* 2026-11-30 is a Monday, 2026-12-05 a Saturday, 2026-12-06 a Sunday. */
    CHECK(hours_cover(&h, unit_time("2026-11-30T19:00:00+08:00"),
                      unit_time("2026-11-30T21:30:00+08:00")));
    CHECK(!hours_cover(&h, unit_time("2026-11-30T21:00:00+08:00"),
                       unit_time("2026-11-30T22:00:00+08:00")));
    CHECK(!hours_cover(&h, unit_time("2026-11-30T08:30:00+08:00"),
                       unit_time("2026-11-30T10:00:00+08:00")));
    CHECK(hours_cover(&h, unit_time("2026-12-05T01:30:00Z"), unit_time("2026-12-05T09:30:00Z")));
    CHECK(!hours_cover(&h, unit_time("2026-12-06T10:00:00+08:00"),
                       unit_time("2026-12-06T11:00:00+08:00")));
    CHECK(!hours_cover(&h, unit_time("2026-11-30T10:00:00+08:00"),
                       unit_time("2026-11-30T10:00:00+08:00")));

    char *out;
    CHECK(services_canon(a, J(a, "[\"读书角\",\"文化墙\"]"), &out, &why) == 0);
    CHECK_STR(out, "[\"读书角\",\"文化墙\"]");
    CHECK(services_canon(a, J(a, "[\"读书角\",\"读书角\"]"), &out, &why) != 0);
    CHECK(services_canon(a, J(a, "[\"\"]"), &out, &why) != 0);
    CHECK(services_canon(a, J(a, "[1]"), &out, &why) != 0);
    arena_free(a);
}
