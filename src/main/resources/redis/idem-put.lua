-- Writes idempotency record KEYS[1] and notes it in its customer's index KEYS[2] (same slot), so erasure finds every
-- record of the customer without SCAN (on a cluster SCAN reaches one random master, RedisContextStore#erase).
-- ARGV: 1 value, 2 'NX' to write only when absent (a claim) or '' (a final answer), 3 ttl ms.
-- Answers 1 when written, 0 when an NX write found the key there.
local ttl = tonumber(ARGV[3])
local written
if ARGV[2] == 'NX' then
  written = redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ttl)
else
  written = redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
end
if not written then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
-- The index entry lives as long as its record; entries of expired records go at the next write.
redis.call('ZADD', KEYS[2], now + ttl, KEYS[1])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
local last = redis.call('ZRANGE', KEYS[2], -1, -1, 'WITHSCORES')
redis.call('PEXPIREAT', KEYS[2], last[2])
return 1
