-- Settles identity key KEYS[1] after the commit of customer ARGV[1]: ARGV[2] 'confirm' (the commit happened: the
-- claim becomes the owner's for good; also when the key is gone, as the journal relay redoes it) or 'release'
-- (the commit failed: the previous holder gets it back). Answers the value now held.
local owner, action = ARGV[1], ARGV[2]
local v = redis.call('GET', KEYS[1])
local prefix = '~' .. owner .. '~'
local pending = v and string.sub(v, 1, #prefix) == prefix
if action == 'confirm' then
  if v == false or pending then redis.call('SET', KEYS[1], owner); return owner end
  return v
end
if pending then
  local previous = string.match(v, '^~[^~]*~%d+~(.*)$')
  if previous == '' then redis.call('DEL', KEYS[1]); return false end
  redis.call('SET', KEYS[1], previous)
  return previous
end
return v
