/*
 * Rotating check-in codes: HMAC-SHA256 of the activity and the minute, cut to
 * 50 bits and written in Crockford's base32. Pure functions of their
 * arguments; the only process state is libsodium's own initialisation.
 */
#include "domain/checkin_code.h"

#include <pthread.h>
#include <sodium.h>
#include <string.h>

_Static_assert(CHECKIN_KEY_BYTES == crypto_auth_hmacsha256_KEYBYTES, "key size");
_Static_assert(CHECKIN_CODE_CHARS * 5 <= 64, "a code's bits fit one integer");

static const char alphabet[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static int sodium_ok;

static void init(void)
{
    sodium_ok = sodium_init() >= 0;
}

/* libsodium asks for sodium_init() before anything else; nothing else in the server is sure
 * to have called it before a check-in (password.c does so only at the first sign-in). */
static bool ready(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, init);
    return sodium_ok;
}

/* floor(now / CHECKIN_PERIOD_S) and the seconds since that minute began, for negative
 * instants too. */
static int64_t minute_of(int64_t now, int *second)
{
    int64_t m = now / CHECKIN_PERIOD_S, s = now % CHECKIN_PERIOD_S;
    if (s < 0) {
        m--;
        s += CHECKIN_PERIOD_S;
    }
    if (second)
        *second = (int)s;
    return m;
}

static void put_be64(unsigned char *p, int64_t v)
{
    uint64_t u = (uint64_t)v;
    for (int i = 7; i >= 0; i--, u >>= 8)
        p[i] = (unsigned char)(u & 0xff);
}

/* The code of one minute index; out has room for CHECKIN_CODE_CHARS + 1. */
static void code_of_minute(const unsigned char key[CHECKIN_KEY_BYTES], int64_t activity_id,
                           int64_t minute, char *out)
{
    unsigned char msg[7 + 8 + 8], mac[crypto_auth_hmacsha256_BYTES];
    memcpy(msg, "checkin", 7);
    put_be64(msg + 7, activity_id);
    put_be64(msg + 15, minute);
    crypto_auth_hmacsha256(mac, msg, sizeof(msg), key);
    uint64_t bits = 0;
    for (int i = 0; i < 8; i++)
        bits = bits << 8 | mac[i];
    for (int i = 0; i < CHECKIN_CODE_CHARS; i++, bits <<= 5)
        out[i] = alphabet[bits >> 59];
    out[CHECKIN_CODE_CHARS] = '\0';
    sodium_memzero(mac, sizeof(mac));
}

/* The canonical spelling of one character of a code, or 0 when it is none. */
static char canonical(unsigned char c)
{
    if (c >= 'a' && c <= 'z')
        c = (unsigned char)(c - 'a' + 'A');
    if (c == 'O')
        return '0';
    if (c == 'I' || c == 'L')
        return '1';
    const char *p = c ? strchr(alphabet, c) : NULL;
    return p ? *p : 0;
}

void checkin_code(const unsigned char key[CHECKIN_KEY_BYTES], int64_t activity_id, int64_t now,
                  char out[CHECKIN_CODE_CHARS + 1])
{
    out[0] = '\0';
    if (ready())
        code_of_minute(key, activity_id, minute_of(now, NULL), out);
}

bool checkin_code_valid(const unsigned char key[CHECKIN_KEY_BYTES], int64_t activity_id,
                        const char *code, int64_t now)
{
    if (code == NULL || !ready() || strnlen(code, CHECKIN_CODE_CHARS + 1) != CHECKIN_CODE_CHARS)
        return false;
    char given[CHECKIN_CODE_CHARS], want[CHECKIN_CODE_CHARS + 1];
    for (int i = 0; i < CHECKIN_CODE_CHARS; i++)
        if ((given[i] = canonical((unsigned char)code[i])) == 0)
            return false;
    int second;
    int64_t minute = minute_of(now, &second);
    /* Every candidate is compared, so the time taken does not tell which one came close. */
    int match = 0;
    code_of_minute(key, activity_id, minute, want);
    match |= sodium_memcmp(given, want, CHECKIN_CODE_CHARS) == 0;
    code_of_minute(key, activity_id, minute - 1, want);
    match |= sodium_memcmp(given, want, CHECKIN_CODE_CHARS) == 0;
    if (second >= CHECKIN_PERIOD_S - CHECKIN_SKEW_S) {
        code_of_minute(key, activity_id, minute + 1, want);
        match |= sodium_memcmp(given, want, CHECKIN_CODE_CHARS) == 0;
    }
    return match != 0;
}

int checkin_code_ttl(int64_t now)
{
    int second;
    minute_of(now, &second);
    return CHECKIN_PERIOD_S - second;
}
