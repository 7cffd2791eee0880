/*
 * The bodies of the verbs that move a record on (approve, reject, cancel,
 * publish, ...): the version the caller last saw, and a reason where one is
 * asked for or welcome.
 */
#ifndef LOUYU_API_VERBS_H
#define LOUYU_API_VERBS_H

#include "api/exchange.h"
#include "core/fields.h"

struct verb_body {
    struct rec rec;
    int64_t version;
    char *reason; /* NULL when not given */
    char *scope;  /* "one" or "following" (a booking's series) */
};

extern const struct table verb_version_table; /* {"version"} */
extern const struct table verb_reason_table;  /* {"version", "reason"}: a reason required */
extern const struct table verb_note_table;    /* {"version", "reason"?} */
extern const struct table verb_cancel_table;  /* {"version", "reason"?, "scope"?} */

/* The body decoded by t; NULL with err filled when it is not one. */
struct verb_body *api_decode_verb(struct exchange *ex, const struct table *t, struct error *err);

#endif
