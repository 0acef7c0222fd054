-- wrk script for bench/run.py: a topic's what-if page, each request a fresh combination of forces.
-- BENCH_FACTORS holds the topic's factor slugs in their order. Each request moves three or more of
-- them (a random set, each to a random non-zero step) and writes the address canonically, so the
-- page answers 200 without redirecting, and is never one the app caches (it caches at most two
-- moved). Any answer but 200 is an error.

local factors = {}
for slug in (os.getenv("BENCH_FACTORS") or ""):gmatch("%S+") do table.insert(factors, slug) end
local steps = { "-2", "-1", "1", "2" }
local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + number * 7919)
  unexpected = 0
end

request = function()
  local wanted = math.random(math.min(3, #factors), #factors)
  local chosen, left = {}, #factors
  for i, slug in ipairs(factors) do  -- each kept with the chance that leaves `wanted` in all
    if math.random() * left < wanted then
      table.insert(chosen, slug .. "=" .. steps[math.random(#steps)])
      wanted = wanted - 1
    end
    left = left - 1
  end
  return wrk.format("GET", wrk.path .. "?" .. table.concat(chosen, "&"))
end

response = function(status, headers, body)
  if status ~= 200 then unexpected = unexpected + 1 end
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  for _, thread in ipairs(threads) do
    errors = errors + (thread:get("unexpected") or 0)
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors))
end
