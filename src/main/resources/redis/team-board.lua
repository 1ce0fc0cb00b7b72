-- A team's seq and its board (waiting and accepted hand-offs), read together. KEYS: 1 seq, 2 board hash.
return {redis.call('GET', KEYS[1]) or '0', redis.call('HVALS', KEYS[2])}
