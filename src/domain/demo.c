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
#include "core/timefmt.h"
#include "domain/members.h"
#include "domain/orgs.h"
#include "domain/places.h"
#include "domain/users.h"

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

#define WEEKDAYS_AND_EVENINGS                                                                      \
    "[{\"day\":1,\"open\":\"09:00\",\"close\":\"21:30\"},"                                         \
    "{\"day\":2,\"open\":\"09:00\",\"close\":\"21:30\"},"                                          \
    "{\"day\":3,\"open\":\"09:00\",\"close\":\"21:30\"},"                                          \
    "{\"day\":4,\"open\":\"09:00\",\"close\":\"21:30\"},"                                          \
    "{\"day\":5,\"open\":\"09:00\",\"close\":\"21:30\"},"                                          \
    "{\"day\":6,\"open\":\"09:30\",\"close\":\"17:30\"}]"

/* One record of the demo: its JSON, and up to two references to records made before it
 * (by their index in steps[]), set into the named fields. */
struct step {
    const struct entity *e;
    const char *json;
    const char *ref1;
    int to1;
    const char *ref2;
    int to2;
};

#define B(i) (i) /* buildings come first in steps[], in the order of buildings[] */
enum {
    DISTRICT = 9,
    JOINT,
    WEST_COMMITTEE,
    ZHONGKE,
    PARTNER,
    RF_COMMITTEE,
    RF_BRANCHES, /* seven: one per R&F tower, in the order of buildings 2..8 */
    PARTNERSHIP = RF_BRANCHES + 7,
    WEST_STATION,
    WEST_ROOMS,
    YINGKAI_STATION = WEST_ROOMS + 3,
    YINGKAI_ROOMS,
    STEPS = YINGKAI_ROOMS + 3
};

#define ORG(name, kind, extra) "{\"name\":\"" name "\",\"kind\":\"" kind "\"" extra "}"
#define RF_BRANCH(tower)       ORG(tower "党支部", "branch", ",\"managed\":\"direct\"")
#define ROOM(name, kind, cap)  "{\"name\":\"" name "\",\"kind\":\"" kind "\",\"capacity\":" #cap "}"

