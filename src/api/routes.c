/*
 * Every route of the server, in one table, with who may reach it. Routes of
 * records answer anyone at this level: the domain's policy (domain/access.c)
 * decides per record, and tests/api/authz.test.mjs holds the full matrix.
 */
#include "api/routes.h"

#include "api/activities.h"
#include "api/bookings.h"
#include "api/members.h"
#include "api/resource.h"
#include "api/session.h"
#include "api/system.h"
#include "domain/activities.h"
#include "domain/audit.h"
#include "domain/bookings.h"
#include "domain/members.h"
#include "domain/orgs.h"
#include "domain/checkins.h"
#include "domain/places.h"
#include "domain/registrations.h"
#include "domain/series.h"
#include "domain/users.h"

#define LIST_GET(path, entity, flags)                                                              \
    {"GET", "/api/v1/" path, res_list, &entity, ROUTE_DB | (flags)},                               \
    {                                                                                              \
        "GET", "/api/v1/" path "/{id}", res_get, &entity, ROUTE_DB | (flags)                       \
    }

#define COLLECTION(path, entity, flags)                                                            \
    LIST_GET(path, entity, flags),                                                                 \
        {"POST", "/api/v1/" path, res_create, &entity, ROUTE_DB | (flags)},                        \
        {"PATCH", "/api/v1/" path "/{id}", res_update, &entity, ROUTE_DB | (flags)},               \
    {                                                                                              \
        "DELETE", "/api/v1/" path "/{id}", res_delete, &entity, ROUTE_DB | (flags)                 \
    }

#define BOOKING_VERB(verb, fn)                                                                     \
    {                                                                                              \
        "POST", "/api/v1/bookings/{id}/" verb, fn, NULL, ROUTE_DB | ROUTE_SIGNED_IN                \
    }

/* A route of one record that answers anyone at this level (the domain decides). */
#define OPEN(method, path, fn)                                                                     \
    {                                                                                              \
        method, "/api/v1/" path, fn, NULL, ROUTE_DB                                                \
    }
#define SIGNED(method, path, fn)                                                                   \
    {                                                                                              \
        method, "/api/v1/" path, fn, NULL, ROUTE_DB | ROUTE_SIGNED_IN                              \
    }

