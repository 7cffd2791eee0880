/* Booking routes beyond the shared record routes; availability and feeds in calendar.c. */
#ifndef LOUYU_API_BOOKINGS_H
#define LOUYU_API_BOOKINGS_H

#include "api/exchange.h"

void api_booking_create(struct exchange *ex);
void api_booking_approve(struct exchange *ex);
void api_booking_reject(struct exchange *ex);
void api_booking_cancel(struct exchange *ex);
void api_booking_accept(struct exchange *ex);
void api_booking_decline(struct exchange *ex);
void api_booking_check_in(struct exchange *ex);
void api_org_booking_record(struct exchange *ex);

void api_station_availability(struct exchange *ex);
void api_station_slots(struct exchange *ex);
void api_feed_room(struct exchange *ex);
void api_feed_station(struct exchange *ex);
void api_feed_org(struct exchange *ex);
void api_feed_booking(struct exchange *ex);

#endif
