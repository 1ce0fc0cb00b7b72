-- One hand-off change onto its team's feed, exactly once: run by the writer right after the customer's commit
-- (another slot) and again by the journal relay until the commit's outbox entry is acknowledged.
-- KEYS: 1 seq, 2 log (zset by seq), 3 board (hash: waiting and accepted items), 4 board versions (hash),
--       5 applied entries (zset by ms), 6 the run_id of the Redis process that numbered the feed last.
-- ARGV: 1 entry id, 2 channel, 3 frame head, 4 frame tail, 5 board field, 6 board item json or '' to remove,
--       7 the change's version, 8 log window, 9 how long applied entries are remembered (ms, by Redis' clock: TIME).
local id, channel, head, tail, field, item = ARGV[1], ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6]
local version, window, remember = tonumber(ARGV[7]), tonumber(ARGV[8]), tonumber(ARGV[9])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
if redis.call('ZSCORE', KEYS[5], id) then return 0 end
-- Another Redis process numbered this feed before (a promoted replica, a restart from disk): replication is
-- asynchronous, so the last seqs screens received may be lost here and would be given again to other changes. A new
-- epoch, far above any seq that could be lost, makes every screen see a gap, find the log does not reach back, and
-- read the board again (resync).
local rid = string.match(redis.call('INFO', 'server'), 'run_id:(%x+)')
local numberedBy = redis.call('GET', KEYS[6])
if numberedBy ~= rid then
  if numberedBy then redis.call('INCRBY', KEYS[1], 1000000) end
  redis.call('SET', KEYS[6], rid)
end
local seq = redis.call('INCR', KEYS[1])
local frame = head .. seq .. tail
redis.call('ZADD', KEYS[2], seq, frame)
redis.call('ZREMRANGEBYRANK', KEYS[2], 0, -(window + 1))
-- Two commits of one customer may settle out of order: the board keeps what the later version says.
if version >= tonumber(redis.call('HGET', KEYS[4], field) or '0') then
  if item == '' then redis.call('HDEL', KEYS[3], field) else redis.call('HSET', KEYS[3], field, item) end
  redis.call('HSET', KEYS[4], field, version)
end
redis.call('ZADD', KEYS[5], now, id)
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now - remember)
redis.call('PUBLISH', channel, frame)
return seq
