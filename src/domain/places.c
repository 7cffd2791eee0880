/*
 * Buildings, stations and rooms: their fields with their limits, what they
 * refer to, what depends on them, and the few rules beyond field limits.
 */
#include "domain/places.h"

#include <stddef.h>
#include <string.h>

#include "core/arena.h"
#include "domain/booking_rules.h"
#include "domain/hours.h"

#define NAME_MAX_CHARS 100

/* ---- buildings ---- */

static const struct field building_fields[] = {
    ENTITY_ID_FIELD(struct building),
    {.name = "name",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max_chars = NAME_MAX_CHARS,
     .offset = offsetof(struct building, name)},
    {.name = "address",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max_chars = 200,
     .offset = offsetof(struct building, address)},
    {.name = "latitude",
     .type = FT_DOUBLE,
     .flags = FF_REQUIRED,
     .min = -90,
     .max = 90,
     .offset = offsetof(struct building, latitude)},
    {.name = "longitude",
     .type = FT_DOUBLE,
     .flags = FF_REQUIRED,
     .min = -180,
     .max = 180,
     .offset = offsetof(struct building, longitude)},
    {.name = "grade",
     .type = FT_TEXT,
     .flags = FF_NULLABLE,
     .max_chars = 20,
     .offset = offsetof(struct building, grade)},
    {.name = "floors",
     .type = FT_INT,
     .flags = FF_NULLABLE,
     .min = 1,
     .max = 300,
     .offset = offsetof(struct building, floors)},
    ENTITY_TRAILER_FIELDS(struct building),
};

static const struct table building_table = {
    building_fields, sizeof(building_fields) / sizeof(struct field), sizeof(struct building)};

const struct entity building_entity = {
    .searchable = true,
    .name = "building",
    .plural = "buildings",
    .table = &building_table,
    .get = Q_BUILDING_GET,
    .list = Q_BUILDING_LIST,
    .insert = Q_BUILDING_INSERT,
    .update = Q_BUILDING_UPDATE,
    .del = Q_BUILDING_DELETE,
    .dependants = Q_BUILDING_DEPENDANTS,
    .dependants_what = "stations",
    .public_read = true, /* the map of the network is for everyone; only admins change it */
};

/* ---- stations ---- */

/* A station is governed by its operating organisation, and is its own station. */
int station_target(struct db *db, struct arena *a, const void *rec, struct target *t,
                   struct error *err)
{
    const struct station *s = rec;
    t->station_id = s->id;
    if (fields_is_null(station_entity.table, s, "org_id"))
        return 0;
    return target_add_org(db, a, s->org_id, t, err);
}

static const struct field station_fields[] = {
    ENTITY_ID_FIELD(struct station),
    {.name = "building_id",
     .type = FT_REF,
     .flags = FF_REQUIRED,
     .offset = offsetof(struct station, building_id)},
    {.name = "name",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max_chars = NAME_MAX_CHARS,
     .offset = offsetof(struct station, name)},
    {.name = "floor",
     .type = FT_INT,
     .flags = FF_NULLABLE,
     .min = -10,
     .max = 300,
     .offset = offsetof(struct station, floor)},
    {.name = "area_m2",
     .type = FT_DOUBLE,
     .flags = FF_REQUIRED,
     .min = 1,
     .max = 100000,
     .offset = offsetof(struct station, area_m2)},
    {.name = "org_id",
     .type = FT_REF,
     .flags = FF_NULLABLE,
     .offset = offsetof(struct station, org_id)},
    {.name = "opening_hours",
     .type = FT_JSON,
     .def_text = "[]",
     .canon = hours_canon,
     .offset = offsetof(struct station, opening_hours)},
    {.name = "services",
     .type = FT_JSON,
     .def_text = "[]",
     .canon = services_canon,
     .offset = offsetof(struct station, services)},
    {.name = "contact_name",
     .type = FT_TEXT,
     .flags = FF_NULLABLE,
     .max_chars = 50,
     .offset = offsetof(struct station, contact_name)},
    {.name = "contact_phone",
     .type = FT_TEXT,
     .flags = FF_NULLABLE,
     .max_chars = 30,
     .charset = "0123456789+-() ",
     .offset = offsetof(struct station, contact_phone)},
    {.name = "booking_rules",
     .type = FT_JSON,
     .def_text = BOOKING_RULES_DEFAULT_JSON,
     .canon = booking_rules_canon,
     .offset = offsetof(struct station, booking_rules)},
    ENTITY_TRAILER_FIELDS(struct station),
};