const struct route api_routes[] = {
    {"GET", "/healthz", sys_healthz, NULL, 0},
    {"GET", "/readyz", sys_readyz, NULL, ROUTE_DB},
    {"GET", "/api/v1/openapi.yaml", sys_openapi, NULL, 0},

    {"POST", "/api/v1/session", api_session_create, NULL, ROUTE_DB | ROUTE_NO_CSRF},
    {"GET", "/api/v1/session", api_session_get, NULL, ROUTE_DB | ROUTE_SIGNED_IN},
    {"PATCH", "/api/v1/session", api_session_update, NULL, ROUTE_DB | ROUTE_SIGNED_IN},
    {"DELETE", "/api/v1/session", api_session_delete, NULL, ROUTE_DB | ROUTE_SIGNED_IN},

    COLLECTION("buildings", building_entity, 0),
    COLLECTION("stations", station_entity, 0),
    COLLECTION("rooms", room_entity, 0),
    COLLECTION("orgs", org_entity, ROUTE_SIGNED_IN),
    COLLECTION("partnerships", partnership_entity, ROUTE_SIGNED_IN),

    LIST_GET("users", user_entity, ROUTE_ADMIN),
    {"POST", "/api/v1/users", api_user_create, NULL, ROUTE_DB | ROUTE_ADMIN},
    {"PATCH", "/api/v1/users/{id}", res_update, &user_entity, ROUTE_DB | ROUTE_ADMIN},

    LIST_GET("grants", grant_entity, ROUTE_ADMIN),
    {"POST", "/api/v1/grants", res_create, &grant_entity, ROUTE_DB | ROUTE_ADMIN},
    {"DELETE", "/api/v1/grants/{id}", res_delete, &grant_entity, ROUTE_DB | ROUTE_ADMIN},

    LIST_GET("audit", audit_entity, ROUTE_SIGNED_IN),

    COLLECTION("members", member_entity, ROUTE_SIGNED_IN),
    {"POST", "/api/v1/members/import", api_member_import, NULL, ROUTE_DB | ROUTE_SIGNED_IN},
    {"GET", "/api/v1/members/export.csv", api_member_export, NULL, ROUTE_DB | ROUTE_SIGNED_IN},
    {"GET", "/api/v1/members/export.xlsx", api_member_export_xlsx, NULL,
     ROUTE_DB | ROUTE_SIGNED_IN},
    {"POST", "/api/v1/members/{id}/stage", api_member_stage, NULL, ROUTE_DB | ROUTE_SIGNED_IN},
    {"POST", "/api/v1/members/{id}/thought-reports", api_member_report, NULL,
     ROUTE_DB | ROUTE_SIGNED_IN},
    {"POST", "/api/v1/members/{id}/erase", api_member_erase, NULL, ROUTE_DB | ROUTE_SIGNED_IN},
    {"GET", "/api/v1/members/{id}/data", api_member_data, NULL, ROUTE_DB | ROUTE_SIGNED_IN},
    {"GET", "/api/v1/birthdays", api_birthdays, NULL, ROUTE_DB | ROUTE_SIGNED_IN},

    LIST_GET("bookings", booking_entity, ROUTE_SIGNED_IN),
    {"POST", "/api/v1/bookings", api_booking_create, NULL, ROUTE_DB | ROUTE_SIGNED_IN},
    {"PATCH", "/api/v1/bookings/{id}", res_update, &booking_entity, ROUTE_DB | ROUTE_SIGNED_IN},
    BOOKING_VERB("approve", api_booking_approve),
    BOOKING_VERB("reject", api_booking_reject),
    BOOKING_VERB("cancel", api_booking_cancel),
    BOOKING_VERB("accept", api_booking_accept),
    BOOKING_VERB("decline", api_booking_decline),
    BOOKING_VERB("check-in", api_booking_check_in),
    {"GET", "/api/v1/bookings/{id}/calendar.ics", api_feed_booking, NULL,
     ROUTE_DB | ROUTE_SIGNED_IN},
    COLLECTION("closures", closure_entity, 0),
    {"GET", "/api/v1/stations/{id}/availability", api_station_availability, NULL, ROUTE_DB},
    {"GET", "/api/v1/stations/{id}/slots", api_station_slots, NULL, ROUTE_DB},
    {"GET", "/api/v1/stations/{id}/calendar.ics", api_feed_station, NULL, ROUTE_DB},
    {"GET", "/api/v1/rooms/{id}/calendar.ics", api_feed_room, NULL, ROUTE_DB},
    {"GET", "/api/v1/orgs/{id}/calendar.ics", api_feed_org, NULL, ROUTE_DB | ROUTE_SIGNED_IN},
    {"GET", "/api/v1/orgs/{id}/booking-record", api_org_booking_record, NULL,
     ROUTE_DB | ROUTE_SIGNED_IN},

    COLLECTION("series", series_entity, 0),
    SIGNED("POST", "series/{id}/schedule", api_series_schedule),
    OPEN("GET", "series/{id}/attendance", api_series_attendance),
    OPEN("GET", "series/{id}/activities.ics", api_feed_series_activities),
    LIST_GET("host-absences", absence_entity, 0),
    {"POST", "/api/v1/host-absences", res_create, &absence_entity, ROUTE_DB | ROUTE_SIGNED_IN},
    {"PATCH", "/api/v1/host-absences/{id}", res_update, &absence_entity,
     ROUTE_DB | ROUTE_SIGNED_IN},
    {"DELETE", "/api/v1/host-absences/{id}", res_delete, &absence_entity,
     ROUTE_DB | ROUTE_SIGNED_IN},

    LIST_GET("activities", activity_entity, 0),
    SIGNED("POST", "activities", api_activity_create),
    {"PATCH", "/api/v1/activities/{id}", res_update, &activity_entity, ROUTE_DB | ROUTE_SIGNED_IN},
    SIGNED("POST", "activities/{id}/publish", api_activity_publish),
    SIGNED("POST", "activities/{id}/cancel", api_activity_cancel),
    SIGNED("GET", "activities/{id}/checkin-code", api_activity_checkin_code),
    SIGNED("GET", "activities/{id}/checkin-qr.svg", api_activity_qr_svg),
    SIGNED("GET", "activities/{id}/checkin-qr.png", api_activity_qr_png),
    OPEN("GET", "activities/{id}/attendance", api_activity_attendance),
    OPEN("GET", "stations/{id}/activities.ics", api_feed_station_activities),

    LIST_GET("registrations", registration_entity, ROUTE_SIGNED_IN),
    SIGNED("POST", "registrations", api_registration_create),
    SIGNED("POST", "registrations/{id}/cancel", api_registration_cancel),
    SIGNED("GET", "registrations/calendar.ics", api_feed_my_activities),
    LIST_GET("checkins", checkin_entity, ROUTE_SIGNED_IN),
    SIGNED("POST", "checkins", api_checkin_create),
    SIGNED("POST", "checkins/{id}/undo", api_checkin_undo),

    SIGNED("GET", "orgs/{id}/attendance", api_org_attendance),
    SIGNED("POST", "orgs/{id}/birthday-gatherings", api_org_birthday_gathering),
    SIGNED("GET", "members/{id}/attendance", api_member_attendance),
};

const size_t api_nroutes = sizeof(api_routes) / sizeof(api_routes[0]);
