-- wrk: each request looks up a traveller by a document that is in the store
-- (one of the lines "TYPE,COUNTRY,NUMBER" of $DOCS), with the token of $TOKEN.
function init(args)
  docs = {}
  for line in io.lines(os.getenv("DOCS")) do
    local t, c, n = line:match("([^,]+),([^,]+),([^,]+)")
    if t then docs[#docs + 1] = "/api/v1/persons?document_type=" .. t .. "&document_country=" .. c .. "&document_number=" .. n end
  end
  token = os.getenv("TOKEN")
  math.randomseed(os.time() + #docs)
end
function request()
  return wrk.format("GET", docs[math.random(#docs)], { ["Authorization"] = "Bearer " .. token })
end
