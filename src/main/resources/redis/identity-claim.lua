-- Claims identity key KEYS[1] for customer ARGV[1] before the customer's commit, which lives in another slot
-- (see RedisContextStore#commit). The key holds "<owner>" once confirmed, "~<owner>~<expires ms>~<previous>" while
-- the claimant's commit runs: a pending claim of another customer counts as taken until it expires, then as its
-- previous holder again (the claimant died before its commit). A missing key may be a lost one (a failover, a wipe,
-- a restart without persistence): then the journal's holder, ARGV[3], is the holder; '?' when it was not asked yet.
-- Expiry is judged by Redis' clock (TIME), not the nodes', whose clocks may disagree.
-- ARGV: 1 owner, 2 the customer it may take over from (a merge's duplicate) or '', 3 the journal's holder ('' none,
--       '?' not asked), 4 pending ttl ms.
-- Returns 'claimed' (release it if the commit fails), 'held' (already this owner's), {'taken', holder} or {'ask'}
-- (the key is missing: ask the journal, then claim again).
local owner, adopt, journal, ttl = ARGV[1], ARGV[2], ARGV[3], tonumber(ARGV[4])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local holder = redis.call('GET', KEYS[1])
if not holder then
  if journal == '?' then return {'ask'} end
  holder = journal ~= '' and journal or false
elseif string.sub(holder, 1, 1) == '~' then
  local o, expires, previous = string.match(holder, '^~([^~]*)~(%d+)~(.*)$')
  if o == owner then return 'held' end
  if tonumber(expires) > now then return {'taken', o} end
  holder = previous ~= '' and previous or false
end
if holder == owner then return 'held' end
if holder and holder ~= adopt then return {'taken', holder} end
redis.call('SET', KEYS[1], '~' .. owner .. '~' .. (now + ttl) .. '~' .. (holder or ''))
return 'claimed'
