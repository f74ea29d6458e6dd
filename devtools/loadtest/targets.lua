-- wrk script: request the pages given after "--" in turn, each with its own
-- session cookie, as pairs: path session path session ...
--   wrk -s targets.lua http://127.0.0.1:8000/ -- /assessments/7/answers/ 3xk9... /compare/ 8fq2...

local targets = {}
local next_target = 0

function init(args)
  for i = 1, #args, 2 do
    targets[#targets + 1] = {path = args[i], session = args[i + 1]}
  end
  if #targets == 0 then
    error("targets.lua: give the pages after --, as path and session pairs")
  end
end

function request()
  next_target = next_target % #targets + 1
  local target = targets[next_target]
  return wrk.format("GET", target.path, {["Cookie"] = "sessionid=" .. target.session})
end
