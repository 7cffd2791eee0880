-- bench/activities/gen.sql: five years of activities and a million check-ins under one
-- committee, for bench/activities/run, added to a database that `louyu init` and
-- `louyu demo` made (the schema of src/store/migrations.c).
--
--   sqlite3 DB "CREATE TEMP TABLE gen AS SELECT 50000 AS activities, 30000 AS members,
--               50 AS branches, 20 AS per_activity, 2000 AS users" ".read bench/activities/gen.sql"
--
-- Adds, after the demo's ids, under the demo's West Tower committee (org 3, /1/2/3/):
-- - `branches` branches (/1/2/3/<id>/), and `members` members spread evenly over them
--   (member n is in branch (n - 1) % branches), names 压测党员NNNNN, phones 139NNNNNNNN;
-- - station 1 (the committee's) open every day 08:00-22:00 with quotas raised (the
--   settings tests/api/bookings.test.mjs uses), four rooms 压测活动室 1-4 for the generated
--   activities and four empty rooms 签到压测室 1-4 for the check-in storms;
-- - `activities` activities from 2023-01-01 to 2027-12-31 (+08:00, the server's local
--   time), 27 or 28 a day, each hosted by one of the new branches in one of the four rooms
--   on a grid that never overlaps (starts 08:30 + k * 1h45, 60-90 minutes), each with its
--   confirmed room booking (activities.booking_id is NOT NULL and UNIQUE); published when
--   they end after now, held when they ended; kinds mixed, one in ten volunteer service;
-- - check-ins: per_activity on average (from per_activity - 10 to per_activity + 10, in
--   pairs that add up, so that the total is exactly activities * per_activity when
--   activities is even), distinct members of the host branch, walk-ins without a sign-up,
--   from 10 minutes before the start to 30 after; every activity has them, those still to
--   come included, so that each of the five years holds a fifth of the million. One
--   activity in fifty also has an undone check-in, which must count nowhere;
-- - `users` accounts (bench00001...) linked to the new members users + 1 .. 2 * users (the
--   run's storms: members 1 .. users check in at the desk, these scan, the next ones are
--   paced), each with a member grant on its branch and the demo password; the run gives
--   them sessions for the check-in by code;
-- - the attendees table rebuilt from every live check-in, as src/domain/checkins.c keeps
--   it: for each organisation on the activity's host_path, for the local year of its start
--   and for all time (period 0), per person: times and volunteer minutes.
--
-- Pseudo-random but reproducible (Park-Miller hashes of the row number, as
-- bench/gen-calendar.sql). Generation only: synchronous=OFF does not outlive the sqlite3
-- process, and louyu serves with FULL. No ANALYZE: louyu never runs it, so the query
-- planner sees what it sees in production.
PRAGMA synchronous = OFF;
PRAGMA cache_size = -524288;

BEGIN;

CREATE TEMP TABLE p AS
SELECT g.activities AS na, g.members AS nm, g.branches AS nb, g.per_activity AS mean,
       g.users AS nu,
       g.members / g.branches AS pb, -- members per branch
       CAST(strftime('%s', 'now') AS INTEGER) AS now,
       19358 AS d0, 1826 AS ndays,   -- 2023-01-01 as a day number, and five years of days
       (SELECT max(id) FROM orgs) AS o0,
       (SELECT max(id) FROM members) AS m0,
       (SELECT max(id) FROM rooms) AS r0,
       (SELECT max(id) FROM bookings) AS b0,
       (SELECT COALESCE(max(id), 0) FROM activities) AS a0,
       (SELECT max(id) FROM users) AS u0,
       (SELECT id FROM users WHERE username = 'xita') AS xita
FROM gen g;

-- ---------------------------------------------------------------- organisations, people
CREATE TEMP TABLE seq AS
WITH RECURSIVE i(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM i, p WHERE i < max(p.nm, p.nb, p.nu))
SELECT i FROM i;

INSERT INTO orgs (id, parent_id, path, name, kind, building_id, managed, contact_name,
                  contact_phone, version, created_at, updated_at)
SELECT p.o0 + i, 3, '/1/2/3/' || (p.o0 + i) || '/', printf('西塔压测第%02d支部', i), 'branch',
       1, 'direct', '支部书记', NULL, 1, p.now - 86400 * 2000, p.now - 86400 * 2000
FROM seq, p WHERE i <= p.nb;

INSERT INTO members (id, name, gender, born_on, phone, id_number, external_id, employer_id,
                     branch_id, kind, applied_on, activist_on, target_on, admitted_on, full_on,
                     left_as, left_on, last_report_on, version, created_at, updated_at)
SELECT p.m0 + i, printf('压测党员%05d', i), CASE i % 2 WHEN 0 THEN 'female' ELSE 'male' END,
       date('1960-01-01', '+' || ((i * 48271) % 2147483647) % 14000 || ' days'),
       printf('139%08d', i), NULL, NULL, NULL, p.o0 + 1 + (i - 1) % p.nb, 'regular',
       NULL, NULL, NULL,
       date('1995-01-01', '+' || ((i * 69621) % 2147483647) % 10000 || ' days'), NULL,
       NULL, NULL, NULL, 1, p.now - 86400 * 1500, p.now - 86400 * 1500
FROM seq, p WHERE i <= p.nm;

INSERT INTO users (id, username, display_name, password_hash, disabled, version, created_at,
                   updated_at, member_id)
SELECT p.u0 + i, printf('bench%05d', i), printf('压测党员%05d', p.nu + i),
       (SELECT password_hash FROM users WHERE username = 'member'), 0, 1, p.now, p.now,
       p.m0 + p.nu + i
