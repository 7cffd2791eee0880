/*
 * What secretaries' files hold, as louyu takes it: the names of columns in simplified and
 * traditional Chinese and in English, and values as people type them (dates written five
 * ways, 男/女, 流动党员 ...). Pure functions: the import (import.c) applies them.
 */
#include "domain/import_values.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "core/arena.h"
#include "core/timefmt.h"

/* Header names, as Chinese offices (simplified and traditional) and English write them.
 * "branch" takes a branch's name; "#" is a row number, ignored. */
static const struct {
    const char *header, *field;
} columns[] = {
    {"姓名", "name"},
    {"name", "name"},
    {"性别", "gender"},
    {"性別", "gender"},
    {"gender", "gender"},
    {"出生日期", "born_on"},
    {"born_on", "born_on"},
    {"手机", "phone"},
    {"手机号", "phone"},
    {"手机号码", "phone"},
    {"联系电话", "phone"},
    {"手機", "phone"},
    {"手機號碼", "phone"},
    {"聯繫電話", "phone"},
    {"phone", "phone"},
    {"身份证号", "id_number"},
    {"身份证号码", "id_number"},
    {"身份證號", "id_number"},
    {"身份證號碼", "id_number"},
    {"id_number", "id_number"},
    {"编号", "external_id"},
    {"人员编号", "external_id"},
    {"編號", "external_id"},
    {"external_id", "external_id"},
    {"支部", "branch"},
    {"所在支部", "branch"},
    {"所在党支部", "branch"},
    {"所在黨支部", "branch"},
    {"branch", "branch"},
    {"支部编号", "branch_id"},
    {"branch_id", "branch_id"},
    {"类型", "kind"},
    {"党员类型", "kind"},
    {"類型", "kind"},
    {"黨員類型", "kind"},
    {"kind", "kind"},
    {"申请入党日期", "applied_on"},
    {"申請入黨日期", "applied_on"},
    {"applied_on", "applied_on"},
    {"确定积极分子日期", "activist_on"},
    {"积极分子日期", "activist_on"},
    {"確定積極分子日期", "activist_on"},
    {"activist_on", "activist_on"},
    {"确定发展对象日期", "target_on"},
    {"发展对象日期", "target_on"},
    {"確定發展對象日期", "target_on"},
    {"target_on", "target_on"},
    {"入党日期", "admitted_on"},
    {"入黨日期", "admitted_on"},
    {"admitted_on", "admitted_on"},
    {"转正日期", "full_on"},
    {"轉正日期", "full_on"},
    {"full_on", "full_on"},
    {"序号", "#"},
    {"序號", "#"},
    {"no.", "#"},
    {"#", "#"},
    /* The reason column of a file of refused rows: such a file, mended, imports as it is. */
    {"错误 error", "#"},
    {"错误", "#"},
    {"error", "#"},
};

#define NCOLUMNS (sizeof(columns) / sizeof(columns[0]))

const char *import_field_of_header(const char *h)
{
    while (*h == ' ')
        h++;
    size_t n = strlen(h);
    while (n && h[n - 1] == ' ')
        n--;
    for (size_t i = 0; i < NCOLUMNS; i++)
        if (strlen(columns[i].header) == n && strncasecmp(columns[i].header, h, n) == 0)
            return columns[i].field;
    return NULL;
}

/* Excel keeps dates as day numbers counted from 1899-12-30: 42917 is 2017-07-01. */
static const char *excel_day(struct arena *a, const char *s)
{
    size_t n = strlen(s);
    if (n < 4 || n > 6 || strspn(s, "0123456789") != n)
        return NULL;
    int64_t day = days_from_civil(1899, 12, 30) + strtol(s, NULL, 10);
    int y;
    unsigned m, d;
    civil_from_days(day, &y, &m, &d);
    return arena_printf(a, "%04d-%02u-%02u", y, m, d);
}

/* "2017-7-1", "2017/07/01", "2017.7.1", "2017年7月1日", or Excel's day number 42917 ->
 * "2017-07-01"; NULL if none. */
const char *import_normal_date(struct arena *a, const char *s)
{
    const char *excel = excel_day(a, s);
    if (excel)
        return excel;
    int y = 0, m = 0, d = 0, part = 0;
    int *cur[3] = {&y, &m, &d};
    const char *p = s;
    while (*p && part < 3) {
        if (!isdigit((unsigned char)*p))
            return NULL;
        while (isdigit((unsigned char)*p) && *cur[part] < 10000)
            *cur[part] = *cur[part] * 10 + (*p++ - '0');
        part++;
        if (*p == '-' || *p == '/' || *p == '.')
            p++;
        else if (strncmp(p, "年", 3) == 0 || strncmp(p, "月", 3) == 0)
            p += 3;
        else if (strncmp(p, "日", 3) == 0 && part == 3)
            p += 3;
    }
    if (part != 3 || *p != '\0')
        return NULL;
    const char *out = arena_printf(a, "%04d-%02d-%02d", y, m, d);
    int64_t day;
    return date_parse(out, strlen(out), &day) ? out : NULL;
}

static const char *normal_choice(const char *s, const char *const (*table)[2], size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcasecmp(s, table[i][0]) == 0)
            return table[i][1];
    return NULL;
}

static const char *const gender_words[][2] = {{"男", "male"},   {"女", "female"},
                                              {"male", "male"}, {"female", "female"},
                                              {"m", "male"},    {"f", "female"}};
static const char *const kind_words[][2] = {
    {"正式党员", "regular"},     {"预备党员", "regular"},
    {"党员", "regular"},         {"普通", "regular"},
    {"regular", "regular"},      {"正式黨員", "regular"},
    {"流动党员", "mobile"},      {"流动", "mobile"},
    {"流動黨員", "mobile"},      {"流動", "mobile"},
    {"mobile", "mobile"},        {"共建", "partner_vip"},
    {"VIP", "partner_vip"},      {"红联共建", "partner_vip"},
    {"紅聯共建", "partner_vip"}, {"partner_vip", "partner_vip"},
};

const char *import_normal_gender(const char *s)
{
    return normal_choice(s, gender_words, sizeof(gender_words) / sizeof(gender_words[0]));
}

const char *import_normal_kind(const char *s)
{
    return normal_choice(s, kind_words, sizeof(kind_words) / sizeof(kind_words[0]));
}
