-- wrk: each request registers a new crossing (a unique movement_id per
-- thread and request) with the officer's token from $TOKEN. A share
-- $NEW_SHARE of them (default 1: all) come with a document the store has
-- never seen, and a traveller's names and birth date drawn from common
-- Andean ones, so the service looks for the person by name; the others are
-- returning travellers, a stored document with its names from $PEOPLE
-- (lines "TYPE,COUNTRY,NUMBER,SURNAME1,SURNAME2,GIVEN,BIRTH,NATIONALITY").
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
  new_share = tonumber(os.getenv("NEW_SHARE") or "1")
  people = {}
  if os.getenv("PEOPLE") then
    for line in io.lines(os.getenv("PEOPLE")) do
      local f = {}
      for v in (line .. ","):gmatch("([^,]*),") do f[#f + 1] = v end
      if #f >= 8 then people[#people + 1] = f end
    end
  end
  math.randomseed(os.time() + tid)
end
function request()
  n = n + 1
  local id = prefix .. n
  local t, c, num, s1, s2, g, b, nat
  if #people == 0 or math.random() < new_share then
    t, c, num, nat = "PASSPORT", "PER", "D" .. id, "PER"
    s1, s2, g = surnames[math.random(#surnames)], surnames[math.random(#surnames)], given[math.random(#given)]
    b = string.format("%04d-%02d-%02d", math.random(1950, 2005), math.random(12), math.random(28))
  else
    local p = people[math.random(#people)]
    t, c, num, s1, s2, g, b, nat = p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[8]
  end
  local stay = nat == "BOL" and "" or ',"permitted_stay_days":30'
  local body = '{"movement_id":"' .. id .. '","direction":"ENTRY","event_time":"2024-03-01T10:00:00-04:00",' ..
    '"transport":"road","document_type":"' .. t .. '","document_number":"' .. num .. '","document_country":"' .. c ..
    '","nationality":"' .. nat .. '","surname_1":"' .. s1 .. '","surname_2":"' .. s2 .. '","given_names":"' .. g ..
    '","sex":"F","birth_date":"' .. b .. '","purpose":"TOURISM"' .. stay .. '}'
  return wrk.format("POST", "/api/v1/registers/movements",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end
