-- One request's commit for one customer, all or nothing (see ContextStore#commit).
-- KEYS: 1 context hash, 2 change log (zset by version), 3 idempotency record, 4 journal outbox (stream),
--       then one key per linked identity, then per team entry: seq, log (zset by seq), waiting board (hash).
local ctxKey, logKey, idemKey = KEYS[1], KEYS[2], KEYS[3]
local expected = tonumber(ARGV[1])
local newVersion = ARGV[2]
local contextJson = ARGV[3]
local channel = ARGV[4]
local payload = ARGV[5]
local window = tonumber(ARGV[6])
local idemRecord = ARGV[7]
local idemTtl = tonumber(ARGV[8])
local nChanges = tonumber(ARGV[9])
local nIdentities = tonumber(ARGV[10])
local nTeams = tonumber(ARGV[11])
local owner = ARGV[12]
local verifiedRid = ARGV[13]
local outboxEntry = ARGV[14]
local adoptFrom = ARGV[15]  -- a merge takes over the duplicate's identities ('' otherwise)
-- then ARGV: nChanges pairs (version, change json), then nTeams groups of 5
-- (team channel, frame head, frame tail, board field, board item json or '' to remove)

local current = tonumber(redis.call('HGET', ctxKey, 'v') or '0')
if current ~= expected then return {'moved', current} end
-- This Redis restarted (maybe older, maybe empty) since the context was checked against the journal: check again.
local rid = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
if rid ~= verifiedRid then return {'verify', current} end
for i = 1, nIdentities do
  local holder = redis.call('GET', KEYS[4 + i])
  if holder and holder ~= owner and holder ~= adoptFrom then return {'identity_taken', i, holder} end
end

redis.call('HSET', ctxKey, 'v', newVersion, 'doc', contextJson, 'rid', rid)
local a = 16
for _ = 1, nChanges do
  redis.call('ZADD', logKey, ARGV[a], ARGV[a + 1])
  a = a + 2
end
redis.call('ZREMRANGEBYRANK', logKey, 0, -(window + 1))
for i = 1, nIdentities do redis.call('SET', KEYS[4 + i], owner) end
if idemRecord ~= '' then redis.call('SET', idemKey, idemRecord, 'EX', idemTtl) end
redis.call('PUBLISH', channel, payload)
local outboxId = redis.call('XADD', KEYS[4], '*', 'e', outboxEntry)

local k = 5 + nIdentities
for _ = 1, nTeams do
  local seqKey, teamLog, boardKey = KEYS[k], KEYS[k + 1], KEYS[k + 2]
  local teamChannel, head, tail, field, item = ARGV[a], ARGV[a + 1], ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]
  local seq = redis.call('INCR', seqKey)
  local frame = head .. seq .. tail
  redis.call('ZADD', teamLog, seq, frame)
  redis.call('ZREMRANGEBYRANK', teamLog, 0, -(window + 1))
  if item == '' then redis.call('HDEL', boardKey, field) else redis.call('HSET', boardKey, field, item) end
  redis.call('PUBLISH', teamChannel, frame)
  k = k + 3
  a = a + 5
end
return {'ok', tonumber(newVersion), outboxId}
