-- bench/activities/gen-pg.sql: bench/activities/gen.sql for PostgreSQL: the same rows with
-- the same ids (the demo's ids are the same on both), for a database that `louyu init` and
-- `louyu demo` made. Read gen.sql for what is generated and why; only the dialect differs
-- (generate_series for the recursive sequences, format/lpad for printf, string_to_array
-- for json_each, and the identity sequences moved past the ids given here).
--
--   psql URL <<'EOF'
--   CREATE TEMP TABLE gen AS SELECT 50000 AS activities, 30000 AS members, 50 AS branches,
--          20 AS per_activity, 2000 AS users;
--   \i bench/activities/gen-pg.sql
--   EOF
BEGIN;

CREATE TEMP TABLE p AS
SELECT g.activities::bigint AS na, g.members::bigint AS nm, g.branches::bigint AS nb,
       g.per_activity::bigint AS mean, g.users::bigint AS nu,
       (g.members / g.branches)::bigint AS pb,
       extract(epoch FROM now())::bigint AS now,
       19358::bigint AS d0, 1826::bigint AS ndays,
       (SELECT max(id) FROM orgs) AS o0,
       (SELECT max(id) FROM members) AS m0,
       (SELECT max(id) FROM rooms) AS r0,
       (SELECT max(id) FROM bookings) AS b0,
       (SELECT COALESCE(max(id), 0) FROM activities) AS a0,
       (SELECT max(id) FROM users) AS u0,
       (SELECT id FROM users WHERE username = 'xita') AS xita
FROM gen g;

-- ---------------------------------------------------------------- organisations, people
INSERT INTO orgs (id, parent_id, path, name, kind, building_id, managed, contact_name,
                  contact_phone, version, created_at, updated_at)
SELECT p.o0 + i, 3, '/1/2/3/' || (p.o0 + i) || '/', '西塔压测第' || lpad(i::text, 2, '0') || '支部',
       'branch', 1, 'direct', '支部书记', NULL, 1, p.now - 86400 * 2000, p.now - 86400 * 2000
FROM p, generate_series(1::bigint, p.nb) i;

INSERT INTO members (id, name, gender, born_on, phone, id_number, external_id, employer_id,
                     branch_id, kind, applied_on, activist_on, target_on, admitted_on, full_on,
                     left_as, left_on, last_report_on, version, created_at, updated_at)
SELECT p.m0 + i, '压测党员' || lpad(i::text, 5, '0'), CASE i % 2 WHEN 0 THEN 'female' ELSE 'male' END,
       to_char(date '1960-01-01' + (((i * 48271) % 2147483647) % 14000)::int, 'YYYY-MM-DD'),
       '139' || lpad(i::text, 8, '0'), NULL, NULL, NULL, p.o0 + 1 + (i - 1) % p.nb, 'regular',
       NULL, NULL, NULL,
       to_char(date '1995-01-01' + (((i * 69621) % 2147483647) % 10000)::int, 'YYYY-MM-DD'), NULL,
       NULL, NULL, NULL, 1, p.now - 86400 * 1500, p.now - 86400 * 1500
FROM p, generate_series(1::bigint, p.nm) i;

INSERT INTO users (id, username, display_name, password_hash, disabled, version, created_at,
                   updated_at, member_id)
SELECT p.u0 + i, 'bench' || lpad(i::text, 5, '0'), '压测党员' || lpad((p.nu + i)::text, 5, '0'),
       (SELECT password_hash FROM users WHERE username = 'member'), 0, 1, p.now, p.now,
       p.m0 + p.nu + i
FROM p, generate_series(1::bigint, p.nu) i;
INSERT INTO grants (user_id, role, org_id, station_id, version, created_at, updated_at)
SELECT p.u0 + i, 'member', p.o0 + 1 + (p.nu + i - 1) % p.nb, NULL, 1, p.now, p.now
FROM p, generate_series(1::bigint, p.nu) i;

-- ---------------------------------------------------------------- station 1 and its rooms
UPDATE stations SET
    opening_hours = '[{"day":1,"open":"08:00","close":"22:00"},{"day":2,"open":"08:00","close":"22:00"},'
        || '{"day":3,"open":"08:00","close":"22:00"},{"day":4,"open":"08:00","close":"22:00"},'
        || '{"day":5,"open":"08:00","close":"22:00"},{"day":6,"open":"08:00","close":"22:00"},'
        || '{"day":7,"open":"08:00","close":"22:00"}]',
    booking_rules = '{"horizon_days":365,"vip_horizon_days":540,"max_hours_per_month":744,'
        || '"vip_max_hours_per_month":744,"max_open_bookings":1000,"vip_max_open_bookings":1000,'
        || '"max_booking_minutes":480,"grace_minutes":15,"offer_minutes":120,'
        || '"release_no_shows":true,"approval":"none"}',
    version = version + 1
WHERE id = 1;

INSERT INTO rooms (id, station_id, name, kind, capacity, bookable, version, created_at, updated_at)
SELECT p.r0 + j, 1, CASE WHEN j <= 4 THEN '压测活动室 ' || j ELSE '签到压测室 ' || (j - 4) END,
       'multi_purpose', 60, 1, 1, p.now - 86400 * 2000, p.now - 86400 * 2000
FROM p, generate_series(1::bigint, 8) j
ORDER BY j;

-- ---------------------------------------------------------------- activities, bookings
CREATE TEMP TABLE ga AS
SELECT i, d, slot, h1, h2,
       d * 86400 - 28800 + (510 + 105 * (slot / 4)) * 60 AS start_at,
       60 + 15 * (h1 % 3) AS minutes,
       r0 + 1 + slot % 4 AS room,
       h2 % nb AS bi,
       CASE (h1 / 3) % 10 WHEN 0 THEN 'party_lesson' WHEN 1 THEN 'party_lesson'
           WHEN 2 THEN 'theme_party_day' WHEN 3 THEN 'theme_party_day' WHEN 4 THEN 'study'
           WHEN 5 THEN 'study' WHEN 6 THEN 'study' WHEN 7 THEN 'sharing'
           WHEN 8 THEN 'volunteer_service' ELSE 'other' END AS kind,
       mean + (hp % (2 * spread + 1) - spread) * (CASE i % 2 WHEN 0 THEN 1 ELSE -1 END) AS c,
       (h2 / 64) % pb AS k0
FROM (SELECT i, d, i - ((d - d0) * na + ndays - 1) / ndays AS slot, r0, nb, pb, mean,
             LEAST(10, mean - 1) AS spread,
             ((i + 1) * 48271) % 2147483647 AS h1,
             ((((i + 1) * 48271) % 2147483647) * 48271) % 2147483647 AS h2,
             ((i / 2 + 7) * 69621) % 2147483647 AS hp
      FROM (SELECT i, d0 + i * ndays / na AS d, d0, na, ndays, r0, nb, pb, mean
            FROM p, generate_series(0::bigint, p.na - 1) i) s) t;

INSERT INTO bookings (id, room_id, org_id, start_at, end_at, title, purpose, attendance,
                      contact_name, contact_phone, status, reason, series_id, flag,
                      checked_in_at, offer_expires_at, station_id, created_by, version,
                      created_at, updated_at)
SELECT p.b0 + 1 + i, room, p.o0 + 1 + bi, start_at, start_at + minutes * 60,
       '活动 ' || (p.a0 + 1 + i), NULL, 40, '支部书记', NULL, 'confirmed', NULL, NULL,
       NULL, start_at - 600, NULL, 1, p.xita, 2, start_at - 86400 * 14, start_at - 600
FROM ga, p ORDER BY i;

INSERT INTO activities (id, series_id, title, description, kind, host_org_id, co_organisers,
                        room_id, start_at, end_at, capacity, audience, walk_ins, slot_minutes,
                        slot_capacity, booking_id, status, reason, birthday_month, station_id,
                        host_path, created_by, version, created_at, updated_at)
SELECT p.a0 + 1 + i, NULL,
       CASE kind WHEN 'party_lesson' THEN '支部党课' WHEN 'theme_party_day' THEN '主题党日'
           WHEN 'study' THEN '理论学习' WHEN 'sharing' THEN '经验分享会'
           WHEN 'volunteer_service' THEN '楼宇志愿服务' ELSE '支部活动' END
           || ' ' || (p.a0 + 1 + i),
       NULL, kind, p.o0 + 1 + bi, '[]', room, start_at, start_at + minutes * 60, 40,
       'committee', 1, NULL, NULL, p.b0 + 1 + i,
       CASE WHEN start_at + minutes * 60 <= p.now THEN 'held' ELSE 'published' END, NULL, NULL,
       1, '/1/2/3/' || (p.o0 + 1 + bi) || '/', p.xita,
       CASE WHEN start_at + minutes * 60 <= p.now THEN 3 ELSE 2 END,
       start_at - 86400 * 14, start_at - 86400 * 14
FROM ga, p ORDER BY i;

-- ---------------------------------------------------------------- check-ins
INSERT INTO checkins (activity_id, person, registration_id, member_id, user_id, name, method,
                      at, by_user, undone_at, undone_by, version, created_at, updated_at)
SELECT p.a0 + 1 + i, 'm:' || mid, NULL, mid, NULL, '压测党员' || lpad((mid - p.m0)::text, 5, '0'),
       'walk_in', at, NULL,
       CASE WHEN j = c THEN at + 300 END, CASE WHEN j = c THEN p.xita END,
       CASE WHEN j = c THEN 2 ELSE 1 END, at, CASE WHEN j = c THEN at + 300 ELSE at END
FROM (SELECT ga.i, ga.c, js.j,
             p.m0 + 1 + ga.bi + p.nb * ((ga.k0 + js.j) % p.pb) AS mid,
             ga.start_at - 600 + (js.j * 37 + ga.h1) % 2400 AS at
      FROM ga, p, generate_series(0::bigint, 63) js(j)
      WHERE js.j < ga.c OR (js.j = ga.c AND ga.i % 50 = 0)) x, p
ORDER BY i, j;

-- ---------------------------------------------------------------- attendees
DELETE FROM attendees;
CREATE TEMP TABLE per_path AS
SELECT a.host_path AS path,
       extract(year FROM to_timestamp(a.start_at + 28800) AT TIME ZONE 'UTC')::bigint AS year,
       k.person, count(*) AS times,
       sum(CASE WHEN a.kind = 'volunteer_service' THEN (a.end_at - a.start_at) / 60 ELSE 0 END)
           AS minutes
FROM checkins k JOIN activities a ON a.id = k.activity_id
WHERE k.undone_at IS NULL
GROUP BY 1, 2, 3;

INSERT INTO attendees (org_id, period, person, times, volunteer_minutes)
SELECT o.org, CASE z.z WHEN 0 THEN 0 ELSE t.year END AS period, t.person, sum(t.times),
       sum(t.minutes)
FROM per_path t, unnest(string_to_array(trim(both '/' FROM t.path), '/')::bigint[]) o(org),
     (VALUES (0), (1)) z(z)
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3;

-- the identity sequences past the ids given above
SELECT setval(pg_get_serial_sequence('orgs', 'id'), (SELECT max(id) FROM orgs));
SELECT setval(pg_get_serial_sequence('members', 'id'), (SELECT max(id) FROM members));
SELECT setval(pg_get_serial_sequence('users', 'id'), (SELECT max(id) FROM users));
SELECT setval(pg_get_serial_sequence('rooms', 'id'), (SELECT max(id) FROM rooms));
SELECT setval(pg_get_serial_sequence('bookings', 'id'), (SELECT max(id) FROM bookings));
SELECT setval(pg_get_serial_sequence('activities', 'id'), (SELECT max(id) FROM activities));

COMMIT;

-- PostgreSQL's autovacuum would analyse tables that grew this much soon enough; a bulk
-- load gets it at once (SQLite is left without statistics: louyu never runs ANALYZE).
ANALYZE;
