/*
 * Field tables: one row per field of a record type, saying its JSON name,
 * its C type and place in the struct, and its limits. One table drives
 * decoding and validating a request body, encoding a response, and binding
 * and reading database rows (store/rows.c), so a field is described once.
 *
 * Every record struct starts with a struct rec; bit i of its masks belongs to
 * row i of the table.
 */
#ifndef LOUYU_CORE_FIELDS_H
#define LOUYU_CORE_FIELDS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/error.h"
#include "core/jsonw.h"

struct arena;

enum ftype {
    FT_ID,     /* int64, the record's own identifier */
    FT_REF,    /* int64 > 0, identifier of another record */
    FT_INT,    /* int64 within [min, max] */
    FT_DOUBLE, /* double within [min, max] */
    FT_BOOL,   /* bool */
    FT_TEXT,   /* char *, UTF-8, at most max_chars code points */
    FT_ENUM,   /* char *, one of choices */
    FT_TIME,   /* int64 seconds since the epoch, RFC 3339 in JSON */
    FT_JSON,   /* char *, canonical JSON text produced by canon() */
    FT_DATE,   /* char *, a calendar date "YYYY-MM-DD" (sorts as text, means the same anywhere) */
};

enum {
    FF_REQUIRED = 1 << 0,    /* must be present when creating */
    FF_NULLABLE = 1 << 1,    /* may be null; absent means null */
    FF_READONLY = 1 << 2,    /* written by the server only */
    FF_VERSION = 1 << 3,     /* the optimistic-concurrency version: required in a patch */
    FF_MULTILINE = 1 << 4,   /* text may hold line breaks and tabs */
    FF_SECRET = 1 << 5,      /* never in a response, a log line or the audit log */
    FF_CREATE_ONLY = 1 << 6, /* given when creating; changed afterwards by the domain only */
};

struct rec {
    uint64_t set;  /* fields present in the decoded body */
    uint64_t null; /* fields whose value is null */
};

struct field {
    const char *name;
    enum ftype type;
    unsigned flags;
    size_t offset;              /* of the value in the record struct */
    double min, max;            /* FT_INT, FT_DOUBLE: inclusive bounds */
    unsigned max_chars;         /* FT_TEXT: code points */
    const char *charset;        /* FT_TEXT: the only bytes allowed, or NULL for any text */
    const char *const *choices; /* FT_ENUM: NULL-terminated */
    double def;                 /* default of an absent, non-nullable INT, DOUBLE or BOOL */
    const char *def_text;       /* default of an absent, non-nullable TEXT, ENUM or JSON */
    /* FT_JSON: validates v and stores its canonical text in *out, or sets *why. */
    int (*canon)(struct arena *a, const json_t *v, char **out, const char **why);
};

struct table {
    const struct field *fields;
    size_t n;
    size_t size; /* sizeof the record struct */
};

enum decode_mode {
    DECODE_CREATE, /* required fields enforced, absent ones take defaults */
    DECODE_PATCH,  /* only the version is required; the set mask says what was given */
};

/* Decodes a JSON object into rec (zeroed first). Every problem becomes a field error in
 * err (kind ERR_INVALID); returns 0 when there were none. Strings are copied into a. */
int fields_decode(struct arena *a, const json_t *obj, const struct table *t, void *rec,
                  enum decode_mode mode, struct error *err);

/* Writes rec as one JSON object (without FF_SECRET fields). */
void fields_encode(struct jsonw *w, const struct table *t, const void *rec);

/* Writes the value of one non-null field of rec. */
void fields_encode_value(struct jsonw *w, const struct field *f, const void *rec);

/* Field i (f) of rec as JSON text in a, "null" when rec is NULL or the field is null: for
 * comparing values and recording them. */
char *fields_value_json(struct arena *a, const struct field *f, const void *rec, size_t i);

/* Copies into dst every writable field set in src (a decoded patch). */
void fields_overlay(const struct table *t, void *dst, const void *src);

/* Typed access to a record's field values. */
#define FIELD_PTR(rec, f, type)  ((type *)((char *)(rec) + (f)->offset))
#define FIELD_CPTR(rec, f, type) ((const type *)((const char *)(rec) + (f)->offset))

static inline bool rec_is_null(const void *rec, size_t i)
{
    return (((const struct rec *)rec)->null >> i) & 1u;
}

static inline void rec_set_null(void *rec, size_t i, bool null)
{
    struct rec *r = rec;
    if (null)
        r->null |= (uint64_t)1 << i;
    else
        r->null &= ~((uint64_t)1 << i);
}

/* Index of the field named 'name', or -1. */
int fields_find(const struct table *t, const char *name);

/* True when the field named 'name' (which must exist) is null in rec. */
bool fields_is_null(const struct table *t, const void *rec, const char *name);

#endif
