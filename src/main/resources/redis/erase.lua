-- Erasure: removes a customer's context, log and identity keys, its entries on team boards and in team
-- logs, and tells its subscribers, in one step.
-- KEYS: 1 context hash, 2 change log, then ARGV[2] identity keys, then (team board, team log) pairs.
-- ARGV: 1 the customer's channel, 2 number of identity keys, 3 board field prefix "<customerId>/",
--       4 the customerId member as it appears in team frames.
local nIdentities = tonumber(ARGV[2])
for i = 1, 2 + nIdentities do redis.call('DEL', KEYS[i]) end
local prefix, marker = ARGV[3], ARGV[4]
for k = 3 + nIdentities, #KEYS, 2 do
  for _, field in ipairs(redis.call('HKEYS', KEYS[k])) do
    if string.sub(field, 1, #prefix) == prefix then redis.call('HDEL', KEYS[k], field) end
  end
  for _, frame in ipairs(redis.call('ZRANGE', KEYS[k + 1], 0, -1)) do
    if string.find(frame, marker, 1, true) then redis.call('ZREM', KEYS[k + 1], frame) end
  end
end
redis.call('PUBLISH', ARGV[1], '{"erased":true}')
return 'erased'
