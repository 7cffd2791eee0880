-- bench/report.lua: wrk script used by bench/run.
--
-- It changes nothing about the requests wrk sends (no request/response callbacks, so
-- wrk keeps its fast path); it only prints one machine-readable line when the run is
-- over, which bench/run parses:
--
--   BENCH requests=N duration_us=N rps=F p50_us=N p99_us=N max_us=N errors=N non2xx=N
--
-- Latencies are in microseconds; errors counts connect, read, write and timeout
-- errors; non2xx counts responses whose status was not 2xx or 3xx.

done = function(summary, latency, requests)
   local e = summary.errors
   local secs = summary.duration / 1e6
   local rps = 0
   if secs > 0 then
      rps = summary.requests / secs
   end
   io.write(string.format(
      "BENCH requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d max_us=%d errors=%d non2xx=%d\n",
      summary.requests, summary.duration, rps,
      latency:percentile(50), latency:percentile(99), latency.max,
      e.connect + e.read + e.write + e.timeout, e.status))
end