static const struct step org_steps[] = {
    [DISTRICT - DISTRICT] = {&org_entity, ORG("天河区委组织部", "district_department", "")},
    [JOINT - DISTRICT] = {&org_entity, ORG("CBD南区联合党委", "joint_committee", ""), "parent_id",
                          DISTRICT},
    [WEST_COMMITTEE - DISTRICT] = {&org_entity,
                                   ORG("西塔楼宇党委", "building_committee",
                                       ",\"contact_name\":\"西塔党群服务站\""),
                                   "parent_id", JOINT, "building_id", B(0)},
    [ZHONGKE - DISTRICT] = {&org_entity, ORG("中科科创有限公司党支部", "branch", ""), "parent_id",
                            WEST_COMMITTEE, "building_id", B(0)},
    /* A state-owned company's branch reports elsewhere: no parent here, a partner of the
     * West Tower committee. */
    [PARTNER - DISTRICT] = {&org_entity, ORG("广州市城市建设开发有限公司产品与营销联合党支部",
                                             "partner", ",\"managed\":\"partner\"")},
    [RF_COMMITTEE - DISTRICT] = {&org_entity, ORG("富力物业党委", "building_committee", ""),
                                 "parent_id", JOINT, "building_id", B(2)},
    [RF_BRANCHES - DISTRICT] = {&org_entity, RF_BRANCH("富力中心"), "parent_id", RF_COMMITTEE,
                                "building_id", B(2)},
    [RF_BRANCHES + 1 - DISTRICT] = {&org_entity, RF_BRANCH("富力盈凯大厦"), "parent_id",
                                    RF_COMMITTEE, "building_id", B(3)},
    [RF_BRANCHES + 2 - DISTRICT] = {&org_entity, RF_BRANCH("富力盈丽大厦"), "parent_id",
                                    RF_COMMITTEE, "building_id", B(4)},
    [RF_BRANCHES + 3 - DISTRICT] = {&org_entity, RF_BRANCH("富力盈尊大厦"), "parent_id",
                                    RF_COMMITTEE, "building_id", B(5)},
    [RF_BRANCHES + 4 - DISTRICT] = {&org_entity, RF_BRANCH("富力盈隆广场"), "parent_id",
                                    RF_COMMITTEE, "building_id", B(6)},
    [RF_BRANCHES + 5 - DISTRICT] = {&org_entity, RF_BRANCH("富力盈盛广场"), "parent_id",
                                    RF_COMMITTEE, "building_id", B(7)},
    [RF_BRANCHES + 6 - DISTRICT] = {&org_entity, RF_BRANCH("农信大厦"), "parent_id", RF_COMMITTEE,
                                    "building_id", B(8)},
    [PARTNERSHIP - DISTRICT] = {&partnership_entity, "{}", "partner_id", PARTNER, "committee_id",
                                WEST_COMMITTEE},
    [WEST_STATION - DISTRICT] = {&station_entity,
                                 "{\"name\":\"西塔党群服务站\",\"floor\":46,\"area_m2\":558,"
                                 "\"opening_hours\":" WEEKDAYS_AND_EVENINGS ","
                                 "\"services\":[\"政治生日会\",\"西塔1小时\",\"党课\","
                                 "\"预约服务\",\"免费借用场地\"],"
                                 "\"contact_name\":\"西塔楼宇党委\"}",
                                 "building_id", B(0), "org_id", WEST_COMMITTEE},
    [WEST_ROOMS - DISTRICT] = {&room_entity, ROOM("白领党员课堂", "classroom", 60), "station_id",
                               WEST_STATION},
    [WEST_ROOMS + 1 -
        DISTRICT] = {&room_entity, ROOM("谈心谈话室", "talk_room", 6), "station_id", WEST_STATION},
    [WEST_ROOMS + 2 - DISTRICT] = {&room_entity, ROOM("会议活动室", "meeting_room", 30),
                                   "station_id", WEST_STATION},
    [YINGKAI_STATION - DISTRICT] = {&station_entity,
                                    "{\"name\":\"富力盈凯党群服务站\",\"area_m2\":1000,"
                                    "\"opening_hours\":" WEEKDAYS_AND_EVENINGS ","
                                    "\"services\":[\"读书角\",\"文化墙\",\"免费借用场地\","
                                    "\"政务自助服务\"],\"contact_name\":\"富力物业党委\","
                                    "\"booking_rules\":{\"approval\":\"outsiders\"}}",
                                    "building_id", B(3), "org_id", RF_COMMITTEE},
    [YINGKAI_ROOMS - DISTRICT] = {&room_entity, ROOM("读书角", "reading_corner", 20), "station_id",
                                  YINGKAI_STATION},
    [YINGKAI_ROOMS + 1 - DISTRICT] = {&room_entity, ROOM("第一会议室", "meeting_room", 40),
                                      "station_id", YINGKAI_STATION},
    [YINGKAI_ROOMS + 2 - DISTRICT] = {&room_entity, ROOM("第二会议室", "meeting_room", 16),
                                      "station_id", YINGKAI_STATION},
};

