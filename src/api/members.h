/* Routes of the register beyond the shared record routes. */
#ifndef LOUYU_API_MEMBERS_H
#define LOUYU_API_MEMBERS_H

#include "api/exchange.h"

void api_member_stage(struct exchange *ex);
void api_member_report(struct exchange *ex);
void api_birthdays(struct exchange *ex);
void api_member_import(struct exchange *ex);
void api_member_export(struct exchange *ex);
void api_member_export_xlsx(struct exchange *ex);
void api_member_erase(struct exchange *ex);
void api_member_data(struct exchange *ex);

#endif
