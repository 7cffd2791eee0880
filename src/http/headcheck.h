/*
 * Checks of the request head that libmicrohttpd 0.9.75 lets through even when strict
 * (MHD_OPTION_STRICT_FOR_CLIENT 1): lines ending in a bare LF, NUL bytes that cut a
 * request line or a header short, folded header lines, whitespace before a header's
 * colon, control characters in a header. A front proxy may read any of these otherwise
 * than louyu does, which is how requests are smuggled, so the server answers them 400
 * and closes the connection.
 *
 * libmicrohttpd hands over the head already cut into NUL-terminated pieces, and tells
 * its size in bytes as received. Well-formed, the pieces and their separators add up
 * to that size exactly: every line ends in CRLF, a header is NAME ":" OWS VALUE, and
 * nothing hides behind a NUL. A bare LF makes the head shorter than the sum, a NUL or
 * a folded line longer.
 */
#ifndef LOUYU_HTTP_HEADCHECK_H
#define LOUYU_HTTP_HEADCHECK_H

#include <microhttpd.h>
#include <stdbool.h>
#include <stddef.h>

/* True when the request target as received (before any decoding) has no space and no
 * control character. Called from the URI-log callback, the only place it is raw. */
bool head_target_clean(const char *target);

/* Why the head of the request on 'con' is refused, or NULL when it is well formed.
 * method and version are the access handler's; target_len is the length of the raw
 * request target that the URI-log callback saw. The message is static. */
const char *head_problem(struct MHD_Connection *con, const char *method, const char *version,
                         size_t target_len);

#endif
