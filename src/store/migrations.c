/*
 * Migrations, oldest first. Never edit one that has shipped: add a new one.
 * Types are chosen to mean the same on SQLite and PostgreSQL: BIGINT and
 * DOUBLE PRECISION, booleans as SMALLINT 0/1, instants as BIGINT seconds since
 * the epoch, structured values as canonical JSON text.
 */
#include "store/migrations.h"

#include <string.h>

#include "core/arena.h"
#include "core/buf.h"

static const char *const migrations[] = {
    /* 1: towers, stations, rooms */
    "CREATE TABLE buildings ("
    " id {ID},"
    " name TEXT NOT NULL,"
    " address TEXT NOT NULL,"
    " latitude DOUBLE PRECISION NOT NULL CHECK (latitude BETWEEN -90 AND 90),"
    " longitude DOUBLE PRECISION NOT NULL CHECK (longitude BETWEEN -180 AND 180),"
    " grade TEXT,"
    " floors BIGINT CHECK (floors > 0),"
    " version BIGINT NOT NULL DEFAULT 1,"
    " created_at BIGINT NOT NULL,"
    " updated_at BIGINT NOT NULL);"
    "CREATE TABLE stations ("
    " id {ID},"
    " building_id BIGINT NOT NULL REFERENCES buildings (id),"
    " name TEXT NOT NULL,"
    " floor BIGINT,"
    " area_m2 DOUBLE PRECISION NOT NULL CHECK (area_m2 > 0),"
    " org_id BIGINT,"
    " opening_hours TEXT NOT NULL,"
    " services TEXT NOT NULL,"
    " contact_name TEXT,"
    " contact_phone TEXT,"
    " version BIGINT NOT NULL DEFAULT 1,"
    " created_at BIGINT NOT NULL,"
    " updated_at BIGINT NOT NULL);"
    "CREATE INDEX stations_building ON stations (building_id);"
    "CREATE TABLE rooms ("
    " id {ID},"
    " station_id BIGINT NOT NULL REFERENCES stations (id),"
    " name TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('classroom', 'talk_room', 'meeting_room',"
    "  'reading_corner', 'multi_purpose')),"
    " capacity BIGINT NOT NULL CHECK (capacity > 0),"
    " bookable SMALLINT NOT NULL CHECK (bookable IN (0, 1)),"
    " version BIGINT NOT NULL DEFAULT 1,"
    " created_at BIGINT NOT NULL,"
    " updated_at BIGINT NOT NULL);"
    "CREATE INDEX rooms_station ON rooms (station_id);",

    /* 2: organisations, users and their grants, sessions, sign-in throttling, audit */
    "CREATE TABLE orgs ("
    " id {ID},"
    " parent_id BIGINT REFERENCES orgs (id),"
    /* the ids from the root down to this one: '/1/5/12/'; a subtree is a path prefix */
    " path TEXT NOT NULL,"
    " name TEXT NOT NULL,"
    " kind TEXT NOT NULL CHECK (kind IN ('district_department', 'joint_committee',"
    "  'building_committee', 'general_branch', 'branch', 'party_group', 'partner',"
    "  'tenant_company')),"
    " building_id BIGINT REFERENCES buildings (id),"
    " managed TEXT NOT NULL CHECK (managed IN ('direct', 'partner')),"
    " contact_name TEXT,"
    " contact_phone TEXT,"
    " version BIGINT NOT NULL DEFAULT 1,"
    " created_at BIGINT NOT NULL,"
    " updated_at BIGINT NOT NULL);"
    "CREATE INDEX orgs_parent ON orgs (parent_id);"
    "CREATE INDEX orgs_path ON orgs (path);"
    "CREATE TABLE partnerships ("
    " id {ID},"
    " partner_id BIGINT NOT NULL REFERENCES orgs (id),"
    " committee_id BIGINT NOT NULL REFERENCES orgs (id),"
    " version BIGINT NOT NULL DEFAULT 1,"
    " created_at BIGINT NOT NULL,"
    " updated_at BIGINT NOT NULL,"
    " UNIQUE (partner_id, committee_id));"
    "CREATE INDEX partnerships_committee ON partnerships (committee_id);"
    "CREATE TABLE users ("
    " id {ID},"
    " username TEXT NOT NULL UNIQUE,"
    " display_name TEXT,"
    " password_hash TEXT NOT NULL,"
    " disabled SMALLINT NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),"
    " version BIGINT NOT NULL DEFAULT 1,"
    " created_at BIGINT NOT NULL,"
    " updated_at BIGINT NOT NULL);"
    "CREATE TABLE grants ("
    " id {ID},"
    " user_id BIGINT NOT NULL REFERENCES users (id),"
    " role TEXT NOT NULL CHECK (role IN ('admin', 'committee_admin', 'station_manager',"
    "  'branch_secretary', 'member')),"
    " org_id BIGINT REFERENCES orgs (id),"
    " station_id BIGINT REFERENCES stations (id),"
    " version BIGINT NOT NULL DEFAULT 1,"
    " created_at BIGINT NOT NULL,"
    " updated_at BIGINT NOT NULL);"
    "CREATE INDEX grants_user ON grants (user_id);"
    "CREATE TABLE sessions ("
    " id {ID},"
    " token_hash TEXT NOT NULL UNIQUE,"
    " csrf_token TEXT NOT NULL,"
    " user_id BIGINT NOT NULL REFERENCES users (id),"
    " created_at BIGINT NOT NULL,"
    " seen_at BIGINT NOT NULL,"
    " expires_at BIGINT NOT NULL);"
    "CREATE INDEX sessions_user ON sessions (user_id);"
    "CREATE TABLE signin_failures ("
    " key TEXT PRIMARY KEY,"
    " window_start BIGINT NOT NULL,"
    " failures BIGINT NOT NULL);"
    "CREATE TABLE audit ("
    " id {ID},"
    " at BIGINT NOT NULL,"
    " user_id BIGINT,"
    " username TEXT,"
    " entity TEXT NOT NULL,"
    " entity_id BIGINT NOT NULL,"
    " action TEXT NOT NULL,"
    " org_id BIGINT,"
    /* the organisation's path when the write happened: the record stays in reach of the
     * committees above it even after the organisation is gone */
    " org_path TEXT,"
    " changes TEXT NOT NULL);"
    "CREATE INDEX audit_entity ON audit (entity, entity_id);",

    /* 3: the register of members and applicants; dates as 'YYYY-MM-DD' */
    "CREATE TABLE members ("
    " id {ID},"
    " name TEXT NOT NULL,"
    " gender TEXT CHECK (gender IN ('female', 'male')),"
    " born_on TEXT,"
    " phone TEXT UNIQUE,"
    " id_number TEXT,"
    " external_id TEXT UNIQUE,"
    " employer_id BIGINT REFERENCES orgs (id),"
    " branch_id BIGINT NOT NULL REFERENCES orgs (id),"
    " kind TEXT NOT NULL CHECK (kind IN ('regular', 'mobile', 'partner_vip')),"
    " applied_on TEXT,"
    " activist_on TEXT,"
    " target_on TEXT,"
    " admitted_on TEXT,"
    " full_on TEXT,"
    " left_as TEXT CHECK (left_as IN ('transferred_out', 'deceased')),"
    " left_on TEXT,"
    " last_report_on TEXT,"
    " version BIGINT NOT NULL DEFAULT 1,"
    " created_at BIGINT NOT NULL,"
    " updated_at BIGINT NOT NULL);"
    "CREATE INDEX members_branch ON members (branch_id);"
    "CREATE INDEX members_admitted ON members (admitted_on);",

    /* 4: room bookings (a waiting list is bookings that wait), series, closures, and each
     * station's settings for them. An instant is epoch seconds; a booking is [start_at,
     * end_at). */
    "ALTER TABLE stations ADD COLUMN booking_rules TEXT NOT NULL DEFAULT "
    "'{\"horizon_days\":365,\"vip_horizon_days\":540,\"max_hours_per_month\":20,"
    "\"vip_max_hours_per_month\":40,\"max_open_bookings\":20,\"vip_max_open_bookings\":40,"
    "\"max_booking_minutes\":480,\"grace_minutes\":15,\"offer_minutes\":120,"
    "\"release_no_shows\":true,\"approval\":\"none\"}';"
    "CREATE TABLE booking_series ("
    " id {ID},"
    " rrule TEXT NOT NULL,"
    " created_at BIGINT NOT NULL);"
    "CREATE TABLE bookings ("
    " id {ID},"
    " room_id BIGINT NOT NULL REFERENCES rooms (id),"
    " org_id BIGINT NOT NULL REFERENCES orgs (id),"
    " start_at BIGINT NOT NULL,"
    " end_at BIGINT NOT NULL,"
    " title TEXT NOT NULL,"
    " purpose TEXT,"
    " attendance BIGINT NOT NULL CHECK (attendance > 0),"
    " contact_name TEXT,"
    " contact_phone TEXT,"
    " status TEXT NOT NULL CHECK (status IN ('waiting', 'offered', 'pending', 'confirmed',"
    "  'rejected', 'cancelled', 'released', 'declined', 'expired')),"
    " reason TEXT,"
    " series_id BIGINT REFERENCES booking_series (id),"
    " flag TEXT,"
    " checked_in_at BIGINT,"
    " offer_expires_at BIGINT,"
    " station_id BIGINT NOT NULL REFERENCES stations (id),"
    " created_by BIGINT,"
    " version BIGINT NOT NULL DEFAULT 1,"
    " created_at BIGINT NOT NULL,"
    " updated_at BIGINT NOT NULL,"
    /* the overlap check reads (room_id, start_at) back from a booking's end by at most
     * the longest booking there can be: 24 hours */
    " CHECK (end_at > start_at AND end_at - start_at <= 86400));"
    /* Every index is a page written by every booking, so there are few: the overlap check,
     * availability, feeds and the sweep read by room and time; the quotas by organisation,
     * station and time (covering); the rest are partial and small. */
    "CREATE INDEX bookings_room_time ON bookings (room_id, start_at);"
    "CREATE INDEX bookings_org_station_time ON bookings (org_id, station_id, start_at, end_at,"
    " status);"
    "CREATE INDEX bookings_series ON bookings (series_id) WHERE series_id IS NOT NULL;"
    "CREATE INDEX bookings_offers ON bookings (offer_expires_at) WHERE status = 'offered';"
    "CREATE INDEX bookings_waits ON bookings (start_at) WHERE status = 'waiting';"
    "CREATE TABLE closures ("
    " id {ID},"
    " station_id BIGINT NOT NULL REFERENCES stations (id),"
    " room_id BIGINT REFERENCES rooms (id),"
    " start_at BIGINT NOT NULL,"
    " end_at BIGINT NOT NULL,"
    " reason TEXT NOT NULL,"
    " effect TEXT NOT NULL CHECK (effect IN ('refuse', 'flag')),"
    " version BIGINT NOT NULL DEFAULT 1,"
    " created_at BIGINT NOT NULL,"
    " updated_at BIGINT NOT NULL,"
    " CHECK (end_at > start_at));"
    "CREATE INDEX closures_station_time ON closures (station_id, start_at);",

    /* 5: activities, their series and host rotation, sign-ups, check-ins, and the
     * attendance they add up to. A person is a text key: 'm:<member id>' for someone in
     * the register, 'u:<user id>' for an account that is not, 'p:<phone>' for a guest
     * known by phone, 'g:<random>' for a guest counted at the door. */
    "ALTER TABLE users ADD COLUMN member_id BIGINT REFERENCES members (id);"
    "CREATE UNIQUE INDEX users_member ON users (member_id) WHERE member_id IS NOT NULL;"
    "CREATE TABLE series ("
    " id {ID},"
    " parent_id BIGINT REFERENCES series (id),"
    " org_id BIGINT NOT NULL REFERENCES orgs (id),"
    " name TEXT NOT NULL,"
    " description TEXT,"
    " hosts TEXT NOT NULL,"
    " version BIGINT NOT NULL DEFAULT 1,"
    " created_at BIGINT NOT NULL,"
    " updated_at BIGINT NOT NULL);"
    "CREATE INDEX series_parent ON series (parent_id);"
    /* each host's standing in the rotation, as domain/rotation.h keeps it */
    "CREATE TABLE series_rotation ("
    " series_id BIGINT NOT NULL REFERENCES series (id) ON DELETE CASCADE,"
    " org_id BIGINT NOT NULL REFERENCES orgs (id),"
    " next_round BIGINT NOT NULL,"
    " place BIGINT NOT NULL,"
    " PRIMARY KEY (series_id, org_id));"
    "CREATE TABLE host_absences ("
    " id {ID},"
    " series_id BIGINT NOT NULL REFERENCES series (id),"
    " org_id BIGINT NOT NULL REFERENCES orgs (id),"
    " day TEXT NOT NULL,"
    " reason TEXT,"
    " version BIGINT NOT NULL DEFAULT 1,"
    " created_at BIGINT NOT NULL,"
    " updated_at BIGINT NOT NULL,"
    " UNIQUE (series_id, org_id, day));"
    "CREATE TABLE activities ("
    " id {ID},"
    " series_id BIGINT REFERENCES series (id),"
    " title TEXT NOT NULL,"
    " description TEXT,"
    " kind TEXT NOT NULL,"
    " host_org_id BIGINT NOT NULL REFERENCES orgs (id),"
    " co_organisers TEXT NOT NULL,"
    " room_id BIGINT NOT NULL REFERENCES rooms (id),"
    " start_at BIGINT NOT NULL,"
    " end_at BIGINT NOT NULL,"
    " capacity BIGINT NOT NULL CHECK (capacity > 0),"
    " audience TEXT NOT NULL,"
    " walk_ins SMALLINT NOT NULL CHECK (walk_ins IN (0, 1)),"
    " slot_minutes BIGINT,"
    " slot_capacity BIGINT,"
    " booking_id BIGINT NOT NULL REFERENCES bookings (id),"
    " status TEXT NOT NULL CHECK (status IN ('draft', 'published', 'cancelled', 'held')),"
    " reason TEXT,"
    " birthday_month TEXT,"
    " station_id BIGINT NOT NULL REFERENCES stations (id),"
    /* the host's path when the activity was made: attendance counts for the committees
     * the host was under at the time, as a report already sent would */
    " host_path TEXT NOT NULL,"
    " created_by BIGINT,"
    " version BIGINT NOT NULL DEFAULT 1,"
    " created_at BIGINT NOT NULL,"
    " updated_at BIGINT NOT NULL,"
    " CHECK (end_at > start_at));"
    "CREATE UNIQUE INDEX activities_booking ON activities (booking_id);"
    "CREATE INDEX activities_station_time ON activities (station_id, start_at);"
    "CREATE INDEX activities_host_time ON activities (host_org_id, start_at);"
    /* covering for the counts by kind of a committee's summary */
    "CREATE INDEX activities_time ON activities (start_at, status, kind, host_path);"
    "CREATE INDEX activities_open ON activities (end_at) WHERE status = 'published';"
    "CREATE INDEX activities_series ON activities (series_id, start_at) WHERE series_id IS NOT "
    "NULL;"
    "CREATE UNIQUE INDEX activities_birthday ON activities (host_org_id, birthday_month)"
    " WHERE birthday_month IS NOT NULL AND status <> 'cancelled';",

    /* 6: sign-ups, check-ins, attendance, secrets (the rest of 5, which one string of
     * ISO C cannot hold) */
    "CREATE TABLE registrations ("
    " id {ID},"
    " activity_id BIGINT NOT NULL REFERENCES activities (id),"
    " person TEXT NOT NULL,"
    " member_id BIGINT REFERENCES members (id),"
    " user_id BIGINT REFERENCES users (id),"
    " name TEXT NOT NULL,"
    " phone TEXT,"
    " slot_start BIGINT,"
    " start_at BIGINT NOT NULL,"
    " end_at BIGINT NOT NULL," /* at most a day after start_at, as the activity's booking */
    " status TEXT NOT NULL CHECK (status IN ('registered', 'waiting', 'cancelled')),"
    " source TEXT NOT NULL CHECK (source IN ('self', 'staff', 'invited')),"
    " membership_years BIGINT,"
    " reason TEXT,"
    " version BIGINT NOT NULL DEFAULT 1,"
    " created_at BIGINT NOT NULL,"
    " updated_at BIGINT NOT NULL);"
    /* one open sign-up per person and activity, whoever made it and however they did */
    "CREATE UNIQUE INDEX registrations_once ON registrations (activity_id, person)"
    " WHERE status <> 'cancelled';"
    "CREATE INDEX registrations_places ON registrations (activity_id, status, slot_start);"
    "CREATE INDEX registrations_person ON registrations (person, start_at);"
    "CREATE TABLE checkins ("
    " id {ID},"
    " activity_id BIGINT NOT NULL REFERENCES activities (id),"
    " person TEXT NOT NULL,"
    " registration_id BIGINT REFERENCES registrations (id),"
    " member_id BIGINT REFERENCES members (id),"
    " user_id BIGINT REFERENCES users (id),"
    " name TEXT NOT NULL,"
    " method TEXT NOT NULL CHECK (method IN ('scan', 'desk', 'walk_in')),"
    " at BIGINT NOT NULL,"
    " by_user BIGINT,"
    " undone_at BIGINT,"
    " undone_by BIGINT,"
    " version BIGINT NOT NULL DEFAULT 1,"
    " created_at BIGINT NOT NULL,"
    " updated_at BIGINT NOT NULL);"
    /* checking in twice is checking in once */
    "CREATE UNIQUE INDEX checkins_once ON checkins (activity_id, person) WHERE undone_at IS NULL;"
    "CREATE INDEX checkins_person ON checkins (person, at);"
    /* Who attended what each organisation hosted, kept with every check-in and its undo,
     * for the host and each committee above it (as of the activity), per year and for all
     * time (period 0): a committee's distinct people and person-times are one index
     * range, however many check-ins made them. */
    "CREATE TABLE attendees ("
    " org_id BIGINT NOT NULL,"
    " period BIGINT NOT NULL,"
    " person TEXT NOT NULL,"
    " times BIGINT NOT NULL,"
    " volunteer_minutes BIGINT NOT NULL,"
    " PRIMARY KEY (org_id, period, person));"
    /* the co-organisers of each activity (its co_organisers field, as rows: for the lists
     * of those who run it) */
    "CREATE TABLE activity_organisers ("
    " activity_id BIGINT NOT NULL REFERENCES activities (id),"
    " org_id BIGINT NOT NULL REFERENCES orgs (id),"
    " PRIMARY KEY (activity_id, org_id));"
    /* server-wide secrets, made at first use (the check-in code key) */
    "CREATE TABLE secrets ("
    " name TEXT PRIMARY KEY,"
    " value TEXT NOT NULL);",

    /* 7: the language each user chose in the web app */
    "ALTER TABLE users ADD COLUMN locale TEXT CHECK (locale IN ('zh-CN', 'en', 'zh-TW'));",

    /* 8: attendees stored in their key (SQLite: WITHOUT ROWID), so that a committee's
     * summary reads one range of one tree instead of a row lookup for every person */
    "CREATE TABLE attendees_by_key ("
    " org_id BIGINT NOT NULL,"
    " period BIGINT NOT NULL,"
    " person TEXT NOT NULL,"
    " times BIGINT NOT NULL,"
    " volunteer_minutes BIGINT NOT NULL,"
    " PRIMARY KEY (org_id, period, person)) {WITHOUT_ROWID};"
    "INSERT INTO attendees_by_key (org_id, period, person, times, volunteer_minutes)"
    " SELECT org_id, period, person, times, volunteer_minutes FROM attendees;"
    "DROP TABLE attendees;"
    "ALTER TABLE attendees_by_key RENAME TO attendees;",
};

size_t migrations_count(void)
{
    return sizeof(migrations) / sizeof(migrations[0]);
}

/* Replaces every 'token' in s with 'word' into a new arena string. */
static char *expand(struct arena *a, const char *s, const char *token, const char *word)
{
    struct buf b = BUF_INIT;
    size_t n = strlen(token);
    for (const char *p; (p = strstr(s, token)) != NULL; s = p + n) {
        buf_append(&b, s, (size_t)(p - s));
        buf_puts(&b, word);
    }
    buf_puts(&b, s);
    char *out = arena_strndup(a, b.data ? b.data : "", b.len);
    buf_free(&b);
    return out;
}

char *migration_sql(struct arena *a, size_t version, const struct dialect *d)
{
    char *s = expand(a, migrations[version - 1], "{ID}", d->id_type);
    return expand(a, s, "{WITHOUT_ROWID}", d->without_rowid);
}
