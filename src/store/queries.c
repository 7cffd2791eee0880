/*
 * All of louyu's SQL. Statements use '?NNN' parameters so one value can be
 * referred to twice; the drivers map them to their own syntax. Column lists
 * follow the order of the record's field table (domain/places.c), because
 * store/rows.c reads and binds by that order.
 *
 * List statements share one parameter layout, which store/rows.c binds:
 * ?1 the cursor (last id seen), then one parameter per filter in the order of
 * the resource's filter table, then the name pattern, then the limit.
 */
#include "store/queries.h"

#include <stddef.h>

#define BUILDING_COLS "name, address, latitude, longitude, grade, floors"
#define BUILDING_SELECT                                                                            \
    "SELECT id, " BUILDING_COLS ", version, created_at, updated_at FROM buildings"

#define STATION_COLS                                                                               \
    "building_id, name, floor, area_m2, org_id, opening_hours, services, contact_name, "           \
    "contact_phone"
#define STATION_SELECT "SELECT id, " STATION_COLS ", version, created_at, updated_at FROM stations"

#define ROOM_COLS   "station_id, name, kind, capacity, bookable"
#define ROOM_SELECT "SELECT id, " ROOM_COLS ", version, created_at, updated_at FROM rooms"

/* Case-insensitive substring match of a pattern built by store/rows.c.
 * An optional filter is written "(CAST(?n AS type) IS NULL OR ...)": PostgreSQL infers a
 * parameter's type from its first use, and "?n IS NULL" alone gives it none. */
#define NAME_MATCHES(n)                                                                            \
    "(CAST(?" #n " AS TEXT) IS NULL OR lower(name) LIKE lower(?" #n ") ESCAPE '\\')"

static const char *const sql[Q__MAX] = {
    [Q_PING] = "SELECT 1",
    [Q_SCHEMA_VERSION] = "SELECT version FROM schema_version",
    [Q_SCHEMA_VERSION_INSERT] = "INSERT INTO schema_version (version) VALUES (?1)",
    [Q_SCHEMA_VERSION_SET] = "UPDATE schema_version SET version = ?1",

    [Q_BUILDING_GET] = BUILDING_SELECT " WHERE id = ?1",
    [Q_BUILDING_LIST] =
        BUILDING_SELECT " WHERE id > ?1 AND " NAME_MATCHES(2) " ORDER BY id LIMIT ?3",
    [Q_BUILDING_INSERT] = "INSERT INTO buildings (" BUILDING_COLS ", version, created_at, "
                          "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7) RETURNING id",
    [Q_BUILDING_UPDATE] = "UPDATE buildings SET name = ?1, address = ?2, latitude = ?3, "
                          "longitude = ?4, grade = ?5, floors = ?6, version = version + 1, "
                          "updated_at = ?7 WHERE id = ?8 AND version = ?9",
    [Q_BUILDING_DELETE] = "DELETE FROM buildings WHERE id = ?1",
    [Q_BUILDING_DEPENDANTS] = "SELECT count(*) FROM stations WHERE building_id = ?1",

    [Q_STATION_GET] = STATION_SELECT " WHERE id = ?1",
    [Q_STATION_LIST] = STATION_SELECT
    " WHERE id > ?1 AND (CAST(?2 AS BIGINT) IS NULL OR building_id = ?2) "
    "AND (CAST(?3 AS DOUBLE PRECISION) IS NULL OR area_m2 >= ?3) AND " NAME_MATCHES(
        4) " ORDER BY id LIMIT ?5",
    [Q_STATION_INSERT] = "INSERT INTO stations (" STATION_COLS ", version, created_at, "
                         "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 1, ?10, ?10) "
                         "RETURNING id",
    [Q_STATION_UPDATE] = "UPDATE stations SET building_id = ?1, name = ?2, floor = ?3, "
                         "area_m2 = ?4, org_id = ?5, opening_hours = ?6, services = ?7, "
                         "contact_name = ?8, contact_phone = ?9, version = version + 1, "
                         "updated_at = ?10 WHERE id = ?11 AND version = ?12",
    [Q_STATION_DELETE] = "DELETE FROM stations WHERE id = ?1",
    [Q_STATION_DEPENDANTS] = "SELECT count(*) FROM rooms WHERE station_id = ?1",

    [Q_ROOM_GET] = ROOM_SELECT " WHERE id = ?1",
    [Q_ROOM_LIST] =
        ROOM_SELECT " WHERE id > ?1 AND (CAST(?2 AS BIGINT) IS NULL OR station_id = ?2) "
                    "AND (CAST(?3 AS TEXT) IS NULL OR kind = ?3) AND (CAST(?4 AS BIGINT) IS NULL "
                    "OR capacity >= ?4) "
                    "AND " NAME_MATCHES(5) " ORDER BY id LIMIT ?6",
    [Q_ROOM_INSERT] = "INSERT INTO rooms (" ROOM_COLS ", version, created_at, updated_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6) RETURNING id",
    [Q_ROOM_UPDATE] = "UPDATE rooms SET station_id = ?1, name = ?2, kind = ?3, capacity = ?4, "
                      "bookable = ?5, version = version + 1, updated_at = ?6 "
                      "WHERE id = ?7 AND version = ?8",
    [Q_ROOM_DELETE] = "DELETE FROM rooms WHERE id = ?1",
    /* Rooms have no dependants until bookings exist; the statement keeps the shape. */
    [Q_ROOM_DEPENDANTS] = "SELECT 0 WHERE CAST(?1 AS BIGINT) IS NOT NULL",
};

const char *query_sql(enum query q)
{
    return q < Q__MAX ? sql[q] : NULL;
}
