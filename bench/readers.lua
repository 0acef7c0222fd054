-- wrk script for bench/mixed.py: anonymous readers, each request a random page of a list.
-- BENCH_PATHS names a file of "<path> <group>" lines (the group is for the sampler, bench/mixed.lua,
-- which counts the app's X-Cache answers on one connection). No response() here: with one, wrk hands every
-- body to Lua, which cost the readers 15-18 % of their throughput on pages of 100-230 KB, a cost of
-- the meter that /healthz never paid.

local paths = {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  local path = line:match("^(%S+)")
  if path then table.insert(paths, path) end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + number * 7919)
end

request = function()
  return wrk.format("GET", paths[math.random(#paths)])
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "errors": %d, '
      .. '"error_kinds": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout))
end
