-- bench/booking.lua: wrk script of bench/run, a create-then-cancel loop of bookings.
--
--   wrk -tT -cC ... -s bench/booking.lua URL -- T DAY0 DAYS SPEC...
--
-- SPEC is TOKEN:ORG:ROOM,ROOM,... (a committee admin's bearer token, its committee and the
-- rooms of the station it runs); T is wrk's -t. Thread i of T takes the SPECs i, i + T, i + 2T, ...; each
-- thread needs at least one. Each request is one of:
--
--   POST /api/v1/bookings             a 30-minute booking, 201 expected
--   POST /api/v1/bookings/{id}/cancel {"version":V} for a booking this thread made, 200
--
-- A cancel is sent as soon as there is a booking to cancel, so at most about as many
-- bookings are open at a time as the thread has connections. The k-th booking of a thread
-- goes to day DAY0 + (k mod DAYS) (DAY0: days since 1970-01-01 in +08:00), then to the
-- next room and time: 12:30, 13:00, 17:30, 18:00 or 20:45 local time, inside the windows
-- that the generated data set (louyu demo --scale) leaves free in every room every day,
-- so a booking never meets another and a slot comes round again only after DAYS * rooms
-- * 5 bookings, long after it was cancelled. Consecutive bookings fall on different days,
-- so the open ones spread over the organisation's rolling quota of hours.
--
-- The bookings still open when wrk stops (made, and maybe not even answered) are left to
-- bench/run, which cancels them before the next run, so that it finds every slot free.
-- The BENCH line (bench/report.lua) ends the output; non2xx must be 0.

local count = 0

function setup(thread)
   count = count + 1
   thread:set("tid", count)
end

local TIMES = { 750, 780, 1050, 1080, 1245 } -- minutes after local midnight
local specs = {}
local day0, days
local made = 0        -- bookings requested so far by this thread
local to_cancel = {}  -- {id, org, version} of made bookings whose cancel is not sent yet

local function parse_spec(s)
   local token, org, rooms = s:match("^([^:]+):(%d+):([%d,]+)$")
   if not token then
      error("bench/booking.lua: a SPEC is TOKEN:ORG:ROOM,ROOM,...; got " .. s)
   end
   local spec = {
      org = tonumber(org),
      rooms = {},
      headers = { ["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json" },
   }
   for r in rooms:gmatch("%d+") do
      table.insert(spec.rooms, tonumber(r))
   end
   return spec
end

local by_org = {} -- org -> headers, to cancel with the token that made the booking

function init(args)
   local nthreads = tonumber(args[1])
   day0, days = tonumber(args[2]), tonumber(args[3])
   if not (nthreads and day0 and days and days > 0 and args[4]) then
      error("usage: -- T DAY0 DAYS TOKEN:ORG:ROOM,ROOM,... ...")
   end
   for i = 4 + ((tid or 1) - 1), #args, nthreads do
      local spec = parse_spec(args[i])
      table.insert(specs, spec)
      by_org[spec.org] = spec.headers
   end
   if #specs == 0 then
      error("bench/booking.lua: thread " .. tostring(tid) .. " has no SPEC; give one per thread at least")
   end
end

local function stamp(t) -- UTC epoch seconds as local time in +08:00
   return os.date("!%Y-%m-%dT%H:%M:00+08:00", t + 28800)
end

local function create()
   local k = made
   made = made + 1
   local spec = specs[k % #specs + 1]
   k = math.floor(k / #specs)
   local day = day0 + k % days
   k = math.floor(k / days)
   local room = spec.rooms[k % #spec.rooms + 1]
   local minute = TIMES[math.floor(k / #spec.rooms) % #TIMES + 1]
   local start = day * 86400 - 28800 + minute * 60
   local body = string.format(
      '{"room_id":%d,"org_id":%d,"start":"%s","end":"%s","title":"压测预约","attendance":2}',
      room, spec.org, stamp(start), stamp(start + 1800))
   return wrk.format("POST", "/api/v1/bookings", spec.headers, body)
end

function request()
   local c = table.remove(to_cancel)
   if c == nil then
      return create()
   end
   return wrk.format("POST", "/api/v1/bookings/" .. c.id .. "/cancel", by_org[c.org],
      string.format('{"version":%d}', c.version))
end

local complaints = 0
function response(status, headers, body)
   if status == 201 then
      local id = tonumber(body:match('^{"id":(%d+)'))
      local org = tonumber(body:match('"org_id":(%d+)'))
      local version = tonumber(body:match('"version":(%d+)'))
      if id and org and version then
         table.insert(to_cancel, { id = id, org = org, version = version })
      end
   elseif status ~= 200 and complaints < 3 then
      complaints = complaints + 1
      io.stderr:write(string.format("booking.lua: status %d: %s\n", status, body))
   end
end

-- the BENCH line: bench/report.lua's done(), found next to this script
dofile(debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") .. "/report.lua")
