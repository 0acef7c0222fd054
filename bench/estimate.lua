-- wrk script for bench/run.py: signed-in readers saving estimates on many topics, and a JSON summary.
-- BENCH_SESSIONS names a file of "sessionid csrftoken" lines (one a reader), BENCH_TARGETS one of
-- "<path> <form body>" lines (a topic's /estimate/ address and whole numbers adding up to 100).
-- Each request is the next reader's, on a target drawn at random. A save answers 302 (to the
-- topic page); any other answer (a refusal, the form again, a redirect to log in) is an error.

local sessions, targets = {}, {}
for line in io.lines(os.getenv("BENCH_SESSIONS")) do
  local session, csrf = line:match("^(%S+)%s+(%S+)$")
  if session then table.insert(sessions, { session = session, csrf = csrf }) end
end
for line in io.lines(os.getenv("BENCH_TARGETS")) do
  local path, body = line:match("^(%S+)%s+(%S+)$")
  if path then table.insert(targets, { path = path, body = body }) end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("number", #threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + number * 7919)
  counter = math.random(1, #sessions)
  unsaved = 0
end

request = function()
  counter = counter + 1
  local s = sessions[(counter % #sessions) + 1]
  local target = targets[math.random(#targets)]
  local headers = {
    ["Cookie"] = "sessionid=" .. s.session .. "; csrftoken=" .. s.csrf,
    ["X-CSRFToken"] = s.csrf,
    ["Content-Type"] = "application/x-www-form-urlencoded",
  }
  return wrk.format("POST", target.path, headers, target.body)
end

response = function(status, headers, body)
  local location = headers["Location"] or headers["location"] or ""
  if status ~= 302 or not location:find("#your-estimate", 1, true) then unsaved = unsaved + 1 end
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  for _, thread in ipairs(threads) do
    errors = errors + (thread:get("unsaved") or 0)
  end
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors))
end
