/* Handlers shared by every collection of records; the route's data is its struct entity. */
#ifndef LOUYU_API_RESOURCE_H
#define LOUYU_API_RESOURCE_H

#include <jansson.h>

#include "api/exchange.h"

void res_list(struct exchange *ex);
void res_get(struct exchange *ex);
void res_create(struct exchange *ex);
void res_update(struct exchange *ex);
void res_delete(struct exchange *ex);

/* The request body as JSON (owned by the exchange's arena), after checking that it is
 * declared as JSON (ERR_MEDIA_TYPE) and well-formed (ERR_INVALID); NULL on failure. */
json_t *api_parse_body(struct exchange *ex, struct error *err);

#endif
