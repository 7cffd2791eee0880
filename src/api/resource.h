/* Handlers shared by every collection of records; the route's data is its struct entity. */
#ifndef LOUYU_API_RESOURCE_H
#define LOUYU_API_RESOURCE_H

#include <jansson.h>

#include "api/exchange.h"
#include "core/fields.h"

void res_list(struct exchange *ex);
void res_get(struct exchange *ex);
void res_create(struct exchange *ex);
void res_update(struct exchange *ex);
void res_delete(struct exchange *ex);

/* The request body as JSON (owned by the exchange's arena), after checking that it is
 * declared as JSON (ERR_MEDIA_TYPE) and well-formed (ERR_INVALID); NULL on failure. */
json_t *api_parse_body(struct exchange *ex, struct error *err);

struct entity;

struct list_query;

/* Fills lq from the query string (limit, cursor, q, e's filters); every bad or unknown
 * parameter becomes an error in err. */
int api_list_query(struct exchange *ex, const struct entity *e, struct list_query *lq,
                   struct error *err);

/* A decimal integer without sign, spaces or leading zeros (as in a query string). */
bool api_parse_int(const char *s, int64_t *out);

/* An RFC 3339 time of a query string; a space where the offset's '+' was (an unencoded
 * '+' arrives as one) is read as '+'. */
bool api_parse_time(struct arena *a, const char *s, int64_t *out);

/* Decodes the body into a record of e; NULL with err filled when it is not one. */
void *decode_record(struct exchange *ex, const struct entity *e, enum decode_mode mode,
                    struct error *err);

/* Answers with rec, encoded by e's field table. */
void reply_record(struct exchange *ex, int status, const struct entity *e, const void *rec);

#endif
