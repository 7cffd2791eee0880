-- bench/guest.lua: wrk script of bench/run, a new guest in every request.
--
--   wrk ... -s bench/guest.lua URL -- PATH TOKEN ACTIVITY NAME_FIELD RUN
--
-- Each request is POST PATH with the bearer TOKEN and the body
--
--   {"activity_id":ACTIVITY,"NAME_FIELD":"压测嘉宾","phone":"13RRTNNNNNN"}
--
-- where the phone is unique: RR is RUN mod 100 (bench/run numbers its wrk runs), T the
-- wrk thread, NNNNNN a counter of the thread. So every request is a new person:
--   sign-up:  PATH /api/v1/registrations, NAME_FIELD name (an organiser signs up a guest;
--             past the capacity the sign-up joins the waiting list, a write all the same)
--   check-in: PATH /api/v1/checkins, NAME_FIELD guest_name (a walk-in guest at the desk)
-- Both answer 201; anything else counts as non-2xx and the first three are printed to
-- stderr. The BENCH line (bench/report.lua) ends the output.

local count = 0
function setup(thread)
   count = count + 1
   thread:set("tid", count)
end

local path, headers, prefix, field, activity
local n = 0

function init(args)
   path, activity, field = args[1], tonumber(args[3]), args[4]
   local run = tonumber(args[5])
   if not (path and args[2] and activity and field and run) then
      error("usage: -- PATH TOKEN ACTIVITY NAME_FIELD RUN")
   end
   if (tid or 1) > 9 then
      error("bench/guest.lua: at most 9 threads (one digit of the phone)")
   end
   headers = { ["Authorization"] = "Bearer " .. args[2], ["Content-Type"] = "application/json" }
   prefix = string.format("13%02d%d", run % 100, tid or 1)
end

function request()
   n = n + 1
   local body = string.format('{"activity_id":%d,"%s":"压测嘉宾","phone":"%s%06d"}',
      activity, field, prefix, n % 1000000)
   return wrk.format("POST", path, headers, body)
end

local complaints = 0
function response(status, hdrs, body)
   if (status < 200 or status > 299) and complaints < 3 then
      complaints = complaints + 1
      io.stderr:write(string.format("guest.lua: status %d: %s\n", status, body))
   end
end

-- the BENCH line: bench/report.lua's done(), found next to this script
dofile(debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") .. "/report.lua")
