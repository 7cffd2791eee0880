/* Sessions (sign in, who am I, sign out) and creating users with a password. */
#ifndef LOUYU_API_SESSION_H
#define LOUYU_API_SESSION_H

#include <stdbool.h>

#include "api/exchange.h"

void api_session_create(struct exchange *ex);
void api_session_get(struct exchange *ex);
void api_session_update(struct exchange *ex);
void api_session_delete(struct exchange *ex);
void api_user_create(struct exchange *ex);

/* The session cookie's name: with the __Host- prefix over HTTPS. */
const char *session_cookie_name(bool secure);

#endif
