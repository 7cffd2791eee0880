-- bench/activities/summary.lua: wrk script of bench/activities/run, a committee's
-- attendance summary read by a signed-in reader.
--
--   wrk ... -s summary.lua http://HOST/api/v1/orgs/3/attendance?year=all -- TOKEN
--
-- Adds "Authorization: Bearer TOKEN" to the URL's GET and lets wrk build that one request
-- once (no request() or response() callback: wrk keeps its fast path, and counts non-2xx
-- answers itself). Without TOKEN (nginx) the request goes out as it is. Prints one
-- machine-readable line at the end, as bench/report.lua:
--
--   BENCH requests=N duration_us=N rps=F p50_us=N p99_us=N max_us=N errors=N non2xx=N

-- wrk's own wrk.init() calls this, then builds the request from wrk.headers once
function init(args)
   if args[1] and args[1] ~= "" then
      wrk.headers["Authorization"] = "Bearer " .. args[1]
   end
end

-- the BENCH line at the end: bench/report.lua's done(), found next to this script
dofile(debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") .. "/../report.lua")
