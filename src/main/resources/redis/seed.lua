-- Rehydration: replaces a customer's context with the one rebuilt from the journal, once, even when many race.
-- Its identity keys (other slots) are set after this by RedisContextStore#seed.
-- KEYS: 1 context hash, 2 change log.
-- ARGV: 1 version Redis had when the journal was read, 2 rebuilt version, 3 rebuilt doc ('' = keep Redis's, only mark),
--       4 run_id it was verified under, 5 number of log entries, then (version, change json) pairs.
local current = tonumber(redis.call('HGET', KEYS[1], 'v') or '0')
if current ~= tonumber(ARGV[1]) then return 'moved' end
local rid = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
if rid ~= ARGV[4] then return 'moved' end
if ARGV[3] == '' then
  if current > 0 then redis.call('HSET', KEYS[1], 'rid', rid) end
  return 'marked'
end
redis.call('HSET', KEYS[1], 'v', ARGV[2], 'doc', ARGV[3], 'rid', rid)
redis.call('DEL', KEYS[2])
local a = 6
for _ = 1, tonumber(ARGV[5]) do
  redis.call('ZADD', KEYS[2], ARGV[a], ARGV[a + 1])
  a = a + 2
end
return 'seeded'