FROM seq, p WHERE i <= p.nu;
INSERT INTO grants (user_id, role, org_id, station_id, version, created_at, updated_at)
SELECT p.u0 + i, 'member', p.o0 + 1 + (p.nu + i - 1) % p.nb, NULL, 1, p.now, p.now
FROM seq, p WHERE i <= p.nu;

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
FROM p, (SELECT 1 AS j UNION ALL SELECT 2 UNION ALL SELECT 3 UNION ALL SELECT 4 UNION ALL
         SELECT 5 UNION ALL SELECT 6 UNION ALL SELECT 7 UNION ALL SELECT 8)
ORDER BY j;

-- ---------------------------------------------------------------- activities, bookings
-- Activity i (0-based) is on day d0 + i * ndays / na, the slot-th of that day: room
-- slot % 4, start 08:30 + (slot / 4) * 1h45 (at most 28 a day: 7 starts, the last at 19:00).
CREATE TEMP TABLE ga AS
WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s, p WHERE i + 1 < p.na)
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
             min(10, mean - 1) AS spread,
             ((i + 1) * 48271) % 2147483647 AS h1,
             ((((i + 1) * 48271) % 2147483647) * 48271) % 2147483647 AS h2,
             ((i / 2 + 7) * 69621) % 2147483647 AS hp
      FROM (SELECT i, d0 + i * ndays / na AS d, d0, na, ndays, r0, nb, pb, mean FROM s, p));

INSERT INTO bookings (id, room_id, org_id, start_at, end_at, title, purpose, attendance,
                      contact_name, contact_phone, status, reason, series_id, flag,
                      checked_in_at, offer_expires_at, station_id, created_by, version,
                      created_at, updated_at)
SELECT p.b0 + 1 + i, room, p.o0 + 1 + bi, start_at, start_at + minutes * 60,
       printf('活动 %d', p.a0 + 1 + i), NULL, 40, '支部书记', NULL, 'confirmed', NULL, NULL,
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
           || printf(' %d', p.a0 + 1 + i),
       NULL, kind, p.o0 + 1 + bi, '[]', room, start_at, start_at + minutes * 60, 40,
       'committee', 1, NULL, NULL, p.b0 + 1 + i,
       CASE WHEN start_at + minutes * 60 <= p.now THEN 'held' ELSE 'published' END, NULL, NULL,
       1, '/1/2/3/' || (p.o0 + 1 + bi) || '/', p.xita,
       CASE WHEN start_at + minutes * 60 <= p.now THEN 3 ELSE 2 END,
       start_at - 86400 * 14, start_at - 86400 * 14
FROM ga, p ORDER BY i;

-- ---------------------------------------------------------------- check-ins
-- The j-th of activity i is member (k0 + j) % pb of the host branch: distinct within an
-- activity while c <= pb. The undone one (j = c) is a member not otherwise there.
CREATE TEMP TABLE js AS
WITH RECURSIVE j(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM j WHERE j < 63) SELECT j FROM j;

INSERT INTO checkins (activity_id, person, registration_id, member_id, user_id, name, method,
                      at, by_user, undone_at, undone_by, version, created_at, updated_at)
SELECT p.a0 + 1 + i, 'm:' || mid, NULL, mid, NULL, printf('压测党员%05d', mid - p.m0),
       'walk_in', at, NULL,
       CASE WHEN j = c THEN at + 300 END, CASE WHEN j = c THEN p.xita END,
       CASE WHEN j = c THEN 2 ELSE 1 END, at, CASE WHEN j = c THEN at + 300 ELSE at END
FROM (SELECT ga.i, ga.c, js.j,
             p.m0 + 1 + ga.bi + p.nb * ((ga.k0 + js.j) % p.pb) AS mid,
             ga.start_at - 600 + (js.j * 37 + ga.h1) % 2400 AS at
      FROM ga, js, p
      WHERE js.j < ga.c OR (js.j = ga.c AND ga.i % 50 = 0)), p
ORDER BY i, j;

-- ---------------------------------------------------------------- attendees
-- As checkins.c count() keeps it, rebuilt from every live check-in (the demo's too): first
-- per (host_path, year, person), then spread over the organisations on the path.
DELETE FROM attendees;
CREATE TEMP TABLE per_path AS
SELECT a.host_path AS path,
       CAST(strftime('%Y', a.start_at + 28800, 'unixepoch') AS INTEGER) AS year,
       k.person, count(*) AS times,
       sum(CASE WHEN a.kind = 'volunteer_service' THEN (a.end_at - a.start_at) / 60 ELSE 0 END)
           AS minutes
FROM checkins k JOIN activities a ON a.id = k.activity_id
WHERE k.undone_at IS NULL
GROUP BY 1, 2, 3;

INSERT INTO attendees (org_id, period, person, times, volunteer_minutes)
SELECT CAST(o.value AS INTEGER) AS org, CASE z.z WHEN 0 THEN 0 ELSE t.year END AS period,
       t.person, sum(t.times), sum(t.minutes)
FROM per_path t, json_each('[' || replace(trim(t.path, '/'), '/', ',') || ']') o,
     (SELECT 0 AS z UNION ALL SELECT 1) z
GROUP BY 1, 2, 3
ORDER BY 1, 2, 3;

COMMIT;

DROP TABLE p;
DROP TABLE seq;
DROP TABLE ga;
DROP TABLE js;
DROP TABLE per_path;
