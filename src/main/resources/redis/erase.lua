-- Erasure of what a customer holds in its own slot: context and log, and the word to its subscribers. Its identity
-- keys and team entries live in other slots and are erased one by one after this (RedisContextStore#erase).
-- KEYS: 1 context hash, 2 change log. ARGV: 1 the customer's channel.
redis.call('DEL', KEYS[1], KEYS[2])
redis.call('PUBLISH', ARGV[1], '{"erased":true}')
return 'erased'
