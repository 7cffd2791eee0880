/*
 * The SQL of activities, their series, sign-ups, check-ins and attendance
 * (the conventions are queries.c's: '?NNN' parameters, column lists in the
 * order of the record's field table, list statements' parameter layout).
 */
#include <stddef.h>

#include "store/queries.h"

/* The caller (?n) holds an organisation-bound grant of a role in 'roles' over the host
 * of activity a, or over the committee that runs its station; or manages the station. */
#define OVER_ACTIVITY(n, roles)                                                                    \
    "(EXISTS (SELECT 1 FROM grants g JOIN orgs gr ON gr.id = g.org_id "                            \
    "JOIN orgs h ON h.id = a.host_org_id WHERE g.user_id = ?" #n roles                             \
    " AND h.path LIKE gr.path || '%') OR EXISTS (SELECT 1 FROM grants g JOIN orgs gr ON "          \
    "gr.id = g.org_id JOIN stations s ON s.id = a.station_id JOIN orgs so ON so.id = s.org_id "    \
    "WHERE g.user_id = ?" #n roles " AND so.path LIKE gr.path || '%') OR EXISTS (SELECT 1 "        \
    "FROM activity_organisers ao JOIN orgs co ON co.id = ao.org_id JOIN grants g ON "              \
    "g.user_id = ?" #n roles " JOIN orgs gr ON gr.id = g.org_id WHERE ao.activity_id = a.id "      \
    "AND co.path LIKE gr.path || '%') OR EXISTS (SELECT 1 FROM grants g WHERE g.user_id = ?" #n    \
    " AND g.station_id = a.station_id))"

/* The caller (?n, NULL for an admin) runs activity a: a committee admin or branch
 * secretary over its host or its station's committee, or the station's manager. */
#define RUNS(n)                                                                                    \
    "(CAST(?" #n " AS BIGINT) IS NULL OR " OVER_ACTIVITY(                                          \
        n, " AND g.role IN ('committee_admin', 'branch_secretary')") ")"

/* Anyone sees what is published (or was); drafts only those who run them (any grant:
 * a member of the branch may see what it prepares). */
#define ACTIVITY_VISIBLE(n)                                                                        \
    "(a.status <> 'draft' OR CAST(?" #n " AS BIGINT) IS NULL OR " OVER_ACTIVITY(n, "") ")"

#define ACTIVITY_COLS                                                                              \
    "series_id, title, description, kind, host_org_id, co_organisers, room_id, start_at, end_at, " \
    "capacity, audience, walk_ins, slot_minutes, slot_capacity, booking_id"
#define ACTIVITY_COLUMNS(counts)                                                                   \
    "SELECT a.id, a.series_id, a.title, a.description, a.kind, a.host_org_id, a.co_organisers, "   \
    "a.room_id, a.start_at, a.end_at, a.capacity, a.audience, a.walk_ins, a.slot_minutes, "        \
    "a.slot_capacity, a.booking_id, a.status, a.reason, a.birthday_month, a.station_id, " counts   \
    ", a.created_by, (SELECT o.name FROM orgs o WHERE o.id = a.host_org_id), a.version, "          \
    "a.created_at, a.updated_at FROM activities a"
#define ACTIVITY_SELECT                                                                            \
    ACTIVITY_COLUMNS(                                                                              \
        "(SELECT count(*) FROM registrations r WHERE r.activity_id = a.id "                        \
        "AND r.status = 'registered'), (SELECT count(*) FROM registrations r "                     \
        "WHERE r.activity_id = a.id AND r.status = 'waiting'), (SELECT count(*) FROM checkins k "  \
        "WHERE k.activity_id = a.id AND k.undone_at IS NULL)")

#define SERIES_SELECT                                                                              \
    "SELECT id, parent_id, org_id, name, description, hosts, version, created_at, updated_at "     \
    "FROM series"
#define ABSENCE_SELECT                                                                             \
    "SELECT id, series_id, org_id, day, reason, version, created_at, updated_at "                  \
    "FROM host_absences"

/* The place on the waiting list of a waiting sign-up r: those of its activity (and slot)
 * who waited longer, and itself. */
