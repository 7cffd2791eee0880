/*
 * bench/activities/sessions: sessions for the accounts that check in by code in
 * bench/activities/run, without an Argon2id sign-in each (2,000 of them would take the
 * machine for a minute, and signing in is not what is measured).
 *
 *   cc -O2 -o sessions bench/activities/sessions.c -lsodium
 *   sessions FIRST_USER COUNT NOW TOKENS_FILE > sessions.sql
 *
 * For users FIRST_USER .. FIRST_USER + COUNT - 1, makes a token as the server does (32
 * random bytes, unpadded base64url), writes the tokens to TOKENS_FILE, one a line in user
 * order, and prints SQL that stores each session as src/domain/session.c does: the token's
 * hex BLAKE2b-256, a random CSRF token, created and seen at NOW (the server's clock, moved
 * by LOUYU_CLOCK_OFFSET), ending 12 hours later (SESSION_LIFETIME_S). The SQL is the same
 * for SQLite and PostgreSQL.
 */
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv)
{
    if (argc != 5 || sodium_init() < 0) {
        fprintf(stderr, "usage: sessions FIRST_USER COUNT NOW TOKENS_FILE\n");
        return 2;
    }
    long long first = atoll(argv[1]), count = atoll(argv[2]), now = atoll(argv[3]);
    FILE *tokens = fopen(argv[4], "w");
    if (tokens == NULL) {
        perror(argv[4]);
        return 1;
    }
    printf("BEGIN;\n");
    for (long long i = 0; i < count; i++) {
        unsigned char raw[32], h[32], csrf_raw[16];
        char token[sodium_base64_ENCODED_LEN(32, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];
        char hex[65], csrf[33];
        randombytes_buf(raw, sizeof(raw));
        sodium_bin2base64(token, sizeof(token), raw, sizeof(raw),
                          sodium_base64_VARIANT_URLSAFE_NO_PADDING);
        crypto_generichash(h, sizeof(h), (const unsigned char *)token, 43, NULL, 0);
        sodium_bin2hex(hex, sizeof(hex), h, sizeof(h));
        randombytes_buf(csrf_raw, sizeof(csrf_raw));
        sodium_bin2hex(csrf, sizeof(csrf), csrf_raw, sizeof(csrf_raw));
        fprintf(tokens, "%s\n", token);
        printf("INSERT INTO sessions (token_hash, csrf_token, user_id, created_at, seen_at, "
               "expires_at) VALUES ('%s', '%s', %lld, %lld, %lld, %lld);\n",
               hex, csrf, first + i, now, now, now + 12 * 3600);
    }
    printf("COMMIT;\n");
    return fclose(tokens) == 0 && fflush(stdout) == 0 ? 0 : 1;
}
