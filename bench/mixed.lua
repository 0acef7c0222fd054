-- wrk script for bench/mixed.py: anonymous readers of random pages.
-- BENCH_PATHS names a file of "<path> <group>" lines, group "touched" or "untouched".
-- With BENCH_SAMPLE=1 (one connection, the sampler), it also counts the app's X-Cache answers
-- separately for the pages the writers touch and for the others. Without it (the other readers)
-- it defines no response(): with one, wrk hands every body to Lua, which cost the readers 15-18 %
-- of their throughput on pages of 100-230 KB, a cost of the meter that /healthz never paid.
-- Run it with one connection per thread (-tN -cN): a thread's answers then come back in the
-- order of its requests, so response() knows which group the page it answers belongs to.

local sampling = os.getenv("BENCH_SAMPLE") == "1"
local paths, groups = {}, {}
for line in io.lines(os.getenv("BENCH_PATHS")) do
  local path, group = line:match("^(%S+)%s+(%S+)$")
  if path then
    table.insert(paths, path)
    table.insert(groups, group)
  end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

function init(args)
  -- The sampler salted apart from the readers, whose first thread starts in the same second: it
  -- must not ask for the same pages in the same order as that reader.
  math.randomseed(os.time() * 1000 + number * 7919 + (sampling and 104729 or 0))
  current = "untouched"
  touched_hit, touched_miss, touched_none = 0, 0, 0
  untouched_hit, untouched_miss, untouched_none = 0, 0, 0
end

request = function()
  local i = math.random(#paths)
  current = groups[i]
  return wrk.format("GET", paths[i])
end

local function count(status, headers, body)
  local answer = headers["X-Cache"] or headers["x-cache"]
  if current == "touched" then
    if answer == "hit" then touched_hit = touched_hit + 1
    elseif answer == "miss" then touched_miss = touched_miss + 1
    else touched_none = touched_none + 1 end
  else
    if answer == "hit" then untouched_hit = untouched_hit + 1
    elseif answer == "miss" then untouched_miss = untouched_miss + 1
    else untouched_none = untouched_none + 1 end
  end
end

if sampling then response = count end

done = function(summary, latency, requests)
  local sums = {}
  for _, name in ipairs({ "touched_hit", "touched_miss", "touched_none", "untouched_hit", "untouched_miss", "untouched_none" }) do
    sums[name] = 0
    for _, thread in ipairs(threads) do
      sums[name] = sums[name] + (thread:get(name) or 0)
    end
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "errors": %d, '
      .. '"error_kinds": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, '
      .. '"touched": {"hit": %d, "miss": %d, "none": %d}, "untouched": {"hit": %d, "miss": %d, "none": %d}}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    sums.touched_hit, sums.touched_miss, sums.touched_none,
    sums.untouched_hit, sums.untouched_miss, sums.untouched_none))
end
