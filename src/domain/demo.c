/*
 * The demo network: the West Tower and its twin, the R&F towers, and their
 * stations, after the 2020 Guangzhou Daily report. The West Tower and East
 * Tower coordinates are approximately right; the R&F towers' exact positions
 * are not known to us, so they are placed plausibly inside Zhujiang New
 * Town's office core (23.112-23.130 N, 113.315-113.335 E) and say so in
 * their address.
 *
 * Every record goes through the same decoding and checks as one sent to the
 * API, so the demo cannot hold what the API would refuse.
 */
#include "domain/demo.h"

#include <jansson.h>
#include <stddef.h>
#include <string.h>

#include "core/arena.h"
#include "domain/places.h"

#define APPROX "（位置为示意）"

static const char *const buildings[] = {
    "{\"name\":\"广州国际金融中心（西塔）\",\"address\":\"珠江西路5号\",\"grade\":\"超甲级\","
    "\"latitude\":23.1197,\"longitude\":113.3228,\"floors\":103}",
    "{\"name\":\"周大福金融中心（东塔）\",\"address\":\"珠江东路6号\",\"grade\":\"超甲级\","
    "\"latitude\":23.1203,\"longitude\":113.3267,\"floors\":111}",
    "{\"name\":\"富力中心\",\"address\":\"珠江新城" APPROX "\",\"grade\":\"甲级\","
    "\"latitude\":23.1236,\"longitude\":113.3262}",
    "{\"name\":\"富力盈凯大厦\",\"address\":\"珠江新城" APPROX "\",\"grade\":\"甲级\","
    "\"latitude\":23.1205,\"longitude\":113.3302}",
    "{\"name\":\"富力盈丽大厦\",\"address\":\"珠江新城" APPROX "\",\"grade\":\"甲级\","
    "\"latitude\":23.1251,\"longitude\":113.3238}",
    "{\"name\":\"富力盈尊大厦\",\"address\":\"珠江新城" APPROX "\",\"grade\":\"甲级\","
    "\"latitude\":23.1174,\"longitude\":113.3291}",
    "{\"name\":\"富力盈隆广场\",\"address\":\"珠江新城" APPROX "\",\"grade\":\"甲级\","
    "\"latitude\":23.1268,\"longitude\":113.3196}",
    "{\"name\":\"富力盈盛广场\",\"address\":\"珠江新城" APPROX "\",\"grade\":\"甲级\","
    "\"latitude\":23.1159,\"longitude\":113.3212}",
    "{\"name\":\"农信大厦\",\"address\":\"珠江新城" APPROX "\",\"grade\":\"甲级\","
    "\"latitude\":23.1282,\"longitude\":113.3275}",
};

enum { WEST_TOWER = 0, YINGKAI = 3 };

#define WEEKDAYS_AND_EVENINGS                                                                      \
    "[{\"day\":1,\"open\":\"09:00\",\"close\":\"21:30\"},"                                         \
    "{\"day\":2,\"open\":\"09:00\",\"close\":\"21:30\"},"                                          \
    "{\"day\":3,\"open\":\"09:00\",\"close\":\"21:30\"},"                                          \
    "{\"day\":4,\"open\":\"09:00\",\"close\":\"21:30\"},"                                          \
    "{\"day\":5,\"open\":\"09:00\",\"close\":\"21:30\"},"                                          \
    "{\"day\":6,\"open\":\"09:30\",\"close\":\"17:30\"}]"

static const struct {
    int building; /* index into buildings */
    const char *station;
    const char *rooms[4];
} stations[] = {
    {WEST_TOWER,
     "{\"name\":\"西塔党群服务站\",\"floor\":46,\"area_m2\":558,"
     "\"opening_hours\":" WEEKDAYS_AND_EVENINGS ","
     "\"services\":[\"政治生日会\",\"西塔1小时\",\"党课\",\"预约服务\",\"免费借用场地\"],"
     "\"contact_name\":\"西塔楼宇党委\"}",
     {"{\"name\":\"白领党员课堂\",\"kind\":\"classroom\",\"capacity\":60}",
      "{\"name\":\"谈心谈话室\",\"kind\":\"talk_room\",\"capacity\":6}",
      "{\"name\":\"会议活动室\",\"kind\":\"meeting_room\",\"capacity\":30}"}},
    {YINGKAI,
     "{\"name\":\"富力盈凯党群服务站\",\"area_m2\":1000,"
     "\"opening_hours\":" WEEKDAYS_AND_EVENINGS ","
     "\"services\":[\"读书角\",\"文化墙\",\"免费借用场地\",\"政务自助服务\"],"
     "\"contact_name\":\"富力物业党委\"}",
     {"{\"name\":\"读书角\",\"kind\":\"reading_corner\",\"capacity\":20}",
      "{\"name\":\"第一会议室\",\"kind\":\"meeting_room\",\"capacity\":40}",
      "{\"name\":\"第二会议室\",\"kind\":\"meeting_room\",\"capacity\":16}"}},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void free_json(void *p)
{
    json_decref(p);
}

/* Decodes 'text' (with 'ref' = parent_id added when ref is not NULL) and stores it. */
static int64_t add(struct db *db, struct arena *a, const struct entity *e, const char *text,
                   const char *ref, int64_t parent_id, struct error *err)
{
    json_error_t je;
    json_t *v = json_loads(text, 0, &je);
    if (v == NULL)
        return error_set(err, ERR_INTERNAL, "demo %s: %s", e->name, je.text);
    arena_defer(a, free_json, v);
    if (ref)
        json_object_set_new(v, ref, json_integer(parent_id));
    void *rec = arena_alloc(a, e->table->size);
    if (fields_decode(a, v, e->table, rec, DECODE_CREATE, err) != 0)
        return -1;
    void *stored = entity_create(db, a, e, rec, err);
    return stored ? entity_id(e, stored) : -1;
}

static int is_empty(struct db *db, struct arena *a, struct error *err)
{
    struct list_query lq = {.limit = 1};
    void **items;
    size_t n;
    int64_t next;
    if (entity_list(db, a, &building_entity, &lq, &items, &n, &next, err) != 0)
        return -1;
    return n == 0;
}

int demo_load(struct db *db, struct arena *a, struct error *err)
{
    int empty = is_empty(db, a, err);
    if (empty < 0)
        return -1;
    if (!empty)
        return error_set(err, ERR_CONFLICT,
                         "the database already holds buildings: the demo loads into an empty one");
    int64_t ids[COUNT(buildings)];
    for (size_t i = 0; i < COUNT(buildings); i++)
        if ((ids[i] = add(db, a, &building_entity, buildings[i], NULL, 0, err)) < 0)
            return -1;
    for (size_t s = 0; s < COUNT(stations); s++) {
        int64_t sid = add(db, a, &station_entity, stations[s].station, "building_id",
                          ids[stations[s].building], err);
        if (sid < 0)
            return -1;
        for (size_t r = 0; r < COUNT(stations[s].rooms) && stations[s].rooms[r]; r++)
            if (add(db, a, &room_entity, stations[s].rooms[r], "station_id", sid, err) < 0)
                return -1;
    }
    return 0;
}
