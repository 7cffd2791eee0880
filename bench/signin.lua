-- bench/signin.lua: wrk script of bench/run, signing in.
--
--   wrk ... -s bench/signin.lua URL -- FIRST_MEMBER MEMBERS
--
-- Each request is POST /api/v1/session {"username":"gen-member-NNNNN","password":...} for
-- the next of MEMBERS generated members (louyu demo --scale, password louyu-demo) from
-- FIRST_MEMBER on, in turn, the threads starting apart. Turning through many accounts
-- keeps each below louyu's limit of sign-ins in flight per user (a sign-in counts as a
-- failure until its password is checked). Each answer is 200 with a new session:
-- argon2id (19 MiB, 2 passes) makes this slow on purpose, and louyu checks few passwords
-- at once (one on two cores) and turns away (503) sign-ins beyond its seats for them, so
-- bench/run signs in on one connection, which is always let in.
-- The BENCH line (bench/report.lua) ends the output.

local count = 0
function setup(thread)
   count = count + 1
   thread:set("tid", count)
end

local first, members, n
local headers = { ["Content-Type"] = "application/json" }

function init(args)
   first, members = tonumber(args[1]), tonumber(args[2])
   if not (first and members and members > 0) then
      error("usage: -- FIRST_MEMBER MEMBERS")
   end
   n = ((tid or 1) - 1) * 997
end

function request()
   local who = first + n % members
   n = n + 1
   return wrk.format("POST", "/api/v1/session", headers,
      string.format('{"username":"gen-member-%05d","password":"louyu-demo"}', who))
end

local complaints = 0
function response(status, hdrs, body)
   if status ~= 200 and complaints < 3 then
      complaints = complaints + 1
      io.stderr:write(string.format("signin.lua: status %d: %s\n", status, body))
   end
end

-- the BENCH line: bench/report.lua's done(), found next to this script
dofile(debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") .. "/report.lua")
