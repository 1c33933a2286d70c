-- wrk: each request registers a new crossing (a unique movement_id and
-- document per thread and request) with the officer's token from $TOKEN.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
function init(args)
  prefix = "W" .. tid .. "-" .. os.time() .. "-"
  n = 0
  token = os.getenv("TOKEN")
end
function request()
  n = n + 1
  local id = prefix .. n
  local body = '{"movement_id":"' .. id .. '","direction":"ENTRY","event_time":"2024-03-01T10:00:00-04:00",' ..
    '"transport":"road","document_type":"PASSPORT","document_number":"D' .. id .. '","document_country":"PER",' ..
    '"nationality":"PER","surname_1":"Apaza","surname_2":"Mamani","given_names":"Ana","sex":"F",' ..
    '"birth_date":"1980-01-01","country_of_residence":"PER","purpose":"TOURISM","permitted_stay_days":30}'
  return wrk.format("POST", "/api/v1/registers/movements",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end
