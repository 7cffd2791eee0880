/* The rules of the road to membership, and the masks of personal data. */
#include "domain/membership.h"

#include <stdio.h>
#include <string.h>

#include "core/timefmt.h"

const char *const stage_names[] = {"applicant",    "activist",    "development_target",
                                   "probationary", "full_member", "transferred_out",
                                   "deceased",     NULL};

#define ADULT_AGE         18
#define CULTIVATION_YEARS 1 /* as an activist, before becoming a development target */
#define PROBATION_YEARS   1 /* as a probationary member, before full membership */
#define QUARTER_MONTHS    3

static int64_t day_add_months(int64_t day, int n);

/* The furthest stage on the road itself (not counting leaving it); -1 when none. */
static int road_current_on_road(const struct road *r)
{
    int now = -1;
    for (int s = 0; s < STAGE_TRANSFERRED_OUT; s++)
        if (r->day[s] != NO_DAY)
            now = s;
    return now;
}

int road_current(const struct road *r)
{
    int now = -1;
    for (int s = 0; s < STAGE__MAX; s++)
        if (r->day[s] != NO_DAY)
            now = s;
    return now;
}

int64_t day_add_years(int64_t day, int n)
{
    int y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    if (m == 2 && d == 29) {
        int64_t next = days_from_civil(y + n, 3, 1);
        bool leap = ((y + n) % 4 == 0 && (y + n) % 100 != 0) || (y + n) % 400 == 0;
        return leap ? next - 1 : next;
    }
    return days_from_civil(y + n, m, d);
}

int years_between(int64_t from, int64_t to)
{
    int years = 0;
    while (day_add_years(from, years + 1) <= to)
        years++;
    return years;
}

static const char *day_text(int64_t day, char buf[16])
{
    int y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    snprintf(buf, 16, "%04d-%02u-%02u", y, m, d);
    return buf;
}

/* The stage that must come right before 'to' on the road, or -1 for the first. */
static int previous_on_road(enum stage to)
{
    return to == STAGE_APPLICANT ? -1 : (int)to - 1;
}

static int check_timing(const struct road *r, enum stage to, int64_t on, struct error *err)
{
    char a[16], b[16];
    if (to == STAGE_APPLICANT && r->born != NO_DAY && on < day_add_years(r->born, ADULT_AGE))
        return error_set(err, ERR_RULE,
                         "an applicant must be at least %d years old (born %s, applied %s)",
                         ADULT_AGE, day_text(r->born, a), day_text(on, b));
    if (to == STAGE_DEVELOPMENT_TARGET &&
        on < day_add_years(r->day[STAGE_ACTIVIST], CULTIVATION_YEARS))
        return error_set(err, ERR_RULE,
                         "an activist needs at least one year of cultivation before becoming a "
                         "development target (activist since %s: not before %s)",
                         day_text(r->day[STAGE_ACTIVIST], a),
                         day_text(day_add_years(r->day[STAGE_ACTIVIST], CULTIVATION_YEARS), b));
    if (to == STAGE_FULL_MEMBER && on < day_add_years(r->day[STAGE_PROBATIONARY], PROBATION_YEARS))
        return error_set(err, ERR_RULE,
                         "a probationary member becomes a full member after one year at the "
                         "earliest (admitted %s: not before %s)",
                         day_text(r->day[STAGE_PROBATIONARY], a),
                         day_text(day_add_years(r->day[STAGE_PROBATIONARY], PROBATION_YEARS), b));
    return 0;
}

int road_check(const struct road *r, enum stage to, int64_t on, int64_t today, struct error *err)
{
    char a[16], b[16];
    int now = road_current(r);
    if (on > today)
        return error_set(err, ERR_RULE, "a stage cannot be dated in the future (%s)",
                         day_text(on, a));
    if (now >= 0 && on < r->day[now])
        return error_set(err, ERR_RULE,
                         "the date of a stage cannot be before the previous stage's (%s is "
                         "before %s, when the person became %s)",
                         day_text(on, a), day_text(r->day[now], b), stage_names[now]);
    if (now == STAGE_DECEASED || now == STAGE_TRANSFERRED_OUT)
        return error_set(err, ERR_RULE, "a person who is %s has no further stages",
                         stage_names[now]);
    if (to == STAGE_DECEASED || to == STAGE_TRANSFERRED_OUT) {
        if (now < 0)
            return error_set(err, ERR_RULE, "a person not yet on the road cannot become %s",
                             stage_names[to]);
        return 0;
    }
    if (previous_on_road(to) != now)
        return error_set(err, ERR_RULE,
                         "the road goes applicant, activist, development target, probationary, "
                         "full member, one stage at a time: %s cannot become %s",
                         now < 0 ? "someone not yet on it" : stage_names[now], stage_names[to]);
    return check_timing(r, to, on, err);
}

