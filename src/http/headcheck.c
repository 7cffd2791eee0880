/*
 * The head as libmicrohttpd 0.9.75 leaves it: the request line and each header are
 * pointers into its read buffer, in order, with NULs written over the separators
 * (after the method and the target, over each CR and LF, over each colon). The check
 * does not read that buffer: it adds up the lengths of the pieces, and the whitespace
 * between a header's colon and its value from the distance between the two pointers.
 */
#include "http/headcheck.h"

#include <stdint.h>
#include <string.h>

/* RFC 9110's tchar: what a method or a header name may be made of. */
static bool is_token(const char *s, size_t n)
{
    static const char extra[] = "!#$%&'*+-.^_`|~";
    if (n == 0)
        return false;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        bool alnum = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (!alnum && (c == '\0' || strchr(extra, c) == NULL))
            return false;
    }
    return true;
}

/* A field value may hold visible characters, spaces and tabs, and bytes over 0x7f. */
static bool value_clean(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c < 0x20 && c != '\t') || c == 0x7f)
            return false;
    }
    return true;
}

bool head_target_clean(const char *target)
{
    for (const unsigned char *p = (const unsigned char *)target; *p; p++)
        if (*p <= 0x20 || *p == 0x7f)
            return false;
    return true;
}

struct tally {
    size_t bytes;    /* the head's size as its pieces say */
    const char *why; /* the first problem found, or NULL */
};

static enum MHD_Result add_header(void *cls, enum MHD_ValueKind kind, const char *key,
                                  size_t key_len, const char *value, size_t value_len)
{
    (void)kind;
    struct tally *t = cls;
    if (!is_token(key, key_len)) {
        t->why = "a header name has a character a name may not have (a space before "
                 "the colon?)";
        return MHD_NO;
    }
    if (value == NULL || !value_clean(value, value_len)) {
        t->why = "a header value has a control character";
        return MHD_NO;
    }
    uintptr_t after_colon = (uintptr_t)key + key_len + 1, at = (uintptr_t)value;
    if (at < after_colon) { /* libmicrohttpd moved a folded header elsewhere */
        t->why = "a header is folded over several lines";
        return MHD_NO;
    }
    t->bytes += key_len + 1 + (at - after_colon) + value_len + 2;
    return MHD_YES;
}

const char *head_problem(struct MHD_Connection *con, const char *method, const char *version,
                         size_t target_len)
{
    size_t method_len = strlen(method);
    if (!is_token(method, method_len))
        return "the method is not a token";
    const union MHD_ConnectionInfo *info =
        MHD_get_connection_info(con, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);
    if (info == NULL || target_len == 0)
        return "the request head cannot be checked";
    /* METHOD SP TARGET SP VERSION CRLF, the headers, CRLF */
    struct tally t = {method_len + 1 + target_len + 1 + strlen(version) + 2 + 2, NULL};
    MHD_get_connection_values_n(con, MHD_HEADER_KIND, add_header, &t);
    if (t.why)
        return t.why;
    if (t.bytes != info->header_size)
        return "the request head is malformed: every line must end in CRLF, with no NUL "
               "byte, no folded header and a single space between the parts of the "
               "request line";
    return NULL;
}
