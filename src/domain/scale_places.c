/* The generated network's towers, organisations, stations and rooms. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"
#include "domain/scale_world.h"

static const char *const tower_prefix[] = {"珠江", "花城", "天河", "体育", "华夏", "金穗",
                                           "冼村", "猎德", "员村", "石牌", "林和", "兴盛"};
static const char *const tower_suffix[] = {"国际金融中心", "商务大厦", "广场",   "中心大厦",
                                           "国际大厦",     "发展中心", "科技园", "环球中心"};
static const char *const roads[] = {"珠江东路", "华夏路",     "花城大道", "金穗路",   "冼村路",
                                    "天河路",   "黄埔大道西", "体育东路", "林和西路", "猎德大道"};
static const char *const street_names[] = {"冼村", "猎德", "石牌", "天河南", "林和",
                                           "员村", "车陂", "棠下", "沙河",   "五山"};
static const char *const branch_names[] = {"第一党支部", "第二党支部"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* Opening hours every day, 08:30 to 21:30: the generated calendar keeps inside them. */
static const char hours[] = "[{\"day\":1,\"open\":\"08:30\",\"close\":\"21:30\"},"
                            "{\"day\":2,\"open\":\"08:30\",\"close\":\"21:30\"},"
                            "{\"day\":3,\"open\":\"08:30\",\"close\":\"21:30\"},"
                            "{\"day\":4,\"open\":\"08:30\",\"close\":\"21:30\"},"
                            "{\"day\":5,\"open\":\"08:30\",\"close\":\"21:30\"},"
                            "{\"day\":6,\"open\":\"08:30\",\"close\":\"21:30\"},"
                            "{\"day\":7,\"open\":\"08:30\",\"close\":\"21:30\"}]";

/* The default rules but for open bookings: an organisation of a busy station holds about
 * forty for the year ahead. */
static const char rules[] =
    "{\"horizon_days\":365,\"vip_horizon_days\":540,\"max_hours_per_month\":20,"
    "\"vip_max_hours_per_month\":40,\"max_open_bookings\":60,\"vip_max_open_bookings\":100,"
    "\"max_booking_minutes\":480,\"grace_minutes\":15,\"offer_minutes\":120,"
    "\"release_no_shows\":true,\"approval\":\"none\"}";

static void tower_name(const struct world *w, int t, char *out, size_t n)
{
    uint64_t h = sc_hash(w, R_TOWER, (uint64_t)t);
    snprintf(out, n, "%s%s%d座", tower_prefix[h % N(tower_prefix)],
             tower_suffix[(h >> 8) % N(tower_suffix)], t + 1);
}

static int buildings(struct world *w, struct db *db, struct error *err)
{
    struct bulk *b = bulk_open(db, BULK_BUILDINGS, err);
    char name[128], address[128];
    int64_t made = w->now - 86400 * 2000;
    for (int t = 0; b && t < w->size->towers; t++) {
        uint64_t h = sc_hash(w, R_TOWER, (uint64_t)t);
        /* the towers of a street stand around its centre, the streets along the river */
        int s = street_of(w, t);
        double lat = 23.115 + 0.012 * (s % 3) + 0.010 * (sc_unit(sc_next(h)) - 0.5);
        double lon = 113.30 + 0.018 * (s / 3) + 0.012 * (sc_unit(sc_next(h + 1)) - 0.5);
        tower_name(w, t, name, sizeof(name));
        snprintf(address, sizeof(address), "天河区%s%d号", roads[(h >> 16) % N(roads)],
                 1 + (int)((h >> 24) % 600));
        bulk_int(b, w->b0 + 1 + t);
        bulk_text(b, name);
        bulk_text(b, address);
        bulk_double(b, lat);
        bulk_double(b, lon);
        bulk_text(b, (h >> 32) % 4 == 0 ? "超甲级" : "甲级");
        bulk_int(b, 20 + (int64_t)((h >> 40) % 60));
        bulk_int(b, made);
        bulk_int(b, made);
        if (bulk_row(b, err) != 0)
            break;
    }
    return (w->counts->buildings = bulk_close(b, err)) < 0 ? -1 : 0;
}

/* One organisation row. */
static int org(struct bulk *b, int64_t id, int64_t parent, const char *path, const char *name,
               const char *kind, int64_t building, int64_t made, struct error *err)
{
    char phone[24];
    snprintf(phone, sizeof(phone), "020-3%07lld", (long long)(id % 10000000));
    bulk_int(b, id);
    bulk_int(b, parent);
    bulk_text(b, path);
    bulk_text(b, name);
    bulk_text(b, kind);
    bulk_id_or_null(b, building);
    bulk_text(b, "direct");
    bulk_text(b, strcmp(kind, "branch") == 0 ? "支部书记" : "书记");
    bulk_text(b, phone);
    bulk_int(b, made);
    bulk_int(b, made);
    return bulk_row(b, err);
}

