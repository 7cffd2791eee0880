/* Record <-> row mapping driven by field tables. */
#include "store/rows.h"

#include <string.h>

#include "core/arena.h"

static bool bound(const struct field *f)
{
    return f->type != FT_ID && !(f->flags & (FF_READONLY | FF_VERSION));
}

static void bind_value(struct db_stmt *st, int idx, const struct field *f, const void *rec)
{
    switch (f->type) {
    case FT_ID:
    case FT_REF:
    case FT_INT:
    case FT_TIME:
        db_bind_int(st, idx, *FIELD_CPTR(rec, f, int64_t));
        break;
    case FT_DOUBLE:
        db_bind_double(st, idx, *FIELD_CPTR(rec, f, double));
        break;
    case FT_BOOL:
        db_bind_int(st, idx, *FIELD_CPTR(rec, f, bool) ? 1 : 0);
        break;
    case FT_TEXT:
    case FT_ENUM:
    case FT_JSON:
    case FT_DATE: {
        const char *s = *FIELD_CPTR(rec, f, char *);
        db_bind_text(st, idx, s ? s : "", s ? strlen(s) : 0);
        break;
    }
    }
}

int rows_bind(struct db_stmt *st, const struct table *t, const void *rec)
{
    int idx = 1;
    for (size_t i = 0; i < t->n; i++) {
        const struct field *f = &t->fields[i];
        if (!bound(f))
            continue;
        if (rec_is_null(rec, i))
            db_bind_null(st, idx++);
        else
            bind_value(st, idx++, f, rec);
    }
    return idx;
}

void rows_read(struct db_stmt *st, struct arena *a, const struct table *t, void *rec)
{
    memset(rec, 0, t->size);
    for (size_t i = 0; i < t->n; i++) {
        const struct field *f = &t->fields[i];
        int col = (int)i;
        if (db_col_null(st, col)) {
            rec_set_null(rec, i, true);
            continue;
        }
        switch (f->type) {
        case FT_ID:
        case FT_REF:
        case FT_INT:
        case FT_TIME:
            *FIELD_PTR(rec, f, int64_t) = db_col_int(st, col);
            break;
        case FT_DOUBLE:
            *FIELD_PTR(rec, f, double) = db_col_double(st, col);
            break;
        case FT_BOOL:
            *FIELD_PTR(rec, f, bool) = db_col_int(st, col) != 0;
            break;
        case FT_TEXT:
        case FT_ENUM:
        case FT_JSON:
        case FT_DATE: {
            size_t n;
            const char *s = db_col_text(st, col, &n);
            *FIELD_PTR(rec, f, char *) = arena_strndup(a, s, n);
            break;
        }
        }
    }
}

/* "%" + s with %, _ and \ escaped + "%", for LIKE ... ESCAPE '\'. */
static char *like_pattern(struct arena *a, const char *s)
{
    size_t n = strlen(s);
    char *p = arena_alloc(a, 2 * n + 3), *o = p;
    *o++ = '%';
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '%' || s[i] == '_' || s[i] == '\\')
            *o++ = '\\';
        *o++ = s[i];
    }
    *o++ = '%';
    *o = '\0';
    return p;
}

void rows_bind_list(struct db_stmt *st, struct arena *a, const struct list_query *lq)
{
    int idx = 1;
    db_bind_int(st, idx++, lq->after);
    for (size_t i = 0; i < lq->nfilters; i++, idx++) {
        const struct filter_value *v = &lq->filters[i];
        if (!v->present)
            db_bind_null(st, idx);
        else if (v->type == FT_DOUBLE)
            db_bind_double(st, idx, v->d);
        else if (v->type == FT_ENUM || v->type == FT_TEXT)
            db_bind_text(st, idx, v->s, strlen(v->s));
        else
            db_bind_int(st, idx, v->i);
    }
    if (lq->name_contains && *lq->name_contains) {
        const char *pat = like_pattern(a, lq->name_contains);
        db_bind_text(st, idx++, pat, strlen(pat));
    } else
        db_bind_null(st, idx++);
    db_bind_int(st, idx, (int64_t)lq->limit + 1);
}
