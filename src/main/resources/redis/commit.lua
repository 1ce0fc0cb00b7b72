-- One request's commit for one customer, all or nothing, in the customer's slot (see ContextStore#commit).
-- What lives in other slots (identity claims, team feeds) is settled around it by RedisContextStore; the outbox
-- entry carries what that settlement needs, so the journal relay can redo it.
-- KEYS: 1 context hash, 2 change log (zset by version), 3 idempotency record, 4 the bucket's journal outbox (stream),
--       5 the customer's index of idempotency records (zset by expiry ms, read by erasure).
local ctxKey, logKey, idemKey, outboxKey, idemIndex = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local expected = tonumber(ARGV[1])
local newVersion = ARGV[2]
local contextJson = ARGV[3]
local channel = ARGV[4]
local payload = ARGV[5]
local window = tonumber(ARGV[6])
local idemRecord = ARGV[7]
local idemTtl = tonumber(ARGV[8])
local nChanges = tonumber(ARGV[9])
local verifiedRid = ARGV[10]
local outboxEntry = ARGV[11]
-- then ARGV: nChanges pairs (version, change json)

local current = tonumber(redis.call('HGET', ctxKey, 'v') or '0')
if current ~= expected then return {'moved', current} end
-- This Redis restarted (maybe older, maybe empty, maybe a promoted replica) since the context was checked against
-- the journal: check again.
local rid = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
if rid ~= verifiedRid then return {'verify', current} end

redis.call('HSET', ctxKey, 'v', newVersion, 'doc', contextJson, 'rid', rid)
local a = 12
for _ = 1, nChanges do
  redis.call('ZADD', logKey, ARGV[a], ARGV[a + 1])
  a = a + 2
end
redis.call('ZREMRANGEBYRANK', logKey, 0, -(window + 1))
if idemRecord ~= '' then
  redis.call('SET', idemKey, idemRecord, 'EX', idemTtl)
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  local expires = now + idemTtl * 1000
  redis.call('ZADD', idemIndex, expires, idemKey)
  redis.call('ZREMRANGEBYSCORE', idemIndex, '-inf', now)
  redis.call('PEXPIREAT', idemIndex, expires) -- every record of the index expires by then (all share one ttl or a shorter lease)
end
redis.call('PUBLISH', channel, payload)
local outboxId = redis.call('XADD', outboxKey, '*', 'e', outboxEntry)
return {'ok', tonumber(newVersion), outboxId}
