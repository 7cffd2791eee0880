/*
 * Routes of activities beyond the shared record routes: activities.c
 * (making, publishing, cancelling, the venue screen's code, attendance),
 * signups.c (sign-ups and check-ins), series.c (scheduling a series,
 * political birthdays, attendance of organisations, series and members).
 */
#ifndef LOUYU_API_ACTIVITIES_H
#define LOUYU_API_ACTIVITIES_H

#include "api/exchange.h"

void api_activity_create(struct exchange *ex);
void api_activity_publish(struct exchange *ex);
void api_activity_cancel(struct exchange *ex);
void api_activity_checkin_code(struct exchange *ex);
void api_activity_qr_svg(struct exchange *ex);
void api_activity_qr_png(struct exchange *ex);
void api_activity_attendance(struct exchange *ex);

void api_registration_create(struct exchange *ex);
void api_registration_cancel(struct exchange *ex);
void api_checkin_create(struct exchange *ex);
void api_checkin_undo(struct exchange *ex);

void api_series_schedule(struct exchange *ex);
void api_series_attendance(struct exchange *ex);
void api_org_attendance(struct exchange *ex);
void api_member_attendance(struct exchange *ex);
void api_org_birthday_gathering(struct exchange *ex);

void api_feed_station_activities(struct exchange *ex);
void api_feed_series_activities(struct exchange *ex);
void api_feed_my_activities(struct exchange *ex);

#endif
