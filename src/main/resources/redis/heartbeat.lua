-- Records node ARGV[1]'s heartbeat in the live-node zset KEYS[1], scored by Redis' own clock (the nodes' clocks
-- may disagree), forgets nodes silent for more than ARGV[2] ms, and answers how many nodes are alive.
local nodes, node, silentMs = KEYS[1], ARGV[1], tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', nodes, now, node)
redis.call('ZREMRANGEBYSCORE', nodes, '-inf', now - silentMs)
return redis.call('ZCARD', nodes)
