/* The rules of activities, as pure functions (see activity_rules.h). */
#include "domain/activity_rules.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/timefmt.h"

const char *const activity_kinds[] = {
    "party_lesson",        /* 党课 */
    "theme_party_day",     /* 主题党日 */
    "political_birthday",  /* 政治生日会 */
    "volunteer_service",   /* 志愿服务 */
    "study",               /* 学习 */
    "sharing",             /* 分享 */
    "appointment_service", /* 预约服务 */
    "other",
    NULL,
};

const char *const activity_audiences[] = {"host", "committee", "partners", "anyone", NULL};

const char *const activity_statuses[] = {"draft", "published", "cancelled", "held", NULL};

#define SLOT_MIN_MINUTES 5
#define SLOT_MAX_MINUTES 240

int activity_check_slots(int64_t start, int64_t end, bool has_slots, int64_t slot_minutes,
                         bool has_capacity, int64_t slot_capacity, int64_t capacity,
                         struct error *err)
{
    if (has_slots != has_capacity)
        return error_field(err, ERR_RULE, has_slots ? "/slot_capacity" : "/slot_minutes",
                           "an appointment service gives both slot_minutes and slot_capacity");
    if (!has_slots)
        return 0;
    if (slot_minutes < SLOT_MIN_MINUTES || slot_minutes > SLOT_MAX_MINUTES)
        return error_field(err, ERR_RULE, "/slot_minutes", "must be from %d to %d minutes",
                           SLOT_MIN_MINUTES, SLOT_MAX_MINUTES);
    if ((end - start) % (slot_minutes * 60) != 0)
        return error_field(err, ERR_RULE, "/slot_minutes",
                           "must divide the activity's %" PRId64 " minutes into whole slots",
                           (end - start) / 60);
    if (slot_capacity < 1 || slot_capacity > capacity)
        return error_field(err, ERR_RULE, "/slot_capacity",
                           "must be from 1 to the activity's capacity (%" PRId64 ")", capacity);
    return 0;
}

int64_t activity_slot_count(int64_t start, int64_t end, int64_t slot_minutes)
{
    return slot_minutes > 0 ? (end - start) / (slot_minutes * 60) : 1;
}

int activity_check_slot(int64_t start, int64_t end, int64_t slot_minutes, int64_t slot_start,
                        struct error *err)
{
    int64_t len = slot_minutes * 60;
    if (slot_start < start || slot_start + len > end || (slot_start - start) % len != 0) {
        error_field(err, ERR_RULE, "/slot_start",
                    "must be the start of one of the %" PRId64 "-minute slots from %s",
                    slot_minutes, rfc3339_local(err->arena, start));
        return error_rule(err, "slot");
    }
    return 0;
}

static int wrong_status(const char *status, struct error *err)
{
    const char *why = strcmp(status, "draft") == 0       ? "is not published yet"
                      : strcmp(status, "cancelled") == 0 ? "was cancelled"
                                                         : "is over";
    error_set(err, ERR_CONFLICT, "the activity %s", why);
    return error_rule(err, "status");
}

int activity_check_signup(const char *status, int64_t end, int64_t now, struct error *err)
{
    if (strcmp(status, "published") != 0)
        return wrong_status(status, err);
    if (now >= end) {
        error_set(err, ERR_CONFLICT, "the activity ended at %s: sign-up is closed",
                  rfc3339_local(err->arena, end));
        return error_rule(err, "signup_closed");
    }
    return 0;
}

int activity_check_checkin(const char *status, int64_t start, int64_t end, int64_t now, bool desk,
                           struct error *err)
{
    if (strcmp(status, "published") != 0 && strcmp(status, "held") != 0)
        return wrong_status(status, err);
    int64_t opens = start - ACTIVITY_CHECKIN_EARLY_S;
    int64_t closes = desk ? end + ACTIVITY_DESK_LATE_S : end;
    if (now < opens) {
        error_set(err, ERR_CONFLICT, "check-in opens at %s, 30 minutes before the start",
                  rfc3339_local(err->arena, opens));
        return error_rule(err, "check_in_window");
    }
    if (now >= closes) {
        error_set(err, ERR_CONFLICT, "check-in closed at %s%s", rfc3339_local(err->arena, closes),
                  desk ? "" : ", when the activity ended: ask the staff at the desk");
        return error_rule(err, "check_in_window");
    }
    return 0;
}

bool activity_has_place(int64_t taken, int64_t capacity, int64_t slot_taken, int64_t slot_capacity)
{
    return taken < capacity && (slot_capacity == 0 || slot_taken < slot_capacity);
}

int64_t activity_volunteer_minutes(const char *kind, int64_t start, int64_t end)
{
    return strcmp(kind, "volunteer_service") == 0 ? (end - start) / 60 : 0;
}

void person_key(char out[PERSON_KEY_MAX], int64_t member_id, int64_t user_id, const char *phone)
{
    if (member_id)
        snprintf(out, PERSON_KEY_MAX, "m:%" PRId64, member_id);
    else if (user_id)
        snprintf(out, PERSON_KEY_MAX, "u:%" PRId64, user_id);
    else
        snprintf(out, PERSON_KEY_MAX, "p:%s", phone ? phone : "");
}

bool person_is_member(const char *key)
{
    return key[0] == 'm' && key[1] == ':';
}

size_t path_ids(const char *path, int64_t *out, size_t max)
{
    size_t n = 0;
    if (path == NULL || path[0] != '/')
        return 0;
    for (const char *p = path + 1; *p && n < max;) {
        int64_t v = 0;
        const char *q = p;
        while (*q >= '0' && *q <= '9' && v < INT64_MAX / 10)
            v = v * 10 + (*q++ - '0');
        if (q == p || *q != '/' || v == 0)
            return 0;
        out[n++] = v;
        p = q + 1;
    }
    return n;
}

int64_t local_year(int64_t t)
{
    int64_t local = t + TIME_LOCAL_OFFSET_MIN * 60;
    int64_t days = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
    int y;
    unsigned m, d;
    civil_from_days(days, &y, &m, &d);
    return y;
}

int month_days(const char *month, int64_t *first, int64_t *next)
{
    if (month == NULL || strlen(month) != 7 || month[4] != '-')
        return -1;
    for (int i = 0; i < 7; i++)
        if (i != 4 && (month[i] < '0' || month[i] > '9'))
            return -1;
    int y = atoi(month), m = atoi(month + 5);
    if (y < 2000 || y > 2200 || m < 1 || m > 12)
        return -1;
    *first = days_from_civil(y, (unsigned)m, 1);
    *next = m == 12 ? days_from_civil(y + 1, 1, 1) : days_from_civil(y, (unsigned)m + 1, 1);
    return 0;
}
