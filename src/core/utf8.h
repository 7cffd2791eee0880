/* UTF-8 checks for text that enters the system from outside. */
#ifndef LOUYU_CORE_UTF8_H
#define LOUYU_CORE_UTF8_H

#include <stdbool.h>
#include <stddef.h>

/* True when s[0..n) is well-formed UTF-8 (no overlongs, no surrogates, at most
 * U+10FFFF) and contains no NUL byte. */
bool utf8_valid(const char *s, size_t n);

/* The length of the longest well-formed prefix of s[0..n) (n when all of it is). */
size_t utf8_valid_len(const char *s, size_t n);

/* Number of code points in well-formed UTF-8. */
size_t utf8_chars(const char *s, size_t n);

#endif
