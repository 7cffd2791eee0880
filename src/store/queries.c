/*
 * All of louyu's SQL. Statements use '?NNN' parameters so one value can be
 * referred to twice; the drivers map them to their own syntax. Column lists
 * follow the order of the record's field table (domain/places.c), because
 * store/rows.c reads and binds by that order.
 *
 * List statements share one parameter layout, which store/rows.c binds:
 * ?1 the cursor (last id seen), then one parameter per filter in the order of
 * the resource's filter table, then (for scoped lists) the caller's user id,
 * then the name pattern, then the limit. Records without a name take the
 * pattern as "CAST(?n AS TEXT) IS NULL" (the API never sends one for them).
 */
#include "store/queries.h"

#include <stddef.h>

#define BUILDING_COLS "name, address, latitude, longitude, grade, floors"
#define BUILDING_SELECT                                                                            \
    "SELECT id, " BUILDING_COLS ", version, created_at, updated_at FROM buildings"

#define STATION_COLS                                                                               \
    "building_id, name, floor, area_m2, org_id, opening_hours, services, contact_name, "           \
    "contact_phone, booking_rules"
#define STATION_SELECT "SELECT id, " STATION_COLS ", version, created_at, updated_at FROM stations"

#define ROOM_COLS   "station_id, name, kind, capacity, bookable"
#define ROOM_SELECT "SELECT id, " ROOM_COLS ", version, created_at, updated_at FROM rooms"

#define ORG_COLS "parent_id, name, kind, building_id, managed, contact_name, contact_phone"
#define ORG_SELECT                                                                                 \
    "SELECT id, parent_id, path, name, kind, building_id, managed, contact_name, contact_phone, "  \
    "version, created_at, updated_at FROM orgs"

#define PARTNERSHIP_SELECT                                                                         \
    "SELECT id, partner_id, committee_id, version, created_at, updated_at FROM partnerships"
#define USER_SELECT                                                                                \
    "SELECT id, username, display_name, disabled, member_id, locale, version, created_at, "        \
    "updated_at FROM users"
#define GRANT_SELECT                                                                               \
    "SELECT id, user_id, role, org_id, station_id, version, created_at, updated_at FROM grants"
#define AUDIT_SELECT                                                                               \
    "SELECT id, at, user_id, username, entity, entity_id, action, org_id, changes FROM audit"

#define BOOKING_COLS                                                                               \
    "room_id, org_id, start_at, end_at, title, purpose, attendance, contact_name, contact_phone"
#define BOOKING_SELECT                                                                             \
    "SELECT b.id, b.room_id, b.org_id, b.start_at, b.end_at, b.title, b.purpose, b.attendance, "   \
    "b.contact_name, b.contact_phone, b.status, b.reason, b.series_id, b.flag, b.checked_in_at, "  \
    "b.offer_expires_at, b.station_id, b.created_by, (SELECT o.name FROM orgs o WHERE o.id = "     \
    "b.org_id), b.version, b.created_at, b.updated_at FROM bookings b"
/* The bookings that hold their slot. */
#define ACTIVE "b.status IN ('offered', 'pending', 'confirmed')"
/* Bookings of a room (?r) that meet [?s, ?e): a booking lasts at most a day (a CHECK of
 * the table), so only those starting in (?s - 1 day, ?e) can: an index range bounded in
 * time however long the room's history. */
#define MEETS(r, s, e)                                                                             \
    "b.room_id = ?" #r " AND b.start_at > CAST(?" #s " AS BIGINT) - 86400 AND b.start_at < ?" #e   \
    " AND b.end_at > ?" #s
/* Bookings are listed to those whose grants reach the booking organisation, to the
 * managers of their station, and to the committees above the station's organisation. */
#define BOOKING_IN_SCOPE(n)                                                                        \
    "(" IN_SCOPE(                                                                                  \
        n, "b.org_id") " OR EXISTS (SELECT 1 FROM grants g WHERE g.user_id = ?" #n                 \
                       " AND g.station_id = b.station_id) OR EXISTS (SELECT 1 FROM stations s "    \
                       "JOIN orgs so ON so.id = s.org_id JOIN grants g ON g.user_id = ?" #n " "    \
                       "JOIN orgs gr ON gr.id = g.org_id WHERE s.id = b.station_id AND so.path "   \
                       "LIKE gr.path || '%'))"
#define FEED_SELECT                                                                                \
    "SELECT b.id, b.start_at, b.end_at, b.title, b.status, b.version, b.updated_at, o.name, "      \
    "r.name, s.name FROM bookings b JOIN orgs o ON o.id = b.org_id JOIN rooms r ON "               \
    "r.id = b.room_id JOIN stations s ON s.id = b.station_id WHERE "
