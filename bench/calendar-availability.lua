-- bench/calendar-availability.lua: wrk script of bench/calendar, the availability read.
--
--   wrk ... -s bench/calendar-availability.lua URL -- FIRST_STATION LAST_STATION TODAY
--
-- Each request asks a random station (FIRST_STATION..LAST_STATION) for a week of free
-- time from a random day within the next year (TODAY is the local day number, days since
-- 1970-01-01 in +08:00, as the server counts them):
--
--   GET /api/v1/stations/{id}/availability?from=YYYY-MM-DD&days=7&duration_min=60
--
-- Every thread draws its own sequence (seeded by its number) into a pool of 4096 requests
-- when it starts, then picks from the pool at random: the Lua cost per request stays
-- negligible next to the server's. No response() callback, so wrk keeps its fast path;
-- non-2xx answers are counted by wrk itself. Prints one machine-readable line at the end:
--
--   BENCH requests=N duration_us=N rps=F p50_us=N p99_us=N max_us=N errors=N non2xx=N

local counter = 0

function setup(thread)
   counter = counter + 1
   thread:set("tid", counter)
end

local pool = {}
local POOL = 4096

function init(args)
   local first, last, today = tonumber(args[1]), tonumber(args[2]), tonumber(args[3])
   if not (first and last and today) then
      error("usage: -- FIRST_STATION LAST_STATION TODAY")
   end
   math.randomseed((tid or 1) * 7919 + os.time())
   for i = 1, POOL do
      local station = math.random(first, last)
      local day = today + math.random(0, 364)
      local from = os.date("!%Y-%m-%d", day * 86400)
      pool[i] = wrk.format("GET", string.format(
         "/api/v1/stations/%d/availability?from=%s&days=7&duration_min=60", station, from))
   end
end

function request()
   return pool[math.random(POOL)]
end

-- the BENCH line at the end: bench/report.lua's done(), found next to this script
dofile(debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") .. "/report.lua")
