-- Extends the bucket lease KEYS[1] to ARGV[2] ms only while node ARGV[1] holds it (compare-and-renew: a lease
-- that ran out and was taken by another node stays theirs). Answers 1 if renewed, 0 if this node lost it.
local lease, node, ttl = KEYS[1], ARGV[1], ARGV[2]
if redis.call('GET', lease) == node then return redis.call('PEXPIRE', lease, ttl) end
return 0