#define POSITION                                                                                   \
    "CASE WHEN r.status = 'waiting' THEN (SELECT count(*) FROM registrations w "                   \
    "WHERE w.activity_id = r.activity_id AND w.status = 'waiting' "                                \
    "AND COALESCE(w.slot_start, 0) = COALESCE(r.slot_start, 0) AND w.id <= r.id) END"
#define REGISTRATION_SELECT                                                                        \
    "SELECT r.id, r.activity_id, r.member_id, r.name, r.phone, r.slot_start, r.status, r.source, " \
    "r.user_id, r.membership_years, r.reason, " POSITION ", r.start_at, r.end_at, r.version, "     \
    "r.created_at, r.updated_at FROM registrations r"
/* Sign-ups and check-ins are listed to the person they are about, and to those who run
 * the activity. */
#define ABOUT_OR_RUNS(n, t)                                                                        \
    "(CAST(?" #n " AS BIGINT) IS NULL OR " t ".user_id = ?" #n " OR " t ".member_id = "            \
    "(SELECT u.member_id FROM users u WHERE u.id = ?" #n ") OR EXISTS (SELECT 1 FROM "             \
    "activities a WHERE a.id = " t ".activity_id AND " RUNS(n) "))"

#define CHECKIN_SELECT                                                                             \
    "SELECT k.id, k.activity_id, k.registration_id, k.member_id, k.user_id, k.name, k.method, "    \
    "k.at, k.by_user, k.undone_at, k.undone_by, k.version, k.created_at, k.updated_at "            \
    "FROM checkins k"

#define FEED_SELECT                                                                                \
    "SELECT a.id, a.start_at, a.end_at, a.title, a.status, a.version, a.updated_at, o.name, "      \
    "r.name, s.name FROM activities a JOIN orgs o ON o.id = a.host_org_id JOIN rooms r ON "        \
    "r.id = a.room_id JOIN stations s ON s.id = a.station_id WHERE "
#define FEED_WINDOW                                                                                \
    " AND a.start_at >= ?2 AND a.start_at < ?3 AND a.status IN ('published', 'held', "             \
    "'cancelled') ORDER BY a.start_at LIMIT 5000"

#define IN_SERIES(n)                                                                               \
    "(a.series_id = ?" #n " OR a.series_id IN (SELECT id FROM series "                             \
    "WHERE parent_id = ?" #n "))"

