-- Removes member ARGV[1] from zset KEYS[1] only while its score is at most ARGV[2] (nothing rescheduled it later).
local s = redis.call('ZSCORE', KEYS[1], ARGV[1])
if s and tonumber(s) <= tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0
