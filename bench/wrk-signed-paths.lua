-- wrk script: hands out pre-signed request paths from a file (one per line), each thread its own slice
-- so no nonce is sent twice. Usage: wrk -s bench/wrk-signed-paths.lua URL -- <file> <threads>
local counter = 0
local threads = {}
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  paths = {}
  local n = 0
  local file = args[1]
  local nthreads = tonumber(args[2])
  local i = 0
  for line in io.lines(file) do
    if i % nthreads == tid then n = n + 1; paths[n] = line end
    i = i + 1
  end
  idx = 0
  count = n
end
function request()
  idx = idx + 1
  if idx > count then idx = 1 end
  return wrk.format("GET", paths[idx])
end
