-- wrk: each request registers a new crossing (a unique movement_id and
-- document per thread and request, a traveller's names and birth date drawn
-- from common Andean ones) with the officer's token from $TOKEN. A new
-- document makes the service look for the person by name.
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
local surnames = { "Mamani", "Quispe", "Condori", "Choque", "Flores", "Apaza", "Huanca", "Ticona", "Rojas",
  "Vargas", "Limachi", "Chambi", "Colque", "Poma", "Villca", "Nina", "Copa", "Gutiérrez", "López", "Cruz" }
local given = { "Ana", "Juan", "María", "Luis", "Rosa", "Carlos", "Elena", "Jorge", "Lucía", "Pedro",
  "Sonia", "Mario", "Julia", "Víctor", "Ruth", "Hugo", "Marta", "René", "Eva", "Raúl" }
function init(args)
  prefix = "W" .. tid .. "-" .. os.time() .. "-"
  n = 0
  token = os.getenv("TOKEN")
  math.randomseed(os.time() + tid)
end
function request()
  n = n + 1
  local id = prefix .. n
  local body = '{"movement_id":"' .. id .. '","direction":"ENTRY","event_time":"2024-03-01T10:00:00-04:00",' ..
    '"transport":"road","document_type":"PASSPORT","document_number":"D' .. id .. '","document_country":"PER",' ..
    '"nationality":"PER","surname_1":"' .. surnames[math.random(#surnames)] .. '","surname_2":"' ..
    surnames[math.random(#surnames)] .. '","given_names":"' .. given[math.random(#given)] .. '","sex":"F",' ..
    '"birth_date":"' .. string.format("%04d-%02d-%02d", math.random(1950, 2005), math.random(12), math.random(28)) ..
    '","country_of_residence":"PER","purpose":"TOURISM","permitted_stay_days":30}'
  return wrk.format("POST", "/api/v1/registers/movements",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end
