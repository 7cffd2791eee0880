-- bench/activities/storm.lua: wrk script of bench/activities/run, a check-in storm: COUNT
-- distinct people check in to one activity, each exactly once, then wrk stops.
--
--   wrk -t1 -cN -d90s -s storm.lua URL -- desk ACTIVITY FIRST_MEMBER COUNT PACE_MS TOKEN
--   wrk -t1 -cN -d90s -s storm.lua URL -- scan ACTIVITY FIRST_MEMBER COUNT PACE_MS TOKENS_FILE CODE
--
-- desk: an organiser (TOKEN) checks in members FIRST_MEMBER .. FIRST_MEMBER + COUNT - 1 at
--   the desk: POST /api/v1/checkins {"activity_id":A,"member_id":M}.
-- scan: each person checks themselves in with the code on the venue screen, on their own
--   session (line n of TOKENS_FILE is the n-th person's bearer token):
--   POST /api/v1/checkins {"activity_id":A,"code":CODE}.
-- PACE_MS: 0 sends as fast as the connections allow (a burst); otherwise each connection
--   waits a random 0 .. 2 * PACE_MS ms before each request (N connections then send about
--   N * 1000 / PACE_MS requests a second).
--
-- One wrk thread (-t1): one Lua state walks the people in order, so nobody is sent twice
-- and nobody is skipped. Once all COUNT requests are out, request() hands idle
-- connections an empty request (nothing is written); after the COUNT-th response the
-- thread stops and sends wrk SIGINT, which ends its sleep of -d, so that wrk prints its
-- figures at once. (wrk calls request() once before the run to check the request: that
-- call gets the first person's request without using it up.) Times come from
-- clock_gettime through LuaJIT's ffi: from the first request written to the last response.
-- Prints one machine-readable line:
--
--   STORM sent=N responses=N c201=N c200=N cother=N elapsed_us=N rps=F p50_us=N p90_us=N
--         p99_us=N max_us=N errors=N non2xx=N
--
-- c201: checked in; c200: "checked in already" (must be 0: everybody comes once);
-- cother: anything else (the first three are printed to stderr).

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock, bench_timespec *ts);
int getpid(void);
int kill(int pid, int sig);
]]
local ts = ffi.new("bench_timespec")
local function now_us()
   ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
   return tonumber(ts.tv_sec) * 1e6 + tonumber(ts.tv_nsec) / 1e3
end

local threads = {}
function setup(thread) -- in wrk's main Lua state: done() reads the thread's globals
   table.insert(threads, thread)
end

local mode, activity, first, count, pace
local headers, tokens, code
local checked = false
-- globals, read by done() through thread:get()
sent, got, c201, c200, cother, t_first, t_last = 0, 0, 0, 0, 0, 0, 0

function init(args)
   mode, activity, first = args[1], tonumber(args[2]), tonumber(args[3])
   count, pace = tonumber(args[4]), tonumber(args[5])
   if not (activity and first and count and pace) or (mode ~= "desk" and mode ~= "scan") then
      error("usage: -- desk ACTIVITY FIRST_MEMBER COUNT PACE_MS TOKEN | "
         .. "scan ACTIVITY FIRST_MEMBER COUNT PACE_MS TOKENS_FILE CODE")
   end
   if mode == "desk" then
      headers = {["Authorization"] = "Bearer " .. args[6], ["Content-Type"] = "application/json"}
   else
      tokens, code = {}, args[7]
      for line in io.lines(args[6]) do
         tokens[#tokens + 1] = line
      end
      if #tokens < count or not code then
         error(string.format("scan: %d tokens for %d people, code %s", #tokens, count, tostring(code)))
      end
   end
   if pace > 0 then -- defined only when pacing: without it wrk sends at once
      math.randomseed(os.time())
      delay = function()
         return math.random(0, 2 * pace)
      end
   end
end

local function make(n) -- the n-th person's request, 1-based
   if mode == "desk" then
      return wrk.format("POST", "/api/v1/checkins", headers,
         string.format('{"activity_id":%d,"member_id":%d}', activity, first + n - 1))
   end
   return wrk.format("POST", "/api/v1/checkins",
      {["Authorization"] = "Bearer " .. tokens[n], ["Content-Type"] = "application/json"},
      string.format('{"activity_id":%d,"code":"%s"}', activity, code))
end

function request()
   if not checked then -- wrk's own check of the script, before the run
      checked = true
      return make(1)
   end
   if sent >= count then
      return ""
   end
   sent = sent + 1
   if sent == 1 then
      t_first = now_us()
   end
   return make(sent)
end

function response(status, hdrs, body)
   got = got + 1
   if status == 201 then
      c201 = c201 + 1
   elseif status == 200 then
      c200 = c200 + 1
   else
      cother = cother + 1
      if cother <= 3 then
         io.stderr:write(string.format("storm: status %d: %s\n", status, body))
      end
   end
   if got == count then
      t_last = now_us()
      wrk.thread:stop()
      ffi.C.kill(ffi.C.getpid(), 2) -- SIGINT: wrk's main thread stops sleeping
   end
end

done = function(summary, latency, requests)
   local t = threads[1]
   local sent, got, t_first, t_last = t:get("sent"), t:get("got"), t:get("t_first"), t:get("t_last")
   local c201, c200, cother = t:get("c201"), t:get("c200"), t:get("cother")
   local e = summary.errors
   local elapsed = (t_first > 0 and t_last > 0) and (t_last - t_first) or 0
   io.write(string.format(
      "STORM sent=%d responses=%d c201=%d c200=%d cother=%d elapsed_us=%d rps=%.1f " ..
      "p50_us=%d p90_us=%d p99_us=%d max_us=%d errors=%d non2xx=%d\n",
      sent, summary.requests, c201, c200, cother, elapsed,
      elapsed > 0 and got * 1e6 / elapsed or 0,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      e.connect + e.read + e.write + e.timeout, e.status))
end
