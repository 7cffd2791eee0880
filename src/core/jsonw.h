/*
 * A streaming JSON writer into a struct buf: no tree, no allocation per value.
 * Responses are written with it; requests are parsed with jansson.
 */
#ifndef LOUYU_CORE_JSONW_H
#define LOUYU_CORE_JSONW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/buf.h"

#define JSONW_DEPTH 32

struct jsonw {
    struct buf *out;
    int depth;
    bool first[JSONW_DEPTH]; /* no value written yet at this depth */
    bool after_key;          /* the next value completes a "key": pair */
};

void jw_init(struct jsonw *w, struct buf *out);
void jw_obj_open(struct jsonw *w);
void jw_obj_close(struct jsonw *w);
void jw_arr_open(struct jsonw *w);
void jw_arr_close(struct jsonw *w);
void jw_key(struct jsonw *w, const char *key);
void jw_str(struct jsonw *w, const char *s);
void jw_strn(struct jsonw *w, const char *s, size_t n);
void jw_int(struct jsonw *w, int64_t v);
void jw_double(struct jsonw *w, double v);
void jw_bool(struct jsonw *w, bool v);
void jw_null(struct jsonw *w);
/* An instant as RFC 3339 in local time (+08:00), the way every time leaves the server. */
void jw_time(struct jsonw *w, int64_t t);
/* An identifier, or null for 0; a string, or null for NULL. */
void jw_id_or_null(struct jsonw *w, int64_t id);
void jw_str_or_null(struct jsonw *w, const char *s);
/* Appends already-encoded JSON as one value. */
void jw_raw(struct jsonw *w, const char *json, size_t n);

/* Writes s as a JSON string literal (with quotes) into b; each byte that is not part of
 * valid UTF-8 is written as U+FFFD, so that the document stays readable. */
void json_escape(struct buf *b, const char *s, size_t n);

#endif