static const char *const sql[Q__MAX - Q__ACTIVITIES_FIRST] = {
#define S(q) [(q)-Q__ACTIVITIES_FIRST]
    S(Q_ACTIVITY_GET) = ACTIVITY_SELECT " WHERE a.id = ?1",
    /* without the counts, which grow with every check-in: for the check-in's own reads */
    S(Q_ACTIVITY_GET_PLAIN) = ACTIVITY_COLUMNS("0, 0, 0") " WHERE a.id = ?1",
    S(Q_ACTIVITY_LIST) = ACTIVITY_SELECT
    " WHERE a.id > ?1 AND (CAST(?2 AS BIGINT) IS NULL OR a.station_id = ?2) "
    "AND (CAST(?3 AS BIGINT) IS NULL OR " IN_SERIES(
        3) ") "
           "AND (CAST(?4 AS BIGINT) IS NULL OR a.host_org_id = ?4) "
           "AND (CAST(?5 AS TEXT) IS NULL OR a.kind = ?5) "
           "AND (CAST(?6 AS TEXT) IS NULL OR a.status = ?6) "
           "AND (CAST(?7 AS BIGINT) IS NULL OR a.end_at > ?7) "
           "AND (CAST(?8 AS BIGINT) IS NULL OR a.start_at < ?8) "
           "AND " ACTIVITY_VISIBLE(
               9) " AND (CAST(?10 AS TEXT) IS NULL OR "
                  "lower(a.title) LIKE lower(?10) ESCAPE '\\') ORDER BY a.id LIMIT ?11",
    S(Q_ACTIVITY_INSERT) =
        "INSERT INTO activities (" ACTIVITY_COLS ", status, birthday_month, station_id, "
        "host_path, created_by, version, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
        "?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, 1, ?21, ?21) "
        "RETURNING id",
    S(Q_ACTIVITY_UPDATE) =
        "UPDATE activities SET series_id = ?1, title = ?2, description = ?3, kind = ?4, "
        "host_org_id = ?5, co_organisers = ?6, room_id = ?7, start_at = ?8, end_at = ?9, "
        "capacity = ?10, audience = ?11, walk_ins = ?12, slot_minutes = ?13, "
        "slot_capacity = ?14, booking_id = ?15, version = version + 1, updated_at = ?16 "
        "WHERE id = ?17 AND version = ?18",
    /* SQLite's driver drops FOR UPDATE: its write transactions hold the file's lock */
    S(Q_ACTIVITY_LOCK) = "SELECT id FROM activities WHERE id = ?1 FOR UPDATE",
    S(Q_ACTIVITY_SET_STATUS) = "UPDATE activities SET status = ?1, reason = ?2, "
                               "version = version + 1, updated_at = ?3 WHERE id = ?4",
    S(Q_ACTIVITY_HOLD_ENDED) = "UPDATE activities SET status = 'held', version = version + 1, "
                               "updated_at = ?1 WHERE status = 'published' AND end_at <= ?1",
    S(Q_ACTIVITY_HOST_PATH) = "SELECT host_path FROM activities WHERE id = ?1",
    S(Q_ACTIVITY_OF_SERIES_ON) = "SELECT a.id FROM activities a WHERE a.series_id = ?1 "
                                 "AND a.start_at = ?2 AND a.status <> 'cancelled'",

    S(Q_ACTIVITY_BIRTHDAY) = "SELECT id FROM activities WHERE host_org_id = ?1 "
                             "AND birthday_month = ?2 AND status <> 'cancelled'",
    S(Q_ACTIVITY_OF_BOOKING) = "SELECT id FROM activities WHERE booking_id = ?1 "
                               "AND status IN ('draft', 'published')",
    S(Q_ORGANISERS_CLEAR) = "DELETE FROM activity_organisers WHERE activity_id = ?1",
    S(Q_ORGANISERS_ADD) = "INSERT INTO activity_organisers (activity_id, org_id) VALUES (?1, ?2)",
    S(Q_ROOM_OF_ORG) = "SELECT r.id FROM rooms r JOIN stations s ON s.id = r.station_id "
                       "WHERE s.org_id = ?1 AND r.bookable = 1 ORDER BY r.capacity DESC, r.id "
                       "LIMIT 1",

    S(Q_SERIES_GET) = SERIES_SELECT " WHERE id = ?1",
    S(Q_SERIES_LIST) = SERIES_SELECT " WHERE id > ?1 AND (CAST(?2 AS BIGINT) IS NULL OR "
                                     "org_id = ?2) AND (CAST(?3 AS BIGINT) IS NULL OR "
                                     "parent_id = ?3) AND (CAST(?4 AS TEXT) IS NULL OR "
                                     "lower(name) LIKE lower(?4) ESCAPE '\\') "
                                     "ORDER BY id LIMIT ?5",
    S(Q_SERIES_INSERT) = "INSERT INTO series (parent_id, org_id, name, description, hosts, "
                         "version, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, 1, ?6, "
                         "?6) RETURNING id",
    S(Q_SERIES_UPDATE) = "UPDATE series SET parent_id = ?1, org_id = ?2, name = ?3, "
                         "description = ?4, hosts = ?5, version = version + 1, updated_at = ?6 "
                         "WHERE id = ?7 AND version = ?8",
    S(Q_SERIES_DELETE) = "DELETE FROM series WHERE id = ?1", /* its rotation goes with it */
    S(Q_SERIES_DEPENDANTS) = "SELECT (SELECT count(*) FROM activities WHERE series_id = ?1) + "
                             "(SELECT count(*) FROM series WHERE parent_id = ?1) + "
                             "(SELECT count(*) FROM host_absences WHERE series_id = ?1)",
    S(Q_SERIES_LOCK) = "SELECT id FROM series WHERE id = ?1 FOR UPDATE",
    S(Q_SERIES_ROTATION) = "SELECT org_id, next_round, place FROM series_rotation "
                           "WHERE series_id = ?1 ORDER BY place",
    S(Q_SERIES_ROTATION_CLEAR) = "DELETE FROM series_rotation WHERE series_id = ?1",
    S(Q_SERIES_ROTATION_PUT) = "INSERT INTO series_rotation (series_id, org_id, next_round, "
                               "place) VALUES (?1, ?2, ?3, ?4)",

    S(Q_ABSENCE_GET) = ABSENCE_SELECT " WHERE id = ?1",
    S(Q_ABSENCE_LIST) = ABSENCE_SELECT " WHERE id > ?1 AND (CAST(?2 AS BIGINT) IS NULL OR "
                                       "series_id = ?2) AND (CAST(?3 AS BIGINT) IS NULL OR "
                                       "org_id = ?3) AND CAST(?4 AS TEXT) IS NULL "
                                       "ORDER BY id LIMIT ?5",
    S(Q_ABSENCE_INSERT) = "INSERT INTO host_absences (series_id, org_id, day, reason, version, "
                          "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5) "
                          "RETURNING id",
    S(Q_ABSENCE_UPDATE) = "UPDATE host_absences SET series_id = ?1, org_id = ?2, day = ?3, "
                          "reason = ?4, version = version + 1, updated_at = ?5 "
                          "WHERE id = ?6 AND version = ?7",
    S(Q_ABSENCE_DELETE) = "DELETE FROM host_absences WHERE id = ?1",
    S(Q_ABSENCE_DEPENDANTS) = "SELECT 0 WHERE CAST(?1 AS BIGINT) IS NOT NULL",
    S(Q_ABSENCES_OF_SERIES) = "SELECT org_id, day FROM host_absences WHERE series_id = ?1 "
                              "AND day >= ?2 AND day <= ?3",

    S(Q_REGISTRATION_GET) = REGISTRATION_SELECT " WHERE r.id = ?1",
    S(Q_REGISTRATION_LIST) = REGISTRATION_SELECT
    " WHERE r.id > ?1 AND (CAST(?2 AS BIGINT) IS NULL OR "
    "r.activity_id = ?2) AND (CAST(?3 AS BIGINT) IS NULL OR "
    "r.member_id = ?3) AND (CAST(?4 AS TEXT) IS NULL OR r.status = ?4) "
    "AND " ABOUT_OR_RUNS(5, "r") " AND (CAST(?6 AS TEXT) IS NULL OR "
                                 "lower(r.name) LIKE lower(?6) ESCAPE '\\' OR r.phone LIKE ?6 "
                                 "ESCAPE '\\') ORDER BY r.id LIMIT ?7",
    S(Q_REGISTRATION_INSERT) =
        "INSERT INTO registrations (activity_id, person, member_id, user_id, name, phone, "
        "slot_start, start_at, end_at, status, source, membership_years, version, created_at, "
        "updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, 1, ?13, ?13) "
        "RETURNING id",
    S(Q_REGISTRATION_SET_STATUS) = "UPDATE registrations SET status = ?1, reason = ?2, "
                                   "version = version + 1, updated_at = ?3 WHERE id = ?4",
    S(Q_REGISTRATION_OPEN) = "SELECT id, status FROM registrations WHERE activity_id = ?1 "
                             "AND person = ?2 AND status <> 'cancelled'",
    S(Q_REGISTRATION_OVERLAP) =
        "SELECT r.activity_id, a.title, r.start_at FROM registrations r JOIN activities a ON "
        "a.id = r.activity_id WHERE r.person = ?1 AND r.start_at < ?3 AND r.end_at > ?2 "
        "AND r.start_at > CAST(?2 AS BIGINT) - 86400 AND r.status <> 'cancelled' LIMIT 1",
    S(Q_REGISTRATION_TAKEN) =
        "SELECT count(*), sum(CASE WHEN slot_start = ?2 THEN 1 ELSE 0 END) FROM registrations "
        "WHERE activity_id = ?1 AND status = 'registered'",
    S(Q_REGISTRATION_WAITING) = "SELECT id FROM registrations WHERE activity_id = ?1 "
                                "AND status = 'waiting' ORDER BY id",
    S(Q_REGISTRATION_END) = "UPDATE registrations SET status = 'cancelled', reason = ?1, "
                            "version = version + 1, updated_at = ?2 WHERE activity_id = ?3 "
                            "AND status <> 'cancelled'",
    S(Q_PARTNER_COVERS) =
        "SELECT 1 FROM partnerships p JOIN orgs o ON o.id = p.partner_id "
        "WHERE p.committee_id = ?1 AND CAST(?2 AS TEXT) LIKE o.path || '%' LIMIT 1",

    S(Q_CHECKIN_GET) = CHECKIN_SELECT " WHERE k.id = ?1",
    S(Q_CHECKIN_LIST) = CHECKIN_SELECT
    " WHERE k.id > ?1 AND (CAST(?2 AS BIGINT) IS NULL OR "
    "k.activity_id = ?2) AND (CAST(?3 AS BIGINT) IS NULL OR "
    "k.member_id = ?3) AND " ABOUT_OR_RUNS(4,
                                           "k") " AND "
                                                "(CAST(?5 AS TEXT) IS NULL OR lower(k.name) LIKE "
                                                "lower(?5) ESCAPE '\\') ORDER BY k.id LIMIT ?6",
    /* A second check-in of a person is no check-in: the partial unique index says so */
    S(Q_CHECKIN_INSERT) =
        "INSERT INTO checkins (activity_id, person, registration_id, member_id, user_id, name, "
        "method, at, by_user, version, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, "
        "?7, ?8, ?9, 1, ?8, ?8) ON CONFLICT (activity_id, person) WHERE undone_at IS NULL "
        "DO NOTHING RETURNING id",
    S(Q_CHECKIN_LIVE) = "SELECT id FROM checkins WHERE activity_id = ?1 AND person = ?2 "
                        "AND undone_at IS NULL",
    S(Q_CHECKIN_UNDO) = "UPDATE checkins SET undone_at = ?1, undone_by = ?2, "
                        "version = version + 1, updated_at = ?1 WHERE id = ?3 "
                        "AND undone_at IS NULL",
    S(Q_CHECKIN_PERSON) = "SELECT person FROM checkins WHERE id = ?1",
    S(Q_SECRET_GET) = "SELECT value FROM secrets WHERE name = ?1",
    S(Q_SECRET_ADD) = "INSERT INTO secrets (name, value) VALUES (?1, ?2) "
                      "ON CONFLICT (name) DO NOTHING",

    S(Q_ATTENDEE_ADD) =
        "INSERT INTO attendees (org_id, period, person, times, volunteer_minutes) "
        "VALUES (?1, ?2, ?3, 1, ?4) ON CONFLICT (org_id, period, person) DO UPDATE "
        "SET times = attendees.times + 1, "
        "volunteer_minutes = attendees.volunteer_minutes + excluded.volunteer_minutes",
    S(Q_ATTENDEE_REMOVE) = "UPDATE attendees SET times = times - 1, "
                           "volunteer_minutes = volunteer_minutes - ?4 "
                           "WHERE org_id = ?1 AND period = ?2 AND person = ?3",
    S(Q_ATTENDEE_PRUNE) = "DELETE FROM attendees WHERE org_id = ?1 AND period = ?2 "
                          "AND person = ?3 AND times <= 0",
    S(Q_BOOKING_ARRIVED) = "UPDATE bookings SET checked_in_at = ?1, version = version + 1, "
                           "updated_at = ?1 WHERE id = ?2 AND checked_in_at IS NULL "
                           "AND status = 'confirmed'",

    /* people (distinct), person-times, volunteer minutes, members (distinct) */
    S(Q_ATTENDANCE_ORG) =
        "SELECT count(*), COALESCE(sum(times), 0), COALESCE(sum(volunteer_minutes), 0), "
        "COALESCE(sum(CASE WHEN person LIKE 'm:%' THEN 1 ELSE 0 END), 0) FROM attendees "
        "WHERE org_id = ?1 AND period = ?2",
    /* activities that took place (or will), by kind, hosted under the path ?1 */
    S(Q_ATTENDANCE_ORG_KINDS) = "SELECT a.kind, count(*) FROM activities a "
                                "WHERE a.start_at >= ?2 AND a.start_at < ?3 "
                                "AND a.host_path LIKE CAST(?1 AS TEXT) || '%' "
                                "AND a.status IN ('published', 'held') GROUP BY a.kind "
                                "ORDER BY a.kind",
    S(Q_ATTENDANCE_ACTIVITY) =
        "SELECT (SELECT count(*) FROM registrations r WHERE r.activity_id = ?1 "
        "AND r.status = 'registered'), (SELECT count(*) FROM registrations r "
        "WHERE r.activity_id = ?1 AND r.status = 'waiting'), (SELECT count(*) FROM "
        "registrations r WHERE r.activity_id = ?1 AND r.status = 'cancelled'), count(*), "
        "COALESCE(sum(CASE WHEN k.person LIKE 'm:%' THEN 1 ELSE 0 END), 0), "
        "COALESCE(sum(CASE WHEN k.method = 'walk_in' THEN 1 ELSE 0 END), 0), "
        "COALESCE(sum(CASE WHEN k.method = 'scan' THEN 1 ELSE 0 END), 0), "
        "COALESCE(sum(CASE WHEN k.registration_id IS NOT NULL THEN 1 ELSE 0 END), 0) "
        "FROM checkins k WHERE k.activity_id = ?1 AND k.undone_at IS NULL",
    /* people, person-times, volunteer minutes, members, of the series (and its
     * sub-series) in [?2, ?3) */
    S(Q_ATTENDANCE_SERIES) =
        "SELECT count(DISTINCT k.person), count(*), COALESCE(sum(CASE WHEN a.kind = "
        "'volunteer_service' THEN (a.end_at - a.start_at) / 60 ELSE 0 END), 0), "
        "count(DISTINCT CASE WHEN k.person LIKE 'm:%' THEN k.person END) FROM checkins k "
        "JOIN activities a ON a.id = k.activity_id WHERE " IN_SERIES(
            1) " AND k.undone_at "
               "IS NULL AND a.start_at >= ?2 AND a.start_at < ?3",
    S(Q_ATTENDANCE_SERIES_KINDS) = "SELECT a.kind, count(*) FROM activities a WHERE " IN_SERIES(
        1) " AND a.start_at >= ?2 AND a.start_at < ?3 AND a.status IN ('published', 'held') "
           "GROUP BY a.kind ORDER BY a.kind",
    /* what a person attended in [?2, ?3), by when */
    S(Q_ATTENDANCE_PERSON) =
        "SELECT a.id, a.title, a.kind, a.start_at, a.end_at, a.host_org_id, o.name, k.at, "
        "k.method FROM checkins k JOIN activities a ON a.id = k.activity_id JOIN orgs o ON "
        "o.id = a.host_org_id WHERE k.person = ?1 AND k.undone_at IS NULL AND a.start_at >= ?2 "
        "AND a.start_at < ?3 ORDER BY a.start_at, a.id",
    /* members under the path ?1 admitted in the month ?2 ('03') of an earlier year than ?3,
     * still in the register */
    S(Q_BIRTHDAY_MEMBERS) =
        "SELECT m.id, m.admitted_on FROM members m JOIN orgs b ON b.id = m.branch_id "
        "WHERE b.path LIKE CAST(?1 AS TEXT) || '%' AND m.admitted_on IS NOT NULL AND m.left_as IS "
        "NULL "
        "AND substr(m.admitted_on, 6, 2) = ?2 AND m.admitted_on < ?3 ORDER BY m.admitted_on, "
        "m.id",

    S(Q_ACTIVITY_FEED_STATION) = FEED_SELECT "a.station_id = ?1" FEED_WINDOW,
    S(Q_ACTIVITY_FEED_SERIES) = FEED_SELECT IN_SERIES(1) FEED_WINDOW,
    S(Q_ACTIVITY_FEED_PERSON) =
        FEED_SELECT "a.id IN (SELECT activity_id FROM registrations "
                    "WHERE person = ?1 AND status <> 'cancelled')" FEED_WINDOW,
#undef S
};

const char *activity_query_sql(enum query q)
{
    return q >= Q__ACTIVITIES_FIRST && q < Q__MAX ? sql[q - Q__ACTIVITIES_FIRST] : NULL;
}
