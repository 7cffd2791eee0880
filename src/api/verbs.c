/* Verb bodies (see verbs.h). */
#include "api/verbs.h"

#include <stddef.h>

#include "api/resource.h"
#include "core/arena.h"

static const char *const scopes[] = {"one", "following", NULL};

static const struct field verb_fields[] = {
    {.name = "version",
     .type = FT_INT,
     .flags = FF_REQUIRED,
     .min = 1,
     .max = 9.0e15,
     .offset = offsetof(struct verb_body, version)},
    {.name = "reason",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max_chars = 200,
     .offset = offsetof(struct verb_body, reason)},
};

static const struct field cancel_fields[] = {
    {.name = "version",
     .type = FT_INT,
     .flags = FF_REQUIRED,
     .min = 1,
     .max = 9.0e15,
     .offset = offsetof(struct verb_body, version)},
    {.name = "reason",
     .type = FT_TEXT,
     .flags = FF_NULLABLE,
     .max_chars = 200,
     .offset = offsetof(struct verb_body, reason)},
    {.name = "scope",
     .type = FT_ENUM,
     .choices = scopes,
     .def_text = "one",
     .offset = offsetof(struct verb_body, scope)},
};

const struct table verb_version_table = {verb_fields, 1, sizeof(struct verb_body)};
const struct table verb_reason_table = {verb_fields, 2, sizeof(struct verb_body)};
const struct table verb_note_table = {cancel_fields, 2, sizeof(struct verb_body)};
const struct table verb_cancel_table = {cancel_fields, 3, sizeof(struct verb_body)};

struct verb_body *api_decode_verb(struct exchange *ex, const struct table *t, struct error *err)
{
    json_t *body = api_parse_body(ex, err);
    if (body == NULL)
        return NULL;
    struct verb_body *v = arena_alloc(ex->arena, sizeof(*v));
    if (fields_decode(ex->arena, body, t, v, DECODE_CREATE, err) != 0) {
        if (err->detail == NULL)
            err->detail = "the request has invalid fields: see errors";
        return NULL;
    }
    if (rec_is_null(v, 1))
        v->reason = NULL;
    return v;
}
