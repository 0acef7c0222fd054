-- wrk script: optional POST of annotations from many users, and a JSON summary with p50/p95/p99.
-- Settings come from the environment: BENCH_METHOD, BENCH_BODY, BENCH_SESSIONS (file of "sessionid csrftoken" lines).

local method = os.getenv("BENCH_METHOD") or "GET"
local body = os.getenv("BENCH_BODY") or ""
local sessions_file = os.getenv("BENCH_SESSIONS")
local sessions = {}
local counter = 0

if sessions_file then
  for line in io.lines(sessions_file) do
    local session, csrf = line:match("^(%S+)%s+(%S+)$")
    if session then table.insert(sessions, { session = session, csrf = csrf }) end
  end
end

function setup(thread)
  thread:set("offset", math.random(1, 100000))
end

request = function()
  counter = counter + 1
  local headers = {}
  if #sessions > 0 then
    local s = sessions[((counter + (offset or 0)) % #sessions) + 1]
    headers["Cookie"] = "sessionid=" .. s.session .. "; csrftoken=" .. s.csrf
    headers["X-CSRFToken"] = s.csrf
  end
  if method == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    return wrk.format("POST", nil, headers, body)
  end
  return wrk.format("GET", nil, headers)
end

done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "p99_ms": %.2f, "errors": %d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, errors))
end