#define FEED_WINDOW                                                                                \
    " AND b.start_at >= ?2 AND b.start_at < ?3 AND b.status IN ('pending', 'confirmed') "          \
    "ORDER BY b.start_at LIMIT 5000"
#define CLOSURE_COLS   "station_id, room_id, start_at, end_at, reason, effect"
#define CLOSURE_SELECT "SELECT id, " CLOSURE_COLS ", version, created_at, updated_at FROM closures"

/* Scoped lists take the caller's user id as their last filter (NULL for an admin): a row
 * is listed when one of the caller's organisation-bound grants holds its organisation in
 * its subtree, or holds a committee that the organisation is a partner of. */
#define IN_SCOPE(n, org_id)                                                                        \
    "(CAST(?" #n " AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM grants g "                          \
    "JOIN orgs gr ON gr.id = g.org_id JOIN orgs t ON t.id = " org_id " WHERE g.user_id = ?" #n     \
    " AND (t.path LIKE gr.path || '%' OR EXISTS (SELECT 1 FROM partnerships p "                    \
    "JOIN orgs c ON c.id = p.committee_id WHERE p.partner_id = t.id "                              \
    "AND c.path LIKE gr.path || '%'))))"

/* The audit log is a committee admin's to read, for the organisations whose path (when
 * written) lies in its subtree, or that are partners of a committee there. */
#define AUDIT_IN_SCOPE(n)                                                                          \
    "(CAST(?" #n " AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM grants g "                          \
    "JOIN orgs gr ON gr.id = g.org_id WHERE g.user_id = ?" #n " AND g.role = 'committee_admin' "   \
    "AND (a.org_path LIKE gr.path || '%' OR EXISTS (SELECT 1 FROM partnerships p "                 \
    "JOIN orgs c ON c.id = p.committee_id WHERE p.partner_id = a.org_id "                          \
    "AND c.path LIKE gr.path || '%'))))"

/* A member's stage is the furthest one with a date: derived, never stored. */
#define MEMBER_STAGE                                                                               \
    "CASE WHEN m.left_as IS NOT NULL THEN m.left_as WHEN m.full_on IS NOT NULL THEN "              \
    "'full_member' WHEN m.admitted_on IS NOT NULL THEN 'probationary' WHEN m.target_on IS NOT "    \
    "NULL THEN 'development_target' WHEN m.activist_on IS NOT NULL THEN 'activist' "               \
    "ELSE 'applicant' END"
#define MEMBER_COLS                                                                                \
    "name, gender, born_on, phone, id_number, external_id, employer_id, branch_id, kind, "         \
    "applied_on, activist_on, target_on, admitted_on, full_on, left_as, left_on"
#define MEMBER_SELECT                                                                              \
    "SELECT m.id, m.name, m.gender, m.born_on, m.phone, m.id_number, m.external_id, "              \
    "m.employer_id, m.branch_id, m.kind, " MEMBER_STAGE ", m.applied_on, m.activist_on, "          \
    "m.target_on, m.admitted_on, m.full_on, m.left_as, m.left_on, m.last_report_on, m.version, "   \
    "m.created_at, m.updated_at FROM members m"

/* Case-insensitive substring match of a pattern built by store/rows.c.
 * An optional filter is written "(CAST(?n AS type) IS NULL OR ...)": PostgreSQL infers a
 * parameter's type from its first use, and "?n IS NULL" alone gives it none. */
#define NAME_MATCHES(n)                                                                            \
    "(CAST(?" #n " AS TEXT) IS NULL OR lower(name) LIKE lower(?" #n ") ESCAPE '\\')"

