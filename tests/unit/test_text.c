/* Unit tests for CSV (core/csv.c) and encodings (core/textenc.c). */
#include <iconv.h>
#include <stdlib.h>

#include "core/arena.h"
#include "core/csv.h"
#include "core/textenc.h"
#include "domain/import_values.h"
#include "unit.h"

/* s converted from UTF-8 to 'to', in a malloc'd buffer. */
static char *encode(const char *s, const char *to, size_t *n)
{
    iconv_t cd = iconv_open(to, "UTF-8");
    size_t left = strlen(s), room = left * 4 + 4;
    char *out = malloc(room), *o = out, *in = (char *)s;
    iconv(cd, &in, &left, &o, &room);
    iconv_close(cd);
    *n = (size_t)(o - out);
    return out;
}

static void test_csv(void)
{
    const char *data = "姓名,手机,备注\r\n陈嘉欣,13812345678,\"说 \"\"你好\"\",再见\"\r\n\r\n"
                       "\"多\n行\",1,x\nlast,2,";
    struct csv_reader r;
    struct csv_row row;
    const char *why = NULL;
    csv_init(&r, data, strlen(data));
    CHECK(csv_next(&r, &row, &why) == 1 && row.nfields == 3 && row.line == 1);
    CHECK_STR(row.fields[0], "姓名");
    CHECK(csv_next(&r, &row, &why) == 1 && row.line == 2);
    CHECK_STR(row.fields[2], "说 \"你好\",再见");
    CHECK(csv_next(&r, &row, &why) == 1 && row.line == 4);
    CHECK_STR(row.fields[0], "多\n行");
    CHECK(csv_next(&r, &row, &why) == 1 && row.line == 6 && row.nfields == 3);
    CHECK_STR(row.fields[2], "");
    CHECK(csv_next(&r, &row, &why) == 0);
    csv_release(&r);

    const char *bad[] = {"a,\"open\n", "a,b\"c\n", "\"x\"y,z\n"};
    for (size_t i = 0; i < 3; i++) {
        csv_init(&r, bad[i], strlen(bad[i]));
        why = NULL;
        CHECK(csv_next(&r, &row, &why) == -1 && why != NULL && row.nfields == 0);
        csv_release(&r);
    }

    struct buf out = BUF_INIT;
    csv_put(&out, "plain", true);
    csv_put(&out, "a,b", false);
    csv_put(&out, "say \"hi\"", false);
    csv_put(&out, "=cmd|' /C calc'!A0", false);
    csv_put(&out, "-1+1", false);
    csv_put(&out, "", false);
    csv_put(&out, "'=x", false);
    CHECK_STR(out.data, "plain,\"a,b\",\"say \"\"hi\"\"\",\"'=cmd|' /C calc'!A0\",\"'-1+1\",,"
                        "\"''=x\"");
    buf_free(&out);
    const char *back[] = {"=1+2", "'=x", "''-7", "'plain", "-"};
    for (size_t i = 0; i < 5; i++) {
        struct buf one = BUF_INIT;
        csv_put(&one, back[i], true);
        struct csv_reader rd;
        csv_init(&rd, one.data, one.len);
        CHECK(csv_next(&rd, &row, &why) == 1);
        CHECK_STR(csv_unguard(row.fields[0]), back[i]);
        csv_release(&rd);
        buf_free(&one);
    }
}

static void test_encodings(void)
{
    struct arena *a = arena_new(0);
    const char *text = "姓名,支部\n陈嘉欣,中科科创有限公司党支部\n黄志强,西塔楼宇党委\n";
    size_t n;
    char *gb = encode(text, "GB18030", &n);
    CHECK(strcmp(textenc_detect(gb, n), "gb18030") == 0);
    struct buf out = BUF_INIT;
    struct error err;
    error_init(&err, a);
    const char *used;
    CHECK(textenc_to_utf8(gb, n, NULL, &out, &used, &err) == 0);
    CHECK_STR(out.data, text);
    buf_reset(&out);
    /* A GBK file read as UTF-8: refused, naming the line. */
    CHECK(textenc_to_utf8(gb, n, "utf-8", &out, &used, &err) != 0);
    CHECK(err.detail && strstr(err.detail, "line 1") && strstr(err.detail, "GBK"));
    free(gb);

    const char *trad = "姓名,支部\n陳嘉欣,中科科創有限公司黨支部\n黃志強,西塔樓宇黨委\n";
    char *big5 = encode(trad, "BIG5", &n);
    CHECK(strcmp(textenc_detect(big5, n), "big5") == 0);
    buf_reset(&out);
    error_init(&err, a);
    CHECK(textenc_to_utf8(big5, n, NULL, &out, &used, &err) == 0 && strcmp(used, "big5") == 0);
    CHECK_STR(out.data, trad);
    free(big5);

    /* UTF-8 with Excel's BOM: the BOM goes. */
    buf_reset(&out);
    CHECK(textenc_to_utf8("\xEF\xBB\xBFname\n", 8, NULL, &out, &used, &err) == 0);
    CHECK_STR(out.data, "name\n");
    buf_free(&out);

    CHECK(textenc_garbled("\xC3\xA5\xC2\xA4\xC2\xA9\xC3\xA6\xC2\xB2\xC2\xB3")); /* "å¤©æ²³" */
    CHECK(textenc_garbled("陈\xEF\xBF\xBD"));                                   /* U+FFFD */
    CHECK(!textenc_garbled("陈嘉欣"));
    CHECK(!textenc_garbled("Zoë Müller, Renée"));
    arena_free(a);
}

void test_text(void)
{
    test_csv();
    test_encodings();
}

void test_import_values(void)
{
    struct arena *a = arena_new(0);
    CHECK_STR(import_normal_date(a, "2017-7-1"), "2017-07-01");
    CHECK_STR(import_normal_date(a, "2017/07/01"), "2017-07-01");
    CHECK_STR(import_normal_date(a, "2017.7.1"), "2017-07-01");
    CHECK_STR(import_normal_date(a, "2017年7月1日"), "2017-07-01");
    CHECK_STR(import_normal_date(a, "42917"), "2017-07-01"); /* Excel's day number */
    CHECK(import_normal_date(a, "2017-02-30") == NULL);
    CHECK(import_normal_date(a, "2017-7") == NULL);
    CHECK(import_normal_date(a, "七月一日") == NULL);
    CHECK_STR(import_normal_gender("男"), "male");
    CHECK_STR(import_normal_gender("F"), "female");
    CHECK(import_normal_gender("x") == NULL);
    CHECK_STR(import_normal_kind("流动党员"), "mobile");
    CHECK_STR(import_normal_kind("紅聯共建"), "partner_vip");
    CHECK_STR(import_field_of_header(" 手機號碼 "), "phone");
    CHECK_STR(import_field_of_header("Admitted_On"), "admitted_on");
    CHECK_STR(import_field_of_header("序号"), "#");
    CHECK_STR(import_field_of_header("错误 error"), "#");
    CHECK(import_field_of_header("备注") == NULL);
    arena_free(a);
}
