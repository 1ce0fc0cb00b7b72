-- Erasure, on one team the customer had hand-offs with: its waiting items, their board versions and its frames.
-- KEYS: 1 board, 2 board versions, 3 log. ARGV: 1 board field prefix "<customerId>/", 2 the customerId
-- member as it appears in team frames.
local prefix, marker = ARGV[1], ARGV[2]
for k = 1, 2 do
  for _, field in ipairs(redis.call('HKEYS', KEYS[k])) do
    if string.sub(field, 1, #prefix) == prefix then redis.call('HDEL', KEYS[k], field) end
  end
end
for _, frame in ipairs(redis.call('ZRANGE', KEYS[3], 0, -1)) do
  if string.find(frame, marker, 1, true) then redis.call('ZREM', KEYS[3], frame) end
end
return 'erased'
