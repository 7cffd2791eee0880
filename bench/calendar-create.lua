-- bench/calendar-create.lua: wrk script of bench/calendar, making bookings.
--
--   wrk ... -s bench/calendar-create.lua URL -- TOKEN FIRST_ROOM LAST_ROOM FIRST_ORG LAST_ORG TODAY
--
-- Each request books a random room (FIRST_ROOM..LAST_ROOM) for a random organisation
-- (FIRST_ORG..LAST_ORG) on a random day from tomorrow to 300 days ahead, starting on a
-- 15-minute grid from 08:00 to 20:00 local time (+08:00), 30, 45 or 60 minutes long:
--
--   POST /api/v1/bookings  Authorization: Bearer TOKEN
--   {"room_id":..,"org_id":..,"start":"...+08:00","end":"...+08:00","title":..,"attendance":5}
--
-- TODAY is the local day number (days since 1970-01-01 in +08:00). Each thread seeds its
-- own random sequence by its number. response() counts 201 (booked), 409 (the slot is
-- taken: the overlap check said no), 422 (a rule said no) and anything else; done() adds
-- the threads' counts up and prints one machine-readable line:
--
--   BENCH requests=N duration_us=N rps=F p50_us=N p99_us=N max_us=N errors=N non2xx=N
--         c201=N c409=N c422=N cother=N rps201=F

local counter = 0
local threads = {}

function setup(thread)
   counter = counter + 1
   thread:set("tid", counter)
   table.insert(threads, thread)
end

local token, room_lo, room_hi, org_lo, org_hi, today
local headers

function init(args)
   token = args[1]
   room_lo, room_hi = tonumber(args[2]), tonumber(args[3])
   org_lo, org_hi = tonumber(args[4]), tonumber(args[5])
   today = tonumber(args[6])
   if not (token and room_lo and room_hi and org_lo and org_hi and today) then
      error("usage: -- TOKEN FIRST_ROOM LAST_ROOM FIRST_ORG LAST_ORG TODAY")
   end
   math.randomseed((tid or 1) * 7919 + os.time())
   headers = {
      ["Authorization"] = "Bearer " .. token,
      ["Content-Type"] = "application/json",
   }
   c201, c409, c422, cother = 0, 0, 0, 0
end

local function stamp(t)
   -- t is UTC epoch seconds; the text is its local time in +08:00
   return os.date("!%Y-%m-%dT%H:%M:00+08:00", t + 28800)
end

function request()
   local room = math.random(room_lo, room_hi)
   local org = math.random(org_lo, org_hi)
   local day = today + math.random(1, 300)
   local start = day * 86400 - 28800 + (480 + 15 * math.random(0, 48)) * 60
   local minutes = 30 + 15 * math.random(0, 2)
   local body = string.format(
      '{"room_id":%d,"org_id":%d,"start":"%s","end":"%s","title":"压测预约","attendance":5}',
      room, org, stamp(start), stamp(start + minutes * 60))
   return wrk.format("POST", "/api/v1/bookings", headers, body)
end

function response(status, headers, body)
   if status == 201 then
      c201 = c201 + 1
   elseif status == 409 then
      c409 = c409 + 1
   elseif status == 422 then
      c422 = c422 + 1
   else
      cother = cother + 1
      if cother <= 3 then
         io.stderr:write(string.format("calendar-create: status %d: %s\n", status, body))
      end
   end
end

done = function(summary, latency, requests)
   local n201, n409, n422, nother = 0, 0, 0, 0
   for _, t in ipairs(threads) do
      n201 = n201 + (t:get("c201") or 0)
      n409 = n409 + (t:get("c409") or 0)
      n422 = n422 + (t:get("c422") or 0)
      nother = nother + (t:get("cother") or 0)
   end
   local e = summary.errors
   local secs = summary.duration / 1e6
   local rps, rps201 = 0, 0
   if secs > 0 then
      rps = summary.requests / secs
      rps201 = n201 / secs
   end
   io.write(string.format(
      "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d errors=%d non2xx=%d " ..
      "c201=%d c409=%d c422=%d cother=%d rps201=%.1f\n",
      summary.requests, summary.duration, rps,
      latency:percentile(50), latency:percentile(99), latency.max,
      e.connect + e.read + e.write + e.timeout, e.status, n201, n409, n422, nother, rps201))
end
