-- Erasure: removes a customer's context, log and identity keys, and tells its subscribers, in one step.
-- KEYS: 1 context hash, 2 change log, then the identity keys. ARGV: 1 the customer's channel.
redis.call('DEL', unpack(KEYS))
redis.call('PUBLISH', ARGV[1], '{"erased":true}')
return 'erased'