/* Demo users, one per kind of role, all with the demo password. */
static const struct {
    const char *username, *display_name, *role;
    int org;     /* step index of the organisation, or 0 */
    int station; /* step index of the station, or 0 */
} demo_users[] = {
    {"admin", "区委组织部管理员", "admin", 0, 0},
    {"xita", "西塔楼宇党委", "committee_admin", WEST_COMMITTEE, 0},
    {"fuli", "富力物业党委", "committee_admin", RF_COMMITTEE, 0},
    {"xita_station", "西塔党群服务站站长", "station_manager", 0, WEST_STATION},
    {"zhongke", "中科科创支部书记", "branch_secretary", ZHONGKE, 0},
    {"member", "中科科创党员", "member", ZHONGKE, 0},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void free_json(void *p)
{
    json_decref(p);
}

/* Decodes 'text' with the references filled in and stores it; returns its id. */
static int64_t add(struct db *db, struct arena *a, const struct step *s, const int64_t *ids,
                   struct error *err)
{
    json_error_t je;
    json_t *v = json_loads(s->json, 0, &je);
    if (v == NULL)
        return error_set(err, ERR_INTERNAL, "demo %s: %s", s->e->name, je.text);
    arena_defer(a, free_json, v);
    if (s->ref1)
        json_object_set_new(v, s->ref1, json_integer(ids[s->to1]));
    if (s->ref2)
        json_object_set_new(v, s->ref2, json_integer(ids[s->to2]));
    void *rec = arena_alloc(a, s->e->table->size);
    if (fields_decode(a, v, s->e->table, rec, DECODE_CREATE, err) != 0)
        return -1;
    void *stored = entity_create(db, a, &entity_cli_caller, s->e, rec, err);
    return stored ? entity_id(s->e, stored) : -1;
}

/* The users; "member" is the first member of the register (the account of a person). */
static int add_users(struct db *db, struct arena *a, const int64_t *ids, int64_t first_member,
                     const char *password, struct error *err)
{
    for (size_t i = 0; i < COUNT(demo_users); i++) {
        bool person = strcmp(demo_users[i].role, "member") == 0;
        struct user *u =
            user_add(db, a, &entity_cli_caller, demo_users[i].username, demo_users[i].display_name,
                     false, person ? first_member : 0, password, err);
        if (u == NULL)
            return -1;
        const char *json = arena_printf(a, "{\"user_id\":%lld,\"role\":\"%s\"}", (long long)u->id,
                                        demo_users[i].role);
        struct step s = {&grant_entity, json, NULL, 0, NULL, 0};
        if (demo_users[i].org)
            s.ref1 = "org_id", s.to1 = demo_users[i].org;
        if (demo_users[i].station)
            s.ref1 = "station_id", s.to1 = demo_users[i].station;
        if (add(db, a, &s, ids, err) < 0)
            return -1;
    }
    return 0;
}

/* ---- the register ---- */

static const char *const surnames[] = {"陈", "李", "黄", "张", "梁", "林", "刘", "吴",
                                       "罗", "何", "郑", "谢", "周", "冯", "叶", "蔡"};
static const char *const given[] = {"嘉欣", "志强", "晓明", "丽华", "伟杰", "慧敏", "家豪", "婉婷",
                                    "国栋", "思颖", "俊杰", "雅琪", "泽宇", "诗涵", "浩然", "美玲"};

/* A small linear congruential generator: the demo is the same every time. */
static unsigned next_rand(unsigned *state)
{
    *state = *state * 1103515245u + 12345u;
    return (*state >> 16) & 0x7fff;
}

static const char *date_text(struct arena *a, int64_t day)
{
    int y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    return arena_printf(a, "%04d-%02u-%02u", y, m, d);
}

/* One member: admitted on 'admitted' (and full a year and a few days later when that has
 * passed), born about 25-45 years before. */
static const char *member_json(struct arena *a, unsigned *rnd, int i, int64_t admitted,
                               int64_t today, const char *kind)
{
    int64_t born = admitted - (int64_t)(25 + next_rand(rnd) % 15) * 365 - next_rand(rnd) % 300;
    int64_t full = admitted + 366 + next_rand(rnd) % 20;
    const char *name =
        arena_printf(a, "%s%s", surnames[next_rand(rnd) % 16], given[next_rand(rnd) % 16]);
    return arena_printf(a,
                        "{\"name\":\"%s\",\"gender\":\"%s\",\"born_on\":\"%s\","
                        "\"phone\":\"13%09d\",\"kind\":\"%s\",\"admitted_on\":\"%s\"%s%s%s}",
                        name, next_rand(rnd) % 2 ? "female" : "male", date_text(a, born),
                        100000000 + i * 7919 % 899999999, kind, date_text(a, admitted),
                        full <= today ? ",\"full_on\":\"" : "",
                        full <= today ? date_text(a, full) : "", full <= today ? "\"" : "");
}

/* An applicant at 'stage' (0 applicant ... 2 development target), with the right gaps. */
static const char *applicant_json(struct arena *a, unsigned *rnd, int i, int stage, int64_t today)
{
    int64_t applied = today - 900 + (int64_t)(next_rand(rnd) % 200);
    int64_t activist = applied + 120, target = activist + 400;
    const char *name =
        arena_printf(a, "%s%s", surnames[next_rand(rnd) % 16], given[next_rand(rnd) % 16]);
    return arena_printf(a,
                        "{\"name\":\"%s\",\"born_on\":\"%s\",\"phone\":\"15%09d\",\"applied_on\":"
                        "\"%s\"%s%s%s%s%s%s}",
                        name, date_text(a, applied - 365 * 26), 200000000 + i * 104729 % 799999999,
                        date_text(a, applied), stage >= 1 ? ",\"activist_on\":\"" : "",
                        stage >= 1 ? date_text(a, activist) : "", stage >= 1 ? "\"" : "",
                        stage >= 2 ? ",\"target_on\":\"" : "",
                        stage >= 2 ? date_text(a, target) : "", stage >= 2 ? "\"" : "");
}

static int add_members(struct db *db, struct arena *a, const int64_t *ids, int64_t *first,
                       struct error *err)
{
    unsigned rnd = 20171201;
    int64_t now = time_now() + TIME_LOCAL_OFFSET_MIN * 60, today = now / 86400;
    int64_t since = days_from_civil(2008, 1, 1);
    struct {
        int branch, count;
        const char *kind;
    } groups[] = {
        {ZHONGKE, 32, "regular"}, /* Zhongke Kechuang: 32 members, a fifth of the committee */
        {PARTNER, 12, "partner_vip"},    {RF_BRANCHES, 10, "regular"},
        {RF_BRANCHES + 1, 8, "regular"}, {ZHONGKE, 4, "mobile"},
    };
    int serial = 0;
    for (size_t g = 0; g < COUNT(groups); g++)
        for (int i = 0; i < groups[g].count; i++, serial++) {
            /* Admission days spread over every month of the year. */
            int64_t admitted =
                since + (int64_t)(next_rand(&rnd) % 16) * 365 + (int64_t)((serial * 31 + 7) % 365);
            if (admitted > today - 30)
                admitted = today - 30 - serial;
            struct step s = {
                &member_entity, member_json(a, &rnd, serial, admitted, today, groups[g].kind),
                "branch_id",    groups[g].branch,
                NULL,           0};
            int64_t id = add(db, a, &s, ids, err);
            if (id < 0)
                return -1;
            if (serial == 0)
                *first = id;
        }
    for (int i = 0; i < 9; i++, serial++) {
        struct step s = {&member_entity, applicant_json(a, &rnd, serial, i % 3, today),
                         "branch_id",    i % 2 ? ZHONGKE : RF_BRANCHES,
                         NULL,           0};
        if (add(db, a, &s, ids, err) < 0)
            return -1;
    }
    return 0;
}

static int is_empty(struct db *db, struct arena *a, struct error *err)
{
    struct list_query lq = {.limit = 1};
    void **items;
    size_t n;
    int64_t next;
    if (entity_list(db, a, &entity_cli_caller, &building_entity, &lq, &items, &n, &next, err) != 0)
        return -1;
    return n == 0;
}

int demo_load(struct db *db, struct arena *a, const char *password, struct error *err)
{
    int empty = is_empty(db, a, err);
    if (empty < 0)
        return -1;
    if (!empty)
        return error_set(err, ERR_CONFLICT,
                         "the database already holds buildings: the demo loads into an empty one");
    int64_t ids[STEPS];
    for (size_t i = 0; i < COUNT(buildings); i++) {
        struct step s = {&building_entity, buildings[i], NULL, 0, NULL, 0};
        if ((ids[i] = add(db, a, &s, ids, err)) < 0)
            return -1;
    }
    for (size_t i = 0; i < COUNT(org_steps); i++)
        if ((ids[DISTRICT + i] = add(db, a, &org_steps[i], ids, err)) < 0)
            return -1;
    struct demo_calendar_ids cal = {
        .west_station = ids[WEST_STATION],
        .west_rooms = {ids[WEST_ROOMS], ids[WEST_ROOMS + 1], ids[WEST_ROOMS + 2]},
        .yingkai_rooms = {ids[YINGKAI_ROOMS], ids[YINGKAI_ROOMS + 1], ids[YINGKAI_ROOMS + 2]},
        .committee = ids[WEST_COMMITTEE],
        .zhongke = ids[ZHONGKE],
        .partner = ids[PARTNER],
        .tenant = ids[RF_BRANCHES + 1],
        .rf_committee = ids[RF_COMMITTEE],
    };
    int64_t first_member = 0;
    if (add_members(db, a, ids, &first_member, err) != 0 ||
        add_users(db, a, ids, first_member, password, err) != 0 ||
        demo_calendar(db, a, &cal, err) != 0)
        return -1;
    return demo_activities(db, a, &cal, first_member, err);
}
