/* The generated people: members and applicants in the branches, and the accounts that
 * run the network (a committee admin per committee, a manager per station, and some
 * members'). */
#include <stdio.h>
#include <string.h>

#include "domain/membership.h"
#include "domain/scale_world.h"

static const char *const surnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                       "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗", "梁",
                                       "谢", "宋", "郑", "冯", "邓", "曾", "彭", "萧", "蔡", "潘"};
static const char *const given[] = {
    "伟",   "芳",   "娜",   "敏",   "静",   "丽",   "强",   "磊",   "军",   "洋",   "勇",   "艳",
    "杰",   "娟",   "涛",   "明",   "超",   "秀英", "华",   "慧",   "建华", "志强", "晓东", "海燕",
    "嘉欣", "子轩", "梓涵", "浩然", "思远", "雨桐", "俊杰", "诗琪", "家豪", "婉婷", "文博", "欣怡"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

void scale_person_name(const struct world *w, int64_t i, char *out, size_t n)
{
    uint64_t h = sc_next(sc_hash(w, R_MEMBER, (uint64_t)i));
    snprintf(out, n, "%s%s", surnames[h % N(surnames)], given[(h >> 8) % N(given)]);
}

/* A member's road, as the register would hold it: nine in ten full members (the oldest
 * with their admission only: old records are incomplete), then probationary members,
 * activists and applicants. */
static void road(const struct world *w, uint64_t h, struct road *r)
{
    int64_t today = w->anchor;
    for (int s = 0; s < STAGE__MAX; s++)
        r->day[s] = NO_DAY;
    int age = 23 + (int)(h % 40);
    r->born = today - age * 365 - (int64_t)((h >> 8) % 365);
    int64_t adult = day_add_years(r->born, 18);
    unsigned kind = (unsigned)((h >> 20) % 100);
    if (kind < 90) {
        /* admitted between 18 + 3 years and a year and a half ago */
        int64_t first = adult + 3 * 365, last = today - 550;
        int64_t admitted = first + (int64_t)((h >> 28) % (uint64_t)(last - first));
        r->day[STAGE_PROBATIONARY] = admitted;
        r->day[STAGE_FULL_MEMBER] = day_add_years(admitted, 1) + (int64_t)((h >> 40) % 30);
        if (admitted > today - 12 * 365) { /* the recent ones with their whole road */
            r->day[STAGE_DEVELOPMENT_TARGET] = admitted - 60 - (int64_t)((h >> 44) % 60);
            r->day[STAGE_ACTIVIST] = day_add_years(r->day[STAGE_DEVELOPMENT_TARGET], -1) - 30;
            r->day[STAGE_APPLICANT] = r->day[STAGE_ACTIVIST] - 90 - (int64_t)((h >> 50) % 200);
        }
    } else if (kind < 95) {
        r->day[STAGE_PROBATIONARY] = today - 30 - (int64_t)((h >> 28) % 300);
        r->day[STAGE_DEVELOPMENT_TARGET] = r->day[STAGE_PROBATIONARY] - 90;
        r->day[STAGE_ACTIVIST] = day_add_years(r->day[STAGE_DEVELOPMENT_TARGET], -1) - 10;
        r->day[STAGE_APPLICANT] = r->day[STAGE_ACTIVIST] - 120;
    } else {
        r->day[STAGE_APPLICANT] = today - 100 - (int64_t)((h >> 28) % 600);
        if (kind < 98)
            r->day[STAGE_ACTIVIST] = r->day[STAGE_APPLICANT] + 60;
    }
}

static void date_or_null(struct bulk *b, int64_t d)
{
    char s[11];
    if (d == NO_DAY) {
        bulk_null(b);
        return;
    }
    scale_date(d, s);
    bulk_text(b, s);
}

/* The branch that member i belongs to: members are laid out branch by branch. */
static int member_row(struct world *w, struct bulk *b, int64_t i, int branch, struct error *err)
{
    uint64_t h = sc_hash(w, R_MEMBER, (uint64_t)i);
    struct road r;
    char name[32], phone[24];
    road(w, h, &r);
    int64_t today = w->anchor;
    if (road_check_history(&r, today, err) != 0) {
        const char *why = err->nfields ? err->fields[0].detail : err->detail;
        return error_set(err, ERR_INTERNAL, "generated member %lld breaks a rule: %s", (long long)i,
                         why ? why : "?");
    }
    scale_person_name(w, i, name, sizeof(name));
    snprintf(phone, sizeof(phone), "147%08lld", (long long)(i % 100000000));
    int64_t made = w->now - 86400 * (100 + (int64_t)(h % 1000));
    bool activist = r.day[STAGE_ACTIVIST] != NO_DAY && r.day[STAGE_PROBATIONARY] == NO_DAY;
    bulk_int(b, w->m0 + 1 + i);
    bulk_text(b, name);
    bulk_text(b, (h >> 60) & 1 ? "female" : "male");
    date_or_null(b, r.born);
    bulk_text(b, phone);
    bulk_int(b, branch_org(w, branch));
    bulk_text(b, (h >> 52) % 20 == 0 ? "mobile" : "regular");
    date_or_null(b, r.day[STAGE_APPLICANT]);
    date_or_null(b, r.day[STAGE_ACTIVIST]);
    date_or_null(b, r.day[STAGE_DEVELOPMENT_TARGET]);
    date_or_null(b, r.day[STAGE_PROBATIONARY]);
    date_or_null(b, r.day[STAGE_FULL_MEMBER]);
    date_or_null(b, activist ? r.day[STAGE_ACTIVIST] + 90 : NO_DAY);
    bulk_int(b, made);
    bulk_int(b, made);
    return bulk_row(b, err);
}

static int members(struct world *w, struct db *db, struct error *err)
{
    struct bulk *b = bulk_open(db, BULK_MEMBERS, err);
    int rc = b ? 0 : -1;
    for (int k = 0; rc == 0 && k < w->size->branches; k++)
        for (int64_t i = w->member_first[k]; rc == 0 && i < w->member_first[k + 1]; i++)
            rc = member_row(w, b, i, k, err);
    int64_t rows = bulk_close(b, err);
    w->counts->members = rows;
    return rc == 0 && rows >= 0 ? 0 : -1;
}

/* The member behind account k of the members': the first of every hundred. */
static int64_t account_member(const struct world *w, int k)
{
    return (int64_t)k * w->size->people / w->size->member_users;
}

static int user_row(struct world *w, struct bulk *b, int64_t id, const char *username,
                    const char *display, int64_t member, struct error *err)
{
    bulk_int(b, id);
    bulk_text(b, username);
    bulk_text(b, display);
    bulk_text(b, w->password_hash);
    bulk_id_or_null(b, member);
    bulk_int(b, w->now);
    bulk_int(b, w->now);
    return bulk_row(b, err);
}

static int users(struct world *w, struct db *db, struct error *err)
{
    const struct scale_size *z = w->size;
    struct bulk *b = bulk_open(db, BULK_USERS, err);
    char username[32], display[64];
    int rc = b ? 0 : -1;
    for (int c = 0; rc == 0 && c < z->towers; c++) {
        snprintf(username, sizeof(username), "gen-committee-%04d", c + 1);
        snprintf(display, sizeof(display), "楼宇党委管理员 %04d", c + 1);
        rc = user_row(w, b, committee_user(w, c), username, display, 0, err);
    }
    for (int j = 0; rc == 0 && j < z->stations; j++) {
        snprintf(username, sizeof(username), "gen-station-%04d", j + 1);
        snprintf(display, sizeof(display), "站长 %04d", j + 1);
        rc = user_row(w, b, w->u0 + 1 + z->towers + j, username, display, 0, err);
    }
    for (int k = 0; rc == 0 && k < z->member_users; k++) {
        snprintf(username, sizeof(username), "gen-member-%05d", k + 1);
        snprintf(display, sizeof(display), "党员 %05d", k + 1);
        rc = user_row(w, b, w->u0 + 1 + z->towers + z->stations + k, username, display,
                      w->m0 + 1 + account_member(w, k), err);
    }
    int64_t rows = bulk_close(b, err);
    w->counts->users = rows;
    return rc == 0 && rows >= 0 ? 0 : -1;
}

/* The branch of member i (a binary search of the layout). */
static int branch_of(const struct world *w, int64_t i)
{
    int lo = 0, hi = w->size->branches - 1;
    while (lo < hi) {
        int mid = (lo + hi + 1) / 2;
        if (w->member_first[mid] <= i)
            lo = mid;
        else
            hi = mid - 1;
    }
    return lo;
}

static int grant_row(struct bulk *b, int64_t id, int64_t user, const char *role, int64_t org,
                     int64_t station, int64_t now, struct error *err)
{
    bulk_int(b, id);
    bulk_int(b, user);
    bulk_text(b, role);
    bulk_id_or_null(b, org);
    bulk_id_or_null(b, station);
    bulk_int(b, now);
    bulk_int(b, now);
    return bulk_row(b, err);
}

static int grants(struct world *w, struct db *db, struct error *err)
{
    const struct scale_size *z = w->size;
    struct bulk *b = bulk_open(db, BULK_GRANTS, err);
    int64_t id = w->g0;
    int rc = b ? 0 : -1;
    for (int c = 0; rc == 0 && c < z->towers; c++)
        rc = grant_row(b, ++id, committee_user(w, c), "committee_admin", committee_org(w, c), 0,
                       w->now, err);
    for (int j = 0; rc == 0 && j < z->stations; j++)
        rc = grant_row(b, ++id, w->u0 + 1 + z->towers + j, "station_manager", 0, w->s0 + 1 + j,
                       w->now, err);
    for (int k = 0; rc == 0 && k < z->member_users; k++)
        rc = grant_row(b, ++id, w->u0 + 1 + z->towers + z->stations + k, "member",
                       branch_org(w, branch_of(w, account_member(w, k))), 0, w->now, err);
    int64_t rows = bulk_close(b, err);
    w->counts->grants = rows;
    return rc == 0 && rows >= 0 ? 0 : -1;
}

int scale_people(struct world *w, struct db *db, struct error *err)
{
    if (members(w, db, err) || users(w, db, err) || grants(w, db, err))
        return -1;
    return 0;
}
