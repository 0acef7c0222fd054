-- wrk script for bench/run.py: signed-in readers replying to public annotations, and a JSON summary.
-- BENCH_SESSIONS names a file of "sessionid csrftoken" lines (one a reader), BENCH_REPLY_TARGETS one
-- of "/annotations/<pk>/reply/" lines (public, shown annotations of one scenario), BENCH_BODY the form
-- body posted. Each request is the next reader's, to a target drawn at random. A reply answers 302 to
-- its own permalink (/annotations/<its pk>/); any other answer (a refusal, the form again, a
-- redirect to log in) is an error.

local sessions, targets = {}, {}
for line in io.lines(os.getenv("BENCH_SESSIONS")) do
  local session, csrf = line:match("^(%S+)%s+(%S+)$")
  if session then table.insert(sessions, { session = session, csrf = csrf }) end
end
for line in io.lines(os.getenv("BENCH_REPLY_TARGETS")) do
  local path = line:match("^(/annotations/%d+/reply/)$")
  if path then table.insert(targets, path) end
end
local body = os.getenv("BENCH_BODY") or "body=Benchmark+reply"

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + number * 7919)
  counter = math.random(1, #sessions)
  unposted = 0
end

request = function()
  counter = counter + 1
  local s = sessions[(counter % #sessions) + 1]
  local headers = {
    ["Cookie"] = "sessionid=" .. s.session .. "; csrftoken=" .. s.csrf,
    ["X-CSRFToken"] = s.csrf,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  return wrk.format("POST", targets[math.random(#targets)], headers, body)
end

response = function(status, headers)
  local location = headers["Location"] or headers["location"] or ""
  if status ~= 302 or not location:match("/annotations/%d+/$") then unposted = unposted + 1 end
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  for _, thread in ipairs(threads) do
    errors = errors + (thread:get("unposted") or 0)
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors))
end
