-- A customer's context with what a writer must know: is it verified against the journal since this Redis started?
-- KEYS: 1 context hash. Returns {doc or false, version, verified (1/0), this Redis's run_id}.
local info = redis.call('INFO', 'server')
local rid = string.match(info, 'run_id:(%x+)')
local fields = redis.call('HMGET', KEYS[1], 'doc', 'v', 'rid')
local verified = (fields[1] and fields[3] == rid) and 1 or 0
return {fields[1] or false, tonumber(fields[2] or '0'), verified, rid}