static const struct table station_table = {
    station_fields, sizeof(station_fields) / sizeof(struct field), sizeof(struct station)};

static const struct reference station_refs[] = {
    {"building_id", Q_BUILDING_GET, "building"},
    {"org_id", Q_ORG_GET, "organisation"},
};

static const struct filter station_filters[] = {
    {.param = "building_id", .type = FT_REF},
    {.param = "min_area_m2", .type = FT_DOUBLE, .min = 0, .max = 100000},
};

const struct entity station_entity = {
    .searchable = true,
    .name = "station",
    .plural = "stations",
    .table = &station_table,
    .get = Q_STATION_GET,
    .list = Q_STATION_LIST,
    .insert = Q_STATION_INSERT,
    .update = Q_STATION_UPDATE,
    .del = Q_STATION_DELETE,
    .dependants = Q_STATION_DEPENDANTS,
    .dependants_what = "rooms",
    .refs = station_refs,
    .nrefs = 2,
    .filters = station_filters,
    .nfilters = 2,
    .public_read = true,
    .write_roles = ROLE_BIT(ROLE_COMMITTEE_ADMIN),
    .edit_roles = ROLE_BIT(ROLE_STATION_MANAGER), /* a manager runs the station, not its fate */
    .target = station_target,
};

/* ---- rooms ---- */

const char *const room_kinds[] = {"classroom",      "talk_room",     "meeting_room",
                                  "reading_corner", "multi_purpose", NULL};

static const struct field room_fields[] = {
    ENTITY_ID_FIELD(struct room),
    /* A room stays in its station: its bookings and their calendar lock are the station's. */
    {.name = "station_id",
     .type = FT_REF,
     .flags = FF_REQUIRED | FF_CREATE_ONLY,
     .offset = offsetof(struct room, station_id)},
    {.name = "name",
     .type = FT_TEXT,
     .flags = FF_REQUIRED,
     .max_chars = NAME_MAX_CHARS,
     .offset = offsetof(struct room, name)},
    {.name = "kind",
     .type = FT_ENUM,
     .flags = FF_REQUIRED,
     .choices = room_kinds,
     .offset = offsetof(struct room, kind)},
    {.name = "capacity",
     .type = FT_INT,
     .flags = FF_REQUIRED,
     .min = 1,
     .max = 10000,
     .offset = offsetof(struct room, capacity)},
    {.name = "bookable", .type = FT_BOOL, .def = 1, .offset = offsetof(struct room, bookable)},
    ENTITY_TRAILER_FIELDS(struct room),
};

static const struct table room_table = {room_fields, sizeof(room_fields) / sizeof(struct field),
                                        sizeof(struct room)};

/* A room is governed as its station is. */
static int room_target(struct db *db, struct arena *a, const void *rec, struct target *t,
                       struct error *err)
{
    const struct room *r = rec;
    struct station *s = entity_get(db, a, &station_entity, r->station_id, err);
    if (s == NULL && err->kind == ERR_NOT_FOUND) {
        error_reset(err); /* no station: nothing governs it; the reference check says so */
        return 0;
    }
    return s ? station_target(db, a, s, t, err) : -1;
}

static const struct reference room_refs[] = {
    {"station_id", Q_STATION_GET, "station"},
};

static const struct filter room_filters[] = {
    {.param = "station_id", .type = FT_REF},
    {.param = "kind", .type = FT_ENUM, .choices = room_kinds},
    {.param = "min_capacity", .type = FT_INT, .min = 1, .max = 10000},
};

const struct entity room_entity = {
    .searchable = true,
    .name = "room",
    .plural = "rooms",
    .table = &room_table,
    .get = Q_ROOM_GET,
    .list = Q_ROOM_LIST,
    .insert = Q_ROOM_INSERT,
    .update = Q_ROOM_UPDATE,
    .del = Q_ROOM_DELETE,
    .dependants = Q_ROOM_DEPENDANTS,
    .dependants_what = "bookings",
    .refs = room_refs,
    .nrefs = 1,
    .filters = room_filters,
    .nfilters = 3,
    .public_read = true,
    .write_roles = ROLE_BIT(ROLE_COMMITTEE_ADMIN) | ROLE_BIT(ROLE_STATION_MANAGER),
    .target = room_target,
};
