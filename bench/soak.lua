-- wrk script for bench/soak.py: request the paths of $SOAK_URLS in turn and count responses by
-- status class per thread; done() prints one SOAK_RESULT line of JSON for soak.py to read.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  paths = {}
  for line in io.lines(os.getenv("SOAK_URLS")) do
    if line:match("^/") then table.insert(paths, line) end
  end
  counter, s2xx, s3xx, s4xx, s5xx = 0, 0, 0, 0, 0
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function response(status, headers, body)
  if status >= 500 then s5xx = s5xx + 1
  elseif status >= 400 then s4xx = s4xx + 1
  elseif status >= 300 then s3xx = s3xx + 1
  else s2xx = s2xx + 1 end
end

function done(summary, latency, requests)
  local totals = {s2xx = 0, s3xx = 0, s4xx = 0, s5xx = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(totals) do totals[name] = totals[name] + thread:get(name) end
  end
  local errors = summary.errors
  io.write(string.format(
    'SOAK_RESULT {"requests": %d, "duration_s": %.1f, "2xx": %d, "3xx": %d, "4xx": %d, "5xx": %d, '
      .. '"connect_errors": %d, "read_errors": %d, "write_errors": %d, "timeouts": %d, '
      .. '"latency_p50_ms": %.1f, "latency_p99_ms": %.1f, "latency_max_ms": %.1f}\n',
    summary.requests, summary.duration / 1e6, totals.s2xx, totals.s3xx, totals.s4xx, totals.s5xx,
    errors.connect, errors.read, errors.write, errors.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
