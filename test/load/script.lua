-- One request of the load: method, path, body and the caller's identity
-- header, from the environment the load generator sets. The body's key gets
-- the thread and a counter, so that no two uploads name the same object.
local method = os.getenv("LOAD_METHOD")
local path = os.getenv("LOAD_PATH")
local body = os.getenv("LOAD_BODY")
local user = os.getenv("LOAD_USER")
local counter = 0
local thread_id = 0

function setup(thread)
  thread_id = thread_id + 1
  thread:set("id", thread_id)
end

function init(args)
  wrk.method = method
  wrk.headers["Content-Type"] = "application/json"
  if user ~= nil and user ~= "" then
    wrk.headers["X-Forwarded-Email"] = user
  end
end

function request()
  counter = counter + 1
  if body == nil or body == "" then
    return wrk.format(nil, path)
  end
  local b = string.gsub(body, "{n}", tostring(id) .. "-" .. tostring(counter))
  return wrk.format(nil, path, nil, b)
end
