/*
 * Rotating check-in codes (issue 7). An activity's QR code encodes a check-in
 * link that carries a code of CHECKIN_CODE_CHARS characters; the code changes
 * every CHECKIN_PERIOD_S seconds, so a photo of the screen sent to a friend
 * stops working a minute or two later. The caller answers an expired or forged
 * code with 403 and changes nothing.
 *
 * A code is the first 50 bits of HMAC-SHA256(key, "checkin" || activity id ||
 * minute index), the two numbers as 8-byte big-endian integers and the minute
 * index floor(now / 60), written in Crockford's base32
 * (0123456789ABCDEFGHJKMNPQRSTVWXYZ): no padding, safe in a URL, and easy to
 * read aloud or type should a phone fail to scan. At most 3 of the 2^50 codes
 * are accepted at any moment, so guessing is hopeless.
 *
 * The key. One server-wide secret of CHECKIN_KEY_BYTES random bytes
 * (randombytes_buf), kept in the database and created at first use, so that
 * every server behind the proxy computes the same codes and they survive a
 * restart; the caller loads it and passes it in, this module keeps no state.
 * Whoever holds the key can compute every future code of every activity: it
 * never leaves the server and is not logged. Replacing it invalidates the codes
 * on display until the screens next refresh (at most a minute).
 *
 * Why the activity id is in the MAC input: the key is shared by all
 * activities, so without it the codes of all activities would be the same each
 * minute, and someone present at one activity could check in to any other.
 * With it, a code of one activity is worthless for another.
 *
 * Clock skew. The code shown comes from one server's clock and is checked on
 * another's. A verifier behind the displaying server is covered by accepting
 * the previous minute; a verifier ahead by up to CHECKIN_SKEW_S seconds by
 * accepting the next minute's code during the last CHECKIN_SKEW_S seconds of
 * the current one. The next minute is not accepted whole: it would let a code
 * live up to three minutes and buy nothing for servers kept in time by NTP.
 */
#ifndef LOUYU_DOMAIN_CHECKIN_CODE_H
#define LOUYU_DOMAIN_CHECKIN_CODE_H

#include <stdbool.h>
#include <stdint.h>

#define CHECKIN_KEY_BYTES  32
#define CHECKIN_CODE_CHARS 10 /* Crockford base32 of the first 50 bits of the MAC */
#define CHECKIN_PERIOD_S   60
#define CHECKIN_SKEW_S     5 /* a verifier's clock may run this far behind the displayer's */

/* The code of activity 'activity_id' for the minute holding instant 'now' (epoch seconds),
 * written into out and NUL-terminated: upper case, CHECKIN_CODE_CHARS characters. Should
 * libsodium fail to initialise, out is the empty string, which no check accepts. */
void checkin_code(const unsigned char key[CHECKIN_KEY_BYTES], int64_t activity_id, int64_t now,
                  char out[CHECKIN_CODE_CHARS + 1]);

/* True when 'code' is the code of this activity for the minute holding 'now' or the one
 * before (a code shown at 11:59:59 and scanned at 12:00:01 still works; one photographed two
 * minutes earlier does not), or for the next minute when 'now' is in the last CHECKIN_SKEW_S
 * seconds of its minute. Letters may be in either case, and O, I and L are read as 0, 1 and
 * 1 (Crockford's decoding); anything else of the wrong length or outside the alphabet, NULL
 * included, is false. The comparison takes the same time wherever the codes differ. */
bool checkin_code_valid(const unsigned char key[CHECKIN_KEY_BYTES], int64_t activity_id,
                        const char *code, int64_t now);

/* Seconds until the code shown at 'now' changes, 1..CHECKIN_PERIOD_S: when the venue screen
 * should fetch the next one. */
int checkin_code_ttl(int64_t now);

#endif
