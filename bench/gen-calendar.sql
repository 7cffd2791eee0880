-- bench/gen-calendar.sql: a city-sized calendar for bench/calendar, added to a database
-- that `louyu init` and `louyu demo` made (schema version 4, src/store/migrations.c).
--
--   sqlite3 DB "CREATE TEMP TABLE gen AS SELECT 333 AS stations, 1001 AS per_room" \
--              ".read bench/gen-calendar.sql"
--
-- Adds, after the demo's ids: `stations` buildings, each with one station open every day
-- 08:00-22:00 with quotas raised (the benchmark measures the path, not the rules), three
-- rooms, and an organisation tree (a building committee under the demo's joint committee,
-- two branches under it); then `per_room` bookings for each new room, one per calendar
-- day at most, spread evenly from 913 days (2.5 years) ago to 913 days ahead: never
-- overlapping, each inside its station's opening hours, a start on a 15-minute grid from
-- 08:00 to 20:00 (+08:00, the server's local time), 30 to 120 minutes long. Those that
-- have started are checked in (92 %), cancelled (4 %) or released as no-shows (4 %);
-- those to come are confirmed (92 %) or cancelled (8 %). Nothing started is left
-- unchecked, so the server's sweep has nothing to release when the benchmark starts.
-- Eight in ten are booked by the station's own committee or branches, the others by any
-- of the new organisations (outsiders, whose quotas are checked).
--
-- Pseudo-random but reproducible: each value comes from a Park-Miller generator
-- (x * 48271 mod 2^31 - 1) seeded by the row's room and number, so the same parameters
-- give the same bookings (only "today" moves them). Generation only: the session's
-- synchronous=OFF does not outlive the sqlite3 process, and louyu serves with FULL.
PRAGMA synchronous = OFF;
PRAGMA cache_size = -524288;

BEGIN;

CREATE TEMP TABLE p AS
SELECT g.stations AS n,
       g.per_room AS per_room,
       CAST(strftime('%s', 'now') AS INTEGER) AS now,
       (CAST(strftime('%s', 'now') AS INTEGER) + 28800) / 86400 AS today, -- local day number
       (SELECT max(id) FROM buildings) AS b0,
       (SELECT max(id) FROM stations) AS s0,
       (SELECT max(id) FROM rooms) AS r0,
       (SELECT max(id) FROM orgs) AS o0,
       (SELECT id FROM orgs WHERE kind = 'joint_committee' ORDER BY id LIMIT 1) AS parent,
       (SELECT path FROM orgs WHERE kind = 'joint_committee' ORDER BY id LIMIT 1) AS parent_path
FROM gen g;

CREATE TEMP TABLE seq AS
WITH RECURSIVE i(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM i, p WHERE i < p.n)
SELECT i FROM i;

INSERT INTO buildings (id, name, address, latitude, longitude, grade, floors, version,
                       created_at, updated_at)
SELECT p.b0 + i, printf('城市楼宇 %04d', i), printf('天河区压测路%d号', i),
       23.05 + (i % 37) * 0.003, 113.25 + (i / 37) * 0.004, '甲级', 20 + i % 60, 1,
       p.now - 86400 * 1000, p.now - 86400 * 1000
FROM seq, p;

-- committees: o0 + i; branches: o0 + n + 2i - 1 and o0 + n + 2i
INSERT INTO orgs (id, parent_id, path, name, kind, building_id, managed, contact_name,
                  contact_phone, version, created_at, updated_at)
SELECT p.o0 + i, p.parent, p.parent_path || (p.o0 + i) || '/', printf('城市楼宇 %04d 党委', i),
       'building_committee', p.b0 + i, 'direct', '书记', printf('020-3%07d', i), 1,
       p.now - 86400 * 1000, p.now - 86400 * 1000
FROM seq, p;
INSERT INTO orgs (id, parent_id, path, name, kind, building_id, managed, contact_name,
                  contact_phone, version, created_at, updated_at)
SELECT p.o0 + p.n + 2 * i - j, p.o0 + i, p.parent_path || (p.o0 + i) || '/' || (p.o0 + p.n + 2 * i - j) || '/',
       printf('城市楼宇 %04d 第%s支部', i, CASE j WHEN 1 THEN '一' ELSE '二' END),
       'branch', p.b0 + i, 'direct', '支部书记', NULL, 1, p.now - 86400 * 1000, p.now - 86400 * 1000
FROM seq, p, (SELECT 1 AS j UNION ALL SELECT 0) ORDER BY 1;

INSERT INTO stations (id, building_id, name, floor, area_m2, org_id, opening_hours, services,
                      contact_name, contact_phone, version, created_at, updated_at, booking_rules)
SELECT p.s0 + i, p.b0 + i, printf('城市党群服务站 %04d', i), 1 + i % 40, 300.0 + i % 500,
       p.o0 + i,
       '[{"day":1,"open":"08:00","close":"22:00"},{"day":2,"open":"08:00","close":"22:00"},'
       || '{"day":3,"open":"08:00","close":"22:00"},{"day":4,"open":"08:00","close":"22:00"},'
       || '{"day":5,"open":"08:00","close":"22:00"},{"day":6,"open":"08:00","close":"22:00"},'
       || '{"day":7,"open":"08:00","close":"22:00"}]',
       '["免费借用场地","党课","预约服务"]', '站长', printf('020-8%07d', i), 1,
       p.now - 86400 * 1000, p.now - 86400 * 1000,
       '{"horizon_days":365,"vip_horizon_days":540,"max_hours_per_month":744,'
       || '"vip_max_hours_per_month":744,"max_open_bookings":1000,"vip_max_open_bookings":1000,'
       || '"max_booking_minutes":480,"grace_minutes":15,"offer_minutes":120,'
       || '"release_no_shows":true,"approval":"none"}'
FROM seq, p;

-- rooms: r0 + 3i - 2 .. r0 + 3i
INSERT INTO rooms (id, station_id, name, kind, capacity, bookable, version, created_at, updated_at)
SELECT p.r0 + 3 * i - 3 + j, p.s0 + i,
       CASE j WHEN 1 THEN '党员课堂' WHEN 2 THEN '会议活动室' ELSE '谈心谈话室' END,
       CASE j WHEN 1 THEN 'classroom' WHEN 2 THEN 'meeting_room' ELSE 'talk_room' END,
       CASE j WHEN 1 THEN 60 WHEN 2 THEN 30 ELSE 8 END, 1, 1,
       p.now - 86400 * 1000, p.now - 86400 * 1000
FROM seq, p, (SELECT 1 AS j UNION ALL SELECT 2 UNION ALL SELECT 3) ORDER BY 1;

-- Bookings in the order they would have been made over the years: by day, then room.
CREATE TEMP TABLE ks AS
WITH RECURSIVE k(k) AS (SELECT 0 UNION ALL SELECT k + 1 FROM k, p WHERE k + 1 < p.per_room)
SELECT k FROM k;

INSERT INTO bookings (room_id, org_id, start_at, end_at, title, purpose, attendance,
                      contact_name, contact_phone, status, reason, series_id, flag,
                      checked_in_at, offer_expires_at, station_id, created_by, version,
                      created_at, updated_at)
SELECT room, org, start_at, start_at + minutes * 60,
       CASE h2 % 8 WHEN 0 THEN '支部理论学习' WHEN 1 THEN '主题党日' WHEN 2 THEN '三会一课'
                   WHEN 3 THEN '党课' WHEN 4 THEN '青年读书会' WHEN 5 THEN '政治生日会'
                   WHEN 6 THEN '共建联席会' ELSE '志愿服务培训' END,
       CASE WHEN h2 % 5 = 0 THEN '学习贯彻会议精神，交流心得' END,
       min(cap, 2 + h3 % 40),
       '联系人', printf('138%08d', h3 % 100000000),
       status,
       CASE status WHEN 'cancelled' THEN '活动改期'
                   WHEN 'released' THEN 'not checked in within 15 minutes of the start' END,
       NULL, NULL,
       CASE WHEN status = 'confirmed' AND start_at <= now THEN start_at - 60 * (h3 % 25) END,
       NULL, station, 1, CASE status WHEN 'confirmed' THEN 1 ELSE 2 END,
       created, CASE status WHEN 'confirmed' THEN created ELSE min(start_at, now) END
FROM (
    SELECT room, station, cap, k, now, h1, h2, h3, start_at, minutes, org,
           CASE WHEN start_at <= now THEN
               CASE WHEN h3 % 100 < 4 THEN 'cancelled' WHEN h3 % 100 < 8 THEN 'released'
                    ELSE 'confirmed' END
           ELSE CASE WHEN h3 % 100 < 8 THEN 'cancelled' ELSE 'confirmed' END END AS status,
           min(start_at, now) - 86400 * (1 + h2 % 30) - 60 * (h1 % 1440) AS created
    FROM (
        SELECT room, station, cap, k, now, h1, h2, h3,
               ((today - 913 + (k * 1826) / per_room) * 86400 - 28800) -- local midnight
                   + 60 * (480 + 15 * (h1 % 49)) AS start_at,         -- 08:00 .. 20:00
               30 + 15 * ((h1 / 49) % 7) AS minutes,                  -- 30 .. 120
               CASE WHEN h2 % 10 < 8 THEN
                   CASE h2 % 3 WHEN 0 THEN o0 + si ELSE o0 + n + 2 * si - h2 % 2 END
               ELSE o0 + 1 + h3 % (3 * n) END AS org
        FROM (
            SELECT room, station, cap, si, k, now, today, per_room, o0, n, h1, h2,
                   (h2 * 48271) % 2147483647 AS h3
            FROM (
                SELECT room, station, cap, si, k, now, today, per_room, o0, n, h1,
                       (h1 * 48271) % 2147483647 AS h2
                FROM (
                    SELECT r.id AS room, r.station_id AS station, r.capacity AS cap,
                           r.station_id - p.s0 AS si, ks.k, p.now, p.today, p.per_room, p.o0,
                           p.n, ((r.id * 2003 + ks.k + 1) * 48271) % 2147483647 AS h1
                    FROM ks, rooms r, p
                    WHERE r.id > p.r0)))))
ORDER BY start_at / 86400, room;

COMMIT;

DROP TABLE p;
DROP TABLE seq;
DROP TABLE ks;
