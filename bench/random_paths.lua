-- wrk script for bench/bench.py: each request is a path drawn at random from the file named by
-- $BENCH_PATHS (one per line), as a crawler walking many pages would send them.
function init(args)
  paths = {}
  for line in io.lines(os.getenv("BENCH_PATHS")) do
    if line:match("^/") then table.insert(paths, line) end
  end
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
