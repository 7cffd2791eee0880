/* Unit tests for rotating check-in codes (domain/checkin_code.c). */
#include <stdlib.h>

#include "domain/checkin_code.h"
#include "unit.h"

#define T0     1767225600 /* 2026-01-01 00:00:00 UTC, the start of a minute */
#define SAMPLE 10000

static unsigned char key[CHECKIN_KEY_BYTES], other_key[CHECKIN_KEY_BYTES];

static bool in_alphabet(const char *s)
{
    return strspn(s, "0123456789ABCDEFGHJKMNPQRSTVWXYZ") == CHECKIN_CODE_CHARS &&
           strlen(s) == CHECKIN_CODE_CHARS;
}

/* Known answers, computed outside louyu (Python's hmac), so that every server of a rolling
 * upgrade keeps computing the same codes. */
static void test_known(void)
{
    char c[CHECKIN_CODE_CHARS + 1];
    checkin_code(key, 42, T0, c);
    CHECK_STR(c, "952K4W14G7");
    checkin_code(key, 42, T0 + 59, c);
    CHECK_STR(c, "952K4W14G7");
    checkin_code(key, 42, T0 + 60, c);
    CHECK_STR(c, "R6R7BD7P2X");
    checkin_code(key, 7, -1, c); /* the minute before the epoch: floor, not truncation */
    CHECK_STR(c, "7281HDNZMV");
    CHECK(in_alphabet(c));
}

static int cmp_code(const void *a, const void *b)
{
    return memcmp(a, b, CHECKIN_CODE_CHARS);
}

/* 'n' codes, sorted, have no two alike. */
static bool distinct(char (*codes)[CHECKIN_CODE_CHARS + 1], size_t n)
{
    qsort(codes, n, sizeof(*codes), cmp_code);
    for (size_t i = 1; i < n; i++)
        if (memcmp(codes[i - 1], codes[i], CHECKIN_CODE_CHARS) == 0)
            return false;
    return true;
}

/* Same inputs, same code; another minute, activity or key, another code: 10,000 of each
 * without a collision (at 50 bits, one would be expected about once in 20 million samples). */
static void test_spread(void)
{
    char(*codes)[CHECKIN_CODE_CHARS + 1] = malloc(SAMPLE * sizeof(*codes));
    char again[CHECKIN_CODE_CHARS + 1];
    int consistent = 1, well_formed = 1;
    for (int i = 0; i < SAMPLE; i++) {
        checkin_code(key, 42, T0 + (int64_t)i * CHECKIN_PERIOD_S + i % 60, codes[i]);
        checkin_code(key, 42, T0 + (int64_t)i * CHECKIN_PERIOD_S, again);
        consistent &= strcmp(codes[i], again) == 0;
        well_formed &= in_alphabet(codes[i]);
    }
    CHECK(consistent && well_formed);
    CHECK(distinct(codes, SAMPLE));

    for (int i = 0; i < SAMPLE; i++)
        checkin_code(key, i + 1, T0, codes[i]);
    CHECK(distinct(codes, SAMPLE));

    unsigned char k[CHECKIN_KEY_BYTES];
    for (int i = 0; i < SAMPLE; i++) {
        memcpy(k, key, sizeof(k));
        k[0] ^= (unsigned char)(i & 0xff);
        k[1] ^= (unsigned char)(i >> 8);
        checkin_code(k, 42, T0, codes[i]);
    }
    CHECK(distinct(codes, SAMPLE));

    char a[CHECKIN_CODE_CHARS + 1], b[CHECKIN_CODE_CHARS + 1];
    checkin_code(key, 42, T0, a);
    checkin_code(other_key, 42, T0, b);
    CHECK(strcmp(a, b) != 0);
    checkin_code(key, -42, T0, b);
    CHECK(strcmp(a, b) != 0);
    free(codes);
}

/* This minute and the one before; not two back; the next only in the last seconds. */
static void test_window(void)
{
    char c[CHECKIN_CODE_CHARS + 1];
    checkin_code(key, 42, T0 + 59, c); /* shown at 00:00:59 */
    CHECK(checkin_code_valid(key, 42, c, T0));
    CHECK(checkin_code_valid(key, 42, c, T0 + 59));
    CHECK(checkin_code_valid(key, 42, c, T0 + 61));  /* scanned at 00:01:01 */
    CHECK(checkin_code_valid(key, 42, c, T0 + 119)); /* the last second of the next minute */
    CHECK(!checkin_code_valid(key, 42, c, T0 + 120));
    CHECK(!checkin_code_valid(key, 42, c, T0 + 180));
    CHECK(!checkin_code_valid(key, 42, c, T0 + 100000));

    /* A verifier whose clock runs behind the displaying server's by up to CHECKIN_SKEW_S. */
    CHECK(!checkin_code_valid(key, 42, c, T0 - 30));
    CHECK(!checkin_code_valid(key, 42, c, T0 - CHECKIN_SKEW_S - 1));
    CHECK(checkin_code_valid(key, 42, c, T0 - CHECKIN_SKEW_S));
    CHECK(checkin_code_valid(key, 42, c, T0 - 1));
    CHECK(!checkin_code_valid(key, 42, c, T0 - 60));

    /* A code of one activity, or under another key, is worthless for another. */
    CHECK(!checkin_code_valid(key, 43, c, T0));
    CHECK(!checkin_code_valid(other_key, 42, c, T0));

    /* Negative instants count minutes by floor, as positive ones. */
    checkin_code(key, 7, -1, c);
    CHECK(checkin_code_valid(key, 7, c, -60));
    CHECK(checkin_code_valid(key, 7, c, 59));
    CHECK(!checkin_code_valid(key, 7, c, 60));
    CHECK(checkin_code_valid(key, 7, c, -60 - CHECKIN_SKEW_S));
    CHECK(!checkin_code_valid(key, 7, c, -61 - CHECKIN_SKEW_S));
}

