/* Endpoints about the server itself: liveness, readiness, its own description. */
#ifndef LOUYU_API_SYSTEM_H
#define LOUYU_API_SYSTEM_H

#include "api/exchange.h"

void sys_healthz(struct exchange *ex);
void sys_readyz(struct exchange *ex);
void sys_openapi(struct exchange *ex);

#endif