int road_check_history(const struct road *r, int64_t today, struct error *err)
{
    char a[16], b[16];
    int last = -1;
    for (int s = 0; s < STAGE__MAX; s++) {
        int64_t on = r->day[s];
        if (on == NO_DAY)
            continue;
        if (on > today)
            return error_set(err, ERR_RULE, "a stage cannot be dated in the future (%s: %s)",
                             stage_names[s], day_text(on, a));
        if (s >= STAGE_TRANSFERRED_OUT && last >= STAGE_TRANSFERRED_OUT)
            return error_set(err, ERR_RULE, "a person leaves the register once, not as %s and %s",
                             stage_names[last], stage_names[s]);
        if (last >= 0 && on < r->day[last])
            return error_set(err, ERR_RULE,
                             "the date of a stage cannot be before the previous stage's (%s %s "
                             "is before %s %s)",
                             stage_names[s], day_text(on, a), stage_names[last],
                             day_text(r->day[last], b));
        /* The minimum periods, where the stage right before is known too. */
        if (s > 0 && s < STAGE_TRANSFERRED_OUT && r->day[s - 1] != NO_DAY) {
            struct road before = *r;
            for (int k = s; k < STAGE__MAX; k++)
                before.day[k] = NO_DAY;
            if (check_timing(&before, (enum stage)s, on, err) != 0)
                return -1;
        }
        /* Applying comes first: whatever the earliest known stage is, it was reached at 18
         * or older. */
        if (last < 0 && s < STAGE_TRANSFERRED_OUT && check_timing(r, STAGE_APPLICANT, on, err) != 0)
            return -1;
        last = s;
    }
    if (last < 0)
        return error_set(err, ERR_RULE,
                         "a person on the register has the date of at least one "
                         "stage (applied_on, activist_on, ... full_on)");
    if (last >= STAGE_TRANSFERRED_OUT && road_current_on_road(r) < 0)
        return error_set(err, ERR_RULE, "a person who left the register was on the road first");
    return 0;
}

int64_t thought_report_cutoff(int64_t today)
{
    return day_add_months(today, -QUARTER_MONTHS);
}

bool political_birthday_in(int64_t admitted, unsigned month)
{
    int y;
    unsigned m, d;
    civil_from_days(admitted, &y, &m, &d);
    return m == month;
}

/* The same day n months later, clamped to the month's last day. */
static int64_t day_add_months(int64_t day, int n)
{
    int y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    int total = y * 12 + (int)m - 1 + n; /* months since year 0, so n may be negative */
    int ny = total / 12;
    unsigned nm = (unsigned)(total % 12) + 1;
    int64_t first_next = days_from_civil(nm == 12 ? ny + 1 : ny, nm == 12 ? 1 : nm + 1, 1);
    int64_t last = first_next - 1;
    int64_t want = days_from_civil(ny, nm, 1) + (int64_t)d - 1;
    return want < last ? want : last;
}

bool thought_report_overdue(int64_t activist_since, int64_t last_report, int64_t today)
{
    int64_t since = last_report != NO_DAY ? last_report : activist_since;
    return today > day_add_months(since, QUARTER_MONTHS);
}

/* Keeps 'head' leading and 'tail' trailing characters (ASCII), stars in between. */
static void keep_ends(const char *s, size_t head, size_t tail, char *out, size_t n)
{
    size_t len = strlen(s);
    if (len >= n)
        len = n - 1;
    for (size_t i = 0; i < len; i++)
        out[i] = i < head || i >= len - tail || len <= head + tail ? s[i] : '*';
    if (len <= head + tail) /* too short to show anything safely */
        memset(out, '*', len);
    out[len] = '\0';
}

void mask_phone(const char *phone, char *out, size_t n)
{
    keep_ends(phone, 3, 4, out, n);
}

void mask_birth_date(const char *date, char *out, size_t n)
{
    keep_ends(date, 4, 0, out, n);
    for (char *p = out; *p; p++)
        if (p - out == 4 || p - out == 7)
            *p = '-';
}

void mask_identifier(const char *id, char *out, size_t n)
{
    keep_ends(id, 3, 2, out, n);
}