/* Lower case and Crockford's look-alikes read as the canonical code. */
static void test_spelling(void)
{
    CHECK(checkin_code_valid(key, 42, "952K4W14G7", T0));
    CHECK(checkin_code_valid(key, 42, "952k4w14g7", T0));
    CHECK(checkin_code_valid(key, 42, "952K4WI4G7", T0));
    CHECK(checkin_code_valid(key, 42, "952K4Wl4G7", T0));
    CHECK(!checkin_code_valid(key, 42, "952K4WU4G7", T0)); /* U is no symbol */
}

static void test_forged(void)
{
    static const char symbols[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    char c[CHECKIN_CODE_CHARS + 1], f[CHECKIN_CODE_CHARS + 16];
    checkin_code(key, 42, T0, c);
    int rejected = 0;
    for (int i = 0; i < CHECKIN_CODE_CHARS; i++)
        for (int d = 1; d < 32; d++) { /* every other symbol in every place */
            memcpy(f, c, sizeof(c));
            f[i] = symbols[(strchr(symbols, c[i]) - symbols + d) % 32];
            rejected += !checkin_code_valid(key, 42, f, T0);
        }
    CHECK(rejected == CHECKIN_CODE_CHARS * 31);

    CHECK(!checkin_code_valid(key, 42, NULL, T0));
    CHECK(!checkin_code_valid(key, 42, "", T0));
    memcpy(f, c, CHECKIN_CODE_CHARS);
    f[CHECKIN_CODE_CHARS - 1] = '\0';
    CHECK(!checkin_code_valid(key, 42, f, T0)); /* too short */
    memcpy(f, c, CHECKIN_CODE_CHARS);
    memcpy(f + CHECKIN_CODE_CHARS, "0", 2);
    CHECK(!checkin_code_valid(key, 42, f, T0)); /* too long */
    memcpy(f + CHECKIN_CODE_CHARS, c, CHECKIN_CODE_CHARS + 1);
    CHECK(!checkin_code_valid(key, 42, f, T0)); /* the code twice */
    memcpy(f, c, sizeof(c));
    f[4] = '\0'; /* an embedded NUL: the string ends there */
    CHECK(!checkin_code_valid(key, 42, f, T0));
    CHECK(!checkin_code_valid(key, 42, "952K4W14G\0007", T0));

    static const char odd[] = {' ', '-', '=',  '/',    '%',    '+',
                               'U', 'u', '\n', '\x7f', '\x80', '\xff'};
    rejected = 0;
    for (size_t i = 0; i < sizeof(odd); i++) {
        memcpy(f, c, sizeof(c));
        f[i % CHECKIN_CODE_CHARS] = odd[i];
        rejected += !checkin_code_valid(key, 42, f, T0);
    }
    CHECK(rejected == (int)sizeof(odd));
    CHECK(!checkin_code_valid(key, 42, "952K4W14G7 ", T0));
    CHECK(!checkin_code_valid(key, 42, " 952K4W14G7", T0));
    CHECK(!checkin_code_valid(key, 42, "\xe2\x91\xa0\x35\x32K4W14G", T0)); /* UTF-8 */
}

static void test_ttl(void)
{
    CHECK(checkin_code_ttl(T0) == 60);
    CHECK(checkin_code_ttl(T0 + 1) == 59);
    CHECK(checkin_code_ttl(T0 + 59) == 1);
    CHECK(checkin_code_ttl(-1) == 1);
    CHECK(checkin_code_ttl(0) == 60);
    int in_range = 1;
    for (int64_t t = T0 - 200; t < T0 + 200; t++) {
        int ttl = checkin_code_ttl(t);
        char now[CHECKIN_CODE_CHARS + 1], before[CHECKIN_CODE_CHARS + 1],
            after[CHECKIN_CODE_CHARS + 1];
        checkin_code(key, 42, t, now);
        checkin_code(key, 42, t + ttl - 1, before);
        checkin_code(key, 42, t + ttl, after);
        /* The code holds for exactly ttl more seconds. */
        in_range &= ttl >= 1 && ttl <= CHECKIN_PERIOD_S && strcmp(now, before) == 0 &&
                    strcmp(now, after) != 0;
    }
    CHECK(in_range);
    CHECK(checkin_code_ttl(INT64_MAX) >= 1 && checkin_code_ttl(INT64_MIN) <= 60);
}

void test_checkin_code(void)
{
    for (int i = 0; i < CHECKIN_KEY_BYTES; i++) {
        key[i] = (unsigned char)i;
        other_key[i] = (unsigned char)(i + 1);
    }
    test_known();
    test_spread();
    test_window();
    test_spelling();
    test_forged();
    test_ttl();
}