static const char *const sql[Q__ACTIVITIES_FIRST] = {
    [Q_PING] = "SELECT 1",
    [Q_SAVEPOINT] = "SAVEPOINT louyu_step",
    [Q_SAVEPOINT_RELEASE] = "RELEASE SAVEPOINT louyu_step",
    [Q_SAVEPOINT_ROLLBACK] = "ROLLBACK TO SAVEPOINT louyu_step",
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
    [Q_STATION_INSERT] =
        "INSERT INTO stations (" STATION_COLS ", version, created_at, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, 1, ?11, ?11) "
        "RETURNING id",
    [Q_STATION_UPDATE] = "UPDATE stations SET building_id = ?1, name = ?2, floor = ?3, "
                         "area_m2 = ?4, org_id = ?5, opening_hours = ?6, services = ?7, "
                         "contact_name = ?8, contact_phone = ?9, booking_rules = ?10, "
                         "version = version + 1, updated_at = ?11 WHERE id = ?12 AND version = ?13",
    [Q_STATION_DELETE] = "DELETE FROM stations WHERE id = ?1",
    [Q_STATION_DEPENDANTS] = "SELECT (SELECT count(*) FROM rooms WHERE station_id = ?1) + "
                             "(SELECT count(*) FROM closures WHERE station_id = ?1)",

    [Q_ROOM_GET] = ROOM_SELECT " WHERE id = ?1",
    [Q_ROOM_LIST] =
        ROOM_SELECT " WHERE id > ?1 AND (CAST(?2 AS BIGINT) IS NULL OR station_id = ?2) "
                    "AND (CAST(?3 AS TEXT) IS NULL OR kind = ?3) AND (CAST(?4 AS BIGINT) IS NULL "
                    "OR capacity >= ?4) "
                    "AND " NAME_MATCHES(5) " ORDER BY id LIMIT ?6",
    [Q_ROOMS_OF_STATION] = ROOM_SELECT " WHERE station_id = ?1 ORDER BY id",
    [Q_ROOM_INSERT] = "INSERT INTO rooms (" ROOM_COLS ", version, created_at, updated_at) "
                      "VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, ?6) RETURNING id",
    [Q_ROOM_UPDATE] = "UPDATE rooms SET station_id = ?1, name = ?2, kind = ?3, capacity = ?4, "
                      "bookable = ?5, version = version + 1, updated_at = ?6 "
                      "WHERE id = ?7 AND version = ?8",
    [Q_ROOM_DELETE] = "DELETE FROM rooms WHERE id = ?1",
    [Q_ROOM_DEPENDANTS] = "SELECT (SELECT count(*) FROM bookings WHERE room_id = ?1) + "
                          "(SELECT count(*) FROM closures WHERE room_id = ?1)",

    [Q_BOOKING_GET] = BOOKING_SELECT " WHERE b.id = ?1",
    [Q_BOOKING_LIST] =
        BOOKING_SELECT " WHERE b.id > ?1 AND (CAST(?2 AS BIGINT) IS NULL OR b.room_id = ?2) "
                       "AND (CAST(?3 AS BIGINT) IS NULL OR b.station_id = ?3) "
                       "AND (CAST(?4 AS BIGINT) IS NULL OR b.org_id = ?4) "
                       "AND (CAST(?5 AS TEXT) IS NULL OR b.status = ?5) "
                       "AND (CAST(?6 AS BIGINT) IS NULL OR b.end_at > ?6) "
                       "AND (CAST(?7 AS BIGINT) IS NULL OR b.start_at < ?7) "
                       "AND (CAST(?8 AS BIGINT) IS NULL OR b.series_id = ?8) AND " BOOKING_IN_SCOPE(
                           9) " AND "
                              "CAST(?10 AS TEXT) IS NULL ORDER BY b.id LIMIT ?11",
    [Q_BOOKING_INSERT] = "INSERT INTO bookings (" BOOKING_COLS ", status, series_id, flag, "
                         "offer_expires_at, station_id, created_by, version, created_at, "
                         "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                         "?13, ?14, ?15, 1, ?16, ?16) RETURNING id",
    [Q_BOOKING_UPDATE] = "UPDATE bookings SET room_id = ?1, org_id = ?2, start_at = ?3, "
                         "end_at = ?4, title = ?5, purpose = ?6, attendance = ?7, "
                         "contact_name = ?8, contact_phone = ?9, version = version + 1, "
                         "updated_at = ?10 WHERE id = ?11 AND version = ?12",
    [Q_BOOKING_SET_STATUS] = "UPDATE bookings SET status = ?1, reason = ?2, "
                             "offer_expires_at = ?3, version = version + 1, updated_at = ?4 "
                             "WHERE id = ?5 AND version = ?6",
    [Q_BOOKING_CHECK_IN] = "UPDATE bookings SET checked_in_at = ?1, version = version + 1, "
                           "updated_at = ?1 WHERE id = ?2 AND version = ?3",
    [Q_BOOKING_CONFLICT] = "SELECT b.id FROM bookings b WHERE " MEETS(
        1, 2, 3) " AND " ACTIVE " AND b.id <> ?4 ORDER BY b.start_at LIMIT 1",
    [Q_BOOKING_BUSY] = "SELECT b.start_at, b.end_at FROM bookings b WHERE " MEETS(
        1, 2, 3) " AND " ACTIVE " ORDER BY b.start_at",
    [Q_BOOKING_WAITING] = BOOKING_SELECT " WHERE " MEETS(1, 2, 3) " AND b.status = 'waiting' "
                                                                  "ORDER BY b.id",
    /* an organisation's active bookings at a station that start in (?3 - 1 day, ?4) */
    [Q_BOOKING_HELD] = "SELECT b.start_at, b.end_at FROM bookings b WHERE b.org_id = ?1 "
                       "AND b.station_id = ?2 AND b.start_at > CAST(?3 AS BIGINT) - 86400 "
                       "AND b.start_at < ?4 AND " ACTIVE " AND b.id <> ?5",
    [Q_BOOKING_OPEN] = "SELECT count(*) FROM bookings b WHERE b.org_id = ?1 AND b.station_id = ?2 "
                       "AND b.start_at > CAST(?3 AS BIGINT) - 86400 AND b.end_at > ?3 AND " ACTIVE
                       " AND b.id <> ?4",
    [Q_BOOKING_SERIES_REST] = "SELECT b.id FROM bookings b WHERE b.series_id = ?1 "
                              "AND b.series_id IS NOT NULL "
                              "AND b.start_at >= ?2 AND b.status IN ('waiting', 'offered', "
                              "'pending', 'confirmed') ORDER BY b.start_at",
    [Q_BOOKING_SERIES_INSERT] =
        "INSERT INTO booking_series (rrule, created_at) VALUES (?1, ?2) RETURNING id",
    [Q_BOOKING_DUE_OFFERS] = "SELECT b.id FROM bookings b WHERE b.status = 'offered' "
                             "AND b.offer_expires_at <= ?1 ORDER BY b.offer_expires_at LIMIT 500",
    [Q_BOOKING_LAPSED_WAITS] = "SELECT b.id FROM bookings b WHERE b.status = 'waiting' "
                               "AND b.start_at <= ?1 ORDER BY b.start_at LIMIT 500",
    /* room by room, each an index range in time (no index of its own: one page less for
     * every booking written) */
    [Q_BOOKING_DUE_RELEASE] =
        "SELECT b.id, b.start_at, s.booking_rules FROM rooms r CROSS JOIN bookings b "
        "JOIN stations s ON s.id = b.station_id WHERE b.room_id = r.id "
        "AND b.status = 'confirmed' AND b.checked_in_at IS NULL "
        "AND b.start_at <= ?1 AND b.start_at > CAST(?1 AS BIGINT) - 604800 "
        "ORDER BY b.start_at LIMIT 500",
    [Q_BOOKING_RECORD] =
        "SELECT count(*), COALESCE(sum(CASE WHEN status = 'released' THEN 1 ELSE 0 END), 0), "
        "COALESCE(sum(CASE WHEN checked_in_at IS NOT NULL THEN 1 ELSE 0 END), 0), "
        "COALESCE(sum(CASE WHEN status = 'cancelled' THEN 1 ELSE 0 END), 0) FROM bookings "
        "WHERE org_id = ?1 AND start_at >= ?2 AND start_at < ?3",
    [Q_BOOKING_FEED_ROOM] = FEED_SELECT "b.room_id = ?1" FEED_WINDOW,
    [Q_BOOKING_FEED_STATION] =
        FEED_SELECT "b.room_id IN (SELECT id FROM rooms WHERE station_id = ?1)" FEED_WINDOW,
    [Q_BOOKING_FEED_ORG] = FEED_SELECT "b.org_id = ?1" FEED_WINDOW,
    [Q_BOOKING_FEED_ONE] = FEED_SELECT "b.id = ?1 AND CAST(?2 AS BIGINT) IS NOT NULL "
                                       "AND CAST(?3 AS BIGINT) IS NOT NULL",
    /* the active bookings a new closure falls on, flagged so that the station sees them */
    [Q_BOOKING_FLAG_CLOSED] =
        "UPDATE bookings SET flag = ?1, version = version + 1, updated_at = ?2 "
        "WHERE room_id IN (SELECT id FROM rooms WHERE station_id = ?3 "
        "AND (CAST(?4 AS BIGINT) IS NULL OR id = ?4)) AND start_at > CAST(?5 AS BIGINT) - 86400 "
        "AND start_at < ?6 AND end_at > ?5 AND status IN ('offered', 'pending', 'confirmed')",
    [Q_STATION_LOCK] = "SELECT id FROM stations WHERE id = ?1 FOR UPDATE",

    [Q_CLOSURE_GET] = CLOSURE_SELECT " WHERE id = ?1",
    [Q_CLOSURE_LIST] =
        CLOSURE_SELECT " WHERE id > ?1 AND (CAST(?2 AS BIGINT) IS NULL OR "
                       "station_id = ?2) AND (CAST(?3 AS BIGINT) IS NULL OR "
                       "room_id = ?3) AND (CAST(?4 AS BIGINT) IS NULL OR "
                       "end_at > ?4) AND (CAST(?5 AS BIGINT) IS NULL OR "
                       "start_at < ?5) AND CAST(?6 AS TEXT) IS NULL ORDER BY id LIMIT ?7",
    [Q_CLOSURE_INSERT] = "INSERT INTO closures (" CLOSURE_COLS ", version, created_at, "
                         "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?7) RETURNING id",
    [Q_CLOSURE_UPDATE] = "UPDATE closures SET station_id = ?1, room_id = ?2, start_at = ?3, "
                         "end_at = ?4, reason = ?5, effect = ?6, version = version + 1, "
                         "updated_at = ?7 WHERE id = ?8 AND version = ?9",
    [Q_CLOSURE_DELETE] = "DELETE FROM closures WHERE id = ?1",
    [Q_CLOSURE_DEPENDANTS] = "SELECT 0 WHERE CAST(?1 AS BIGINT) IS NOT NULL",
    /* closures are few (holidays, maintenance): a station's are read whole */
    [Q_CLOSURE_MEETING] = "SELECT id, reason, effect, start_at, end_at FROM closures "
                          "WHERE station_id = ?1 AND (room_id IS NULL OR room_id = ?2) "
                          "AND start_at < ?4 AND end_at > ?3 ORDER BY start_at",

    [Q_ORG_GET] = ORG_SELECT " WHERE id = ?1",
    [Q_ORG_LIST] =
        ORG_SELECT " o WHERE id > ?1 AND (CAST(?2 AS BIGINT) IS NULL OR parent_id = ?2) "
                   "AND (CAST(?3 AS BIGINT) IS NULL OR path LIKE "
                   "(SELECT w.path FROM orgs w WHERE w.id = ?3) || '%') "
                   "AND (CAST(?4 AS TEXT) IS NULL OR kind = ?4) "
                   "AND (CAST(?5 AS BIGINT) IS NULL OR building_id = ?5) "
                   "AND " IN_SCOPE(6, "o.id") " AND " NAME_MATCHES(7) " ORDER BY id LIMIT ?8",
    /* The path is set by Q_ORG_SET_PATH once the id is known. */
    [Q_ORG_INSERT] = "INSERT INTO orgs (" ORG_COLS ", path, version, created_at, updated_at) "
                     "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '/', 1, ?8, ?8) RETURNING id",
    [Q_ORG_UPDATE] = "UPDATE orgs SET parent_id = ?1, name = ?2, kind = ?3, building_id = ?4, "
                     "managed = ?5, contact_name = ?6, contact_phone = ?7, version = version + 1, "
                     "updated_at = ?8 WHERE id = ?9 AND version = ?10",
    [Q_ORG_DELETE] = "DELETE FROM orgs WHERE id = ?1",
    [Q_ORG_DEPENDANTS] = "SELECT (SELECT count(*) FROM orgs WHERE parent_id = ?1) + "
                         "(SELECT count(*) FROM stations WHERE org_id = ?1) + "
                         "(SELECT count(*) FROM grants WHERE org_id = ?1) + "
                         "(SELECT count(*) FROM partnerships WHERE partner_id = ?1 "
                         "OR committee_id = ?1)",
    [Q_ORG_SET_PATH] = "UPDATE orgs SET path = ?1 WHERE id = ?2",
    /* ?3 is the old path of the moved organisation, ?2 its length, ?1 the new path. */
    [Q_ORG_MOVE_SUBTREE] = "UPDATE orgs SET path = ?1 || substr(path, ?2 + 1) "
                           "WHERE substr(path, 1, ?2) = ?3",
    [Q_ORG_SCOPE_PATHS] = "SELECT path FROM orgs WHERE id = ?1 UNION ALL "
                          "SELECT c.path FROM partnerships p JOIN orgs c ON c.id = p.committee_id "
                          "WHERE p.partner_id = ?1",

    [Q_PARTNERSHIP_GET] = PARTNERSHIP_SELECT " WHERE id = ?1",
    [Q_PARTNERSHIP_LIST] = PARTNERSHIP_SELECT
    " ps WHERE id > ?1 AND (CAST(?2 AS BIGINT) IS NULL OR partner_id = ?2) "
    "AND (CAST(?3 AS BIGINT) IS NULL OR committee_id = ?3) AND " IN_SCOPE(
        4, "ps.committee_id") " AND CAST(?5 AS TEXT) IS NULL ORDER BY id LIMIT ?6",
    [Q_PARTNERSHIP_INSERT] = "INSERT INTO partnerships (partner_id, committee_id, version, "
                             "created_at, updated_at) VALUES (?1, ?2, 1, ?3, ?3) RETURNING id",
    [Q_PARTNERSHIP_UPDATE] =
        "UPDATE partnerships SET partner_id = ?1, committee_id = ?2, "
        "version = version + 1, updated_at = ?3 WHERE id = ?4 AND version = ?5",
    [Q_PARTNERSHIP_DELETE] = "DELETE FROM partnerships WHERE id = ?1",
    [Q_PARTNERSHIP_DEPENDANTS] = "SELECT 0 WHERE CAST(?1 AS BIGINT) IS NOT NULL",
    [Q_PARTNERSHIP_DUPLICATE] = "SELECT 1 FROM partnerships WHERE partner_id = ?1 "
                                "AND committee_id = ?2 AND id <> ?3",

    [Q_USER_GET] = USER_SELECT " WHERE id = ?1",
    [Q_USER_LIST] = USER_SELECT " WHERE id > ?1 AND (CAST(?2 AS BIGINT) IS NULL OR disabled = ?2) "
                                "AND (CAST(?3 AS TEXT) IS NULL OR lower(username) LIKE lower(?3) "
                                "ESCAPE '\\' OR lower(display_name) LIKE lower(?3) ESCAPE '\\') "
                                "ORDER BY id LIMIT ?4",
    [Q_USER_INSERT] =
        "INSERT INTO users (username, display_name, disabled, member_id, password_hash, version, "
        "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?6, 1, ?5, ?5) RETURNING id",
    [Q_USER_UPDATE] = "UPDATE users SET username = ?1, display_name = ?2, disabled = ?3, "
                      "member_id = ?4, version = version + 1, updated_at = ?5 WHERE id = ?6 "
                      "AND version = ?7",
    [Q_USER_SET_LOCALE] = "UPDATE users SET locale = ?1, version = version + 1, updated_at = ?2 "
                          "WHERE id = ?3",
    [Q_USER_DELETE] = "DELETE FROM users WHERE id = ?1",
    [Q_USER_DEPENDANTS] = "SELECT count(*) FROM grants WHERE user_id = ?1",
    [Q_USER_BY_NAME] = "SELECT id FROM users WHERE username = ?1",
    [Q_USER_CREDENTIALS] = "SELECT id, password_hash, member_id FROM users WHERE username = ?1 "
                           "AND disabled = 0",
    [Q_USER_SET_PASSWORD] = "UPDATE users SET password_hash = ?1, version = version + 1, "
                            "updated_at = ?2 WHERE id = ?3",

    [Q_GRANT_GET] = GRANT_SELECT " WHERE id = ?1",
    [Q_GRANT_LIST] = GRANT_SELECT " WHERE id > ?1 AND (CAST(?2 AS BIGINT) IS NULL OR user_id = ?2) "
                                  "AND (CAST(?3 AS BIGINT) IS NULL OR org_id = ?3) "
                                  "AND CAST(?4 AS TEXT) IS NULL ORDER BY id LIMIT ?5",
    [Q_GRANT_INSERT] =
        "INSERT INTO grants (user_id, role, org_id, station_id, version, created_at, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5) RETURNING id",
    [Q_GRANT_UPDATE] = "UPDATE grants SET user_id = ?1, role = ?2, org_id = ?3, station_id = ?4, "
                       "version = version + 1, updated_at = ?5 WHERE id = ?6 AND version = ?7",
    [Q_GRANT_DELETE] = "DELETE FROM grants WHERE id = ?1",
    [Q_GRANT_DEPENDANTS] = "SELECT 0 WHERE CAST(?1 AS BIGINT) IS NOT NULL",
    [Q_GRANT_DUPLICATE] = "SELECT 1 FROM grants WHERE user_id = ?1 AND role = ?2 "
                          "AND COALESCE(org_id, 0) = ?3 AND COALESCE(station_id, 0) = ?4 "
                          "AND id <> ?5",
    [Q_GRANTS_OF_USER] = "SELECT g.role, g.org_id, o.path, g.station_id FROM grants g "
                         "LEFT JOIN orgs o ON o.id = g.org_id WHERE g.user_id = ?1 ORDER BY g.id",

    [Q_SESSION_INSERT] = "INSERT INTO sessions (token_hash, csrf_token, user_id, created_at, "
                         "seen_at, expires_at) VALUES (?1, ?2, ?3, ?4, ?4, ?5) RETURNING id",
    [Q_SESSION_FIND] = "SELECT s.id, s.user_id, u.username, s.csrf_token, s.seen_at, s.expires_at, "
                       "u.disabled, u.member_id FROM sessions s JOIN users u ON u.id = s.user_id "
                       "WHERE s.token_hash = ?1",
    [Q_SESSION_TOUCH] = "UPDATE sessions SET seen_at = ?1 WHERE id = ?2",
    [Q_SESSION_DELETE] = "DELETE FROM sessions WHERE id = ?1",
    [Q_SESSION_DELETE_USER] = "DELETE FROM sessions WHERE user_id = ?1",
    [Q_SESSION_PURGE] = "DELETE FROM sessions WHERE expires_at <= ?1 OR seen_at < ?2",
    [Q_SIGNIN_FAILURES] = "SELECT failures FROM signin_failures WHERE key = ?1 "
                          "AND window_start >= ?2",
    /* ?2 now, ?3 the start of the current window: an older count starts afresh. */
    [Q_SIGNIN_FAILURE_ADD] =
        "INSERT INTO signin_failures (key, window_start, failures) VALUES (?1, ?2, 1) "
        "ON CONFLICT (key) DO UPDATE SET "
        "failures = CASE WHEN signin_failures.window_start < ?3 THEN 1 "
        "ELSE signin_failures.failures + 1 END, "
        "window_start = CASE WHEN signin_failures.window_start < ?3 THEN ?2 "
        "ELSE signin_failures.window_start END",
    [Q_SIGNIN_FAILURE_CLEAR] = "DELETE FROM signin_failures WHERE key = ?1",
    [Q_SIGNIN_FAILURE_UNDO] = "UPDATE signin_failures SET failures = failures - 1 "
                              "WHERE key = ?1 AND failures > 0",
    [Q_SIGNIN_FAILURE_PURGE] = "DELETE FROM signin_failures WHERE window_start < ?1",

    [Q_MEMBER_GET] = MEMBER_SELECT " WHERE m.id = ?1",
    [Q_MEMBER_LIST] = MEMBER_SELECT
    " WHERE m.id > ?1 AND (CAST(?2 AS BIGINT) IS NULL OR m.branch_id = ?2) "
    "AND (CAST(?3 AS BIGINT) IS NULL OR EXISTS (SELECT 1 FROM orgs b "
    "JOIN orgs w ON w.id = ?3 WHERE b.id = m.branch_id AND b.path LIKE w.path || '%')) "
    "AND (CAST(?4 AS TEXT) IS NULL OR " MEMBER_STAGE " = ?4) "
    "AND (CAST(?5 AS TEXT) IS NULL OR m.kind = ?5) "
    "AND (CAST(?6 AS BIGINT) IS NULL OR CAST(substr(m.admitted_on, 6, 2) AS BIGINT) = ?6) "
    "AND (CAST(?7 AS TEXT) IS NULL OR (" MEMBER_STAGE " = 'activist' AND "
    "COALESCE(m.last_report_on, m.activist_on) < ?7)) "
    "AND " IN_SCOPE(
        8, "m.branch_id") " AND "
                          "(CAST(?9 AS TEXT) IS NULL OR lower(m.name) LIKE lower(?9) ESCAPE '\\') "
                          "ORDER BY m.id LIMIT ?10",
    [Q_MEMBER_INSERT] = "INSERT INTO members (" MEMBER_COLS ", version, created_at, updated_at) "
                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, "
                        "?16, 1, ?17, ?17) RETURNING id",
    [Q_MEMBER_UPDATE] = "UPDATE members SET name = ?1, gender = ?2, born_on = ?3, phone = ?4, "
                        "id_number = ?5, external_id = ?6, employer_id = ?7, branch_id = ?8, "
                        "kind = ?9, applied_on = ?10, activist_on = ?11, target_on = ?12, "
                        "admitted_on = ?13, full_on = ?14, left_as = ?15, left_on = ?16, "
                        "version = version + 1, updated_at = ?17 WHERE id = ?18 AND version = ?19",
    [Q_MEMBER_DELETE] = "DELETE FROM members WHERE id = ?1",
    [Q_MEMBER_DEPENDANTS] = "SELECT 0 WHERE CAST(?1 AS BIGINT) IS NOT NULL",
    /* ?1 the stage reached, ?2 its day. */
    [Q_MEMBER_SET_STAGE] =
        "UPDATE members SET "
        "applied_on = CASE WHEN CAST(?1 AS TEXT) = 'applicant' THEN CAST(?2 AS TEXT) "
        "ELSE applied_on END, "
        "activist_on = CASE WHEN ?1 = 'activist' THEN ?2 ELSE activist_on END, "
        "target_on = CASE WHEN ?1 = 'development_target' THEN ?2 ELSE target_on END, "
        "admitted_on = CASE WHEN ?1 = 'probationary' THEN ?2 ELSE admitted_on END, "
        "full_on = CASE WHEN ?1 = 'full_member' THEN ?2 ELSE full_on END, "
        "left_as = CASE WHEN ?1 IN ('transferred_out', 'deceased') THEN ?1 ELSE left_as END, "
        "left_on = CASE WHEN ?1 IN ('transferred_out', 'deceased') THEN ?2 ELSE left_on END, "
        "version = version + 1, updated_at = ?3 WHERE id = ?4 AND version = ?5",
    /* A report handed in late (dated before the last one) does not move the date back. */
    [Q_MEMBER_SET_REPORT] = "UPDATE members SET last_report_on = CASE WHEN last_report_on IS NULL "
                            "OR last_report_on < CAST(?1 AS TEXT) THEN ?1 ELSE last_report_on END, "
                            "version = version + 1, updated_at = ?2 WHERE id = ?3 AND version = ?4",

    [Q_MEMBER_BY_PHONE] = "SELECT id FROM members WHERE phone = ?1",
    [Q_MEMBER_BY_EXTERNAL] = "SELECT id FROM members WHERE external_id = ?1",
    [Q_ORG_BY_NAME] = "SELECT id FROM orgs WHERE name = ?1 ORDER BY id LIMIT 2",

    /* What identifies a person goes; what statistics count (branch, kind, stage days) stays. */
    [Q_MEMBER_ERASE] = "UPDATE members SET name = ?1, gender = NULL, born_on = NULL, phone = NULL, "
                       "id_number = NULL, external_id = NULL, employer_id = NULL, "
                       "version = version + 1, updated_at = ?2 WHERE id = ?3 AND version = ?4",
    [Q_AUDIT_ERASE] = "UPDATE audit SET changes = '{\"erased\":[false,true]}' "
                      "WHERE entity = 'member' AND entity_id = ?1",
    [Q_AUDIT_OF_RECORD] = AUDIT_SELECT " WHERE entity = ?1 AND entity_id = ?2 ORDER BY id",

    [Q_AUDIT_INSERT] = "INSERT INTO audit (at, user_id, username, entity, entity_id, action, "
                       "org_id, changes, org_path) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    [Q_AUDIT_GET] = AUDIT_SELECT " WHERE id = ?1",
    [Q_AUDIT_LIST] = AUDIT_SELECT " a WHERE id > ?1 AND (CAST(?2 AS TEXT) IS NULL OR entity = ?2) "
                                  "AND (CAST(?3 AS BIGINT) IS NULL OR entity_id = ?3) "
                                  "AND (CAST(?4 AS BIGINT) IS NULL OR user_id = ?4) "
                                  "AND (CAST(?5 AS TEXT) IS NULL OR action = ?5) "
                                  "AND (CAST(?6 AS BIGINT) IS NULL OR org_id = ?6) "
                                  "AND " AUDIT_IN_SCOPE(7) " AND CAST(?8 AS TEXT) IS NULL "
                                                           "ORDER BY id LIMIT ?9",
    [Q_AUDIT_PATH] = "SELECT org_path FROM audit WHERE id = ?1 AND org_path IS NOT NULL",

    /* The largest id of each table a generated network is added to, and its root. */
    [Q_SCALE_BASES] =
        "SELECT (SELECT COALESCE(max(id), 0) FROM buildings), (SELECT COALESCE(max(id), 0) FROM "
        "orgs), "
        "(SELECT COALESCE(max(id), 0) FROM stations), (SELECT COALESCE(max(id), 0) FROM rooms), "
        "(SELECT COALESCE(max(id), 0) FROM members), (SELECT COALESCE(max(id), 0) FROM users), "
        "(SELECT COALESCE(max(id), 0) FROM grants), (SELECT COALESCE(max(id), 0) FROM bookings), "
        "(SELECT COALESCE(max(id), 0) FROM activities), "
        "(SELECT COALESCE(max(id), 0) FROM registrations), "
        "(SELECT COALESCE(max(id), 0) FROM checkins), id, path "
        "FROM orgs WHERE kind = 'district_department' ORDER BY id LIMIT 1",
};

const char *query_sql(enum query q)
{
    return q < Q__ACTIVITIES_FIRST ? sql[q] : activity_query_sql(q);
}