static int orgs(struct world *w, struct db *db, struct error *err)
{
    const struct scale_size *z = w->size;
    struct bulk *b = bulk_open(db, BULK_ORGS, err);
    char path[256], name[192], tower[128];
    int64_t made = w->now - 86400 * 2000;
    int rc = b ? 0 : -1;
    for (int s = 0; rc == 0 && s < z->streets; s++) {
        snprintf(path, sizeof(path), "%s%lld/", w->root_path, (long long)street_org(w, s));
        snprintf(name, sizeof(name), "%s街楼宇联合党委", street_names[s % N(street_names)]);
        rc = org(b, street_org(w, s), w->root_org, path, name, "joint_committee", 0, made, err);
    }
    for (int c = 0; rc == 0 && c < z->towers; c++) {
        int s = street_of(w, c);
        scale_org_path(w, c, -1, path, sizeof(path));
        tower_name(w, c, tower, sizeof(tower));
        snprintf(name, sizeof(name), "%s楼宇党委", tower);
        rc = org(b, committee_org(w, c), street_org(w, s), path, name, "building_committee",
                 w->b0 + 1 + c, made, err);
    }
    for (int c = 0; rc == 0 && c < z->towers; c++) {
        tower_name(w, c, tower, sizeof(tower));
        for (int k = w->branch_first[c]; rc == 0 && k < w->branch_first[c + 1]; k++) {
            scale_org_path(w, c, k, path, sizeof(path));
            snprintf(name, sizeof(name), "%s%s", tower,
                     branch_names[(k - w->branch_first[c]) % N(branch_names)]);
            rc = org(b, branch_org(w, k), committee_org(w, c), path, name, "branch", w->b0 + 1 + c,
                     made, err);
        }
    }
    int64_t rows = bulk_close(b, err);
    w->counts->orgs = rows;
    return rc == 0 && rows >= 0 ? 0 : -1;
}

static int stations(struct world *w, struct db *db, struct error *err)
{
    struct bulk *b = bulk_open(db, BULK_STATIONS, err);
    char name[160], tower[128], phone[24];
    int64_t made = w->now - 86400 * 1900;
    for (int j = 0; b && j < w->size->stations; j++) {
        int c = j * w->step; /* the tower it stands in, whose committee runs it */
        uint64_t h = sc_hash(w, R_TOWER, (uint64_t)c);
        tower_name(w, c, tower, sizeof(tower));
        snprintf(name, sizeof(name), "%s党群服务站", tower);
        snprintf(phone, sizeof(phone), "020-8%07d", j + 1);
        bulk_int(b, w->s0 + 1 + j);
        bulk_int(b, w->b0 + 1 + c);
        bulk_text(b, name);
        bulk_int(b, 1 + (int64_t)((h >> 8) % 40));
        bulk_double(b, 200.0 + (double)((h >> 16) % 800));
        bulk_int(b, committee_org(w, c));
        bulk_text(b, hours);
        bulk_text(b, "[\"政治生日会\",\"党课\",\"预约服务\",\"免费借用场地\"]");
        bulk_text(b, "站长");
        bulk_text(b, phone);
        bulk_text(b, rules);
        bulk_int(b, made);
        bulk_int(b, made);
        if (bulk_row(b, err) != 0)
            break;
    }
    return (w->counts->stations = bulk_close(b, err)) < 0 ? -1 : 0;
}

/* Each station: a large room, a classroom, and a room for talks. */
static const struct {
    const char *name, *kind;
    int capacity;
} room_kinds[ROOMS_PER_STATION] = {
    {"党员活动室", "multi_purpose", 120},
    {"白领党员课堂", "classroom", 80},
    {"谈心谈话室", "talk_room", 10},
};

int scale_room_capacity(int room)
{
    return room_kinds[room % ROOMS_PER_STATION].capacity;
}

static int rooms(struct world *w, struct db *db, struct error *err)
{
    struct bulk *b = bulk_open(db, BULK_ROOMS, err);
    int64_t made = w->now - 86400 * 1900;
    for (int r = 0; b && r < w->size->stations * ROOMS_PER_STATION; r++) {
        bulk_int(b, w->r0 + 1 + r);
        bulk_int(b, w->s0 + 1 + r / ROOMS_PER_STATION);
        bulk_text(b, room_kinds[r % ROOMS_PER_STATION].name);
        bulk_text(b, room_kinds[r % ROOMS_PER_STATION].kind);
        bulk_int(b, room_kinds[r % ROOMS_PER_STATION].capacity);
        bulk_int(b, 1);
        bulk_int(b, made);
        bulk_int(b, made);
        if (bulk_row(b, err) != 0)
            break;
    }
    return (w->counts->rooms = bulk_close(b, err)) < 0 ? -1 : 0;
}

int scale_places(struct world *w, struct db *db, struct error *err)
{
    if (buildings(w, db, err) || orgs(w, db, err) || stations(w, db, err) || rooms(w, db, err))
        return -1;
    return 0;
}

void scale_org_path(const struct world *w, int c, int k, char *out, size_t n)
{
    int len = snprintf(out, n, "%s%lld/%lld/", w->root_path,
                       (long long)street_org(w, street_of(w, c)), (long long)committee_org(w, c));
    if (k >= 0 && len > 0 && (size_t)len < n)
        snprintf(out + len, n - (size_t)len, "%lld/", (long long)branch_org(w, k));
}

void scale_date(int64_t d, char out[11])
{
    int y;
    unsigned m, dd;
    civil_from_days(d, &y, &m, &dd);
    snprintf(out, 11, "%04d-%02u-%02u", y, m, dd);
}
