import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * Lua scripts of the Redis broker. Each runs atomically on the Redis server, which is what
 * makes seq assignment safe across server instances: no two scripts interleave.
 *
 * Data model (prefix `P`):
 * - `P epoch`            string, created with SET NX by whichever script first finds it missing.
 * - `P alerts:<userId>`  stream; entry id `<seq>-0`, fields `epoch` (the epoch it was written
 *                        in) and `alert` (the BreachAlertMessage as JSON, seq included).
 * - `P events`           stream of every published alert (fields `epoch`, `alert`), read by
 *                        every instance with XREAD for cross-instance fan-out.
 * - `P idem:<key>`       string `<epoch> <alert JSON>`: what a publish with that idempotency
 *                        key stored, expiring after a day; a key of another epoch is stale.
 * - `P revoked-before`   string, epoch ms: tokens issued before it are revoked everywhere. A
 *                        raise is also appended to `P events` (field `revoke`) so every
 *                        instance closes its sockets at once.
 * - `P connects:<user>`  sorted set of connect attempts (member unique, score = ms), the shared
 *                        sliding window of the per-user connect limit; expires with the window.
 *
 * The user stream is its own seq counter: the next seq is the top entry's id + 1, and XADD
 * refuses an id not above the stream's last id, so a seq can never be reused while the stream
 * lives. A stream whose top entry carries another epoch than `P epoch` belongs to lost history
 * (the epoch key vanished while the stream survived): it reads as empty and the next publish
 * deletes it and starts again at seq 1 — coherent with the new epoch clients will see.
 */

// Shared helpers: the value of field `name` in a stream entry's flat field list, and the seq
// encoded in an entry id `<seq>-0`.
const HELPERS = `
local function field(fields, name)
  for i = 1, #fields, 2 do
    if fields[i] == name then return fields[i + 1] end
  end
  return nil
end
local function seqOf(id)
  return tonumber(string.match(id, '^(%d+)-'))
end
local function ensureEpoch(key, candidate)
  redis.call('SET', key, candidate, 'NX')
  return redis.call('GET', key)
end
-- What an idempotency key stored in this epoch (the text after '<epoch> '), or nil.
local function storedFor(key, epoch)
  local stored = redis.call('GET', key)
  if not stored then return nil end
  local space = string.find(stored, ' ', 1, true)
  if space and string.sub(stored, 1, space - 1) == epoch then
    return string.sub(stored, space + 1)
  end
  return nil
end
-- Last seq of the stream in this epoch, and whether the stream holds another epoch's entries.
local function lastSeqOf(key, epoch)
  local top = redis.call('XREVRANGE', key, '+', '-', 'COUNT', 1)[1]
  if top == nil then return 0, false end
  if field(top[2], 'epoch') ~= epoch then return 0, true end
  return seqOf(top[1]), false
end
`;

/**
 * KEYS: epoch, user stream, events stream, idempotency key (unused when ARGV[5] is '').
 * ARGV: candidate epoch, historySize, alert JSON without type and seq (starts with `{"id"`),
 * events backlog, idempotency TTL in ms ('' without a key). Returns `{epoch, seq}`, or
 * `{epoch, 0, alert JSON}` when the key already published (nothing is written then).
 */
const PUBLISH = `${HELPERS}
local epoch = ensureEpoch(KEYS[1], ARGV[1])
local idempotent = ARGV[5] ~= ''
if idempotent then
  local stored = storedFor(KEYS[4], epoch)
  if stored then return {epoch, 0, stored} end
end
local last, stale = lastSeqOf(KEYS[2], epoch)
if stale then redis.call('DEL', KEYS[2]) end
local seq = string.format('%d', last + 1)
local alert = '{"type":"breach_alert","seq":' .. seq .. ',' .. string.sub(ARGV[3], 2)
-- Approximate trimming keeps whole stream nodes; history reports the exact window anyway.
redis.call('XADD', KEYS[2], 'MAXLEN', '~', ARGV[2], seq .. '-0', 'epoch', epoch, 'alert', alert)
-- Written in the same script, so the events stream holds each user's alerts in seq order.
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[4], '*', 'epoch', epoch, 'alert', alert)
if idempotent then redis.call('SET', KEYS[4], epoch .. ' ' .. alert, 'PX', ARGV[5]) end
return {epoch, last + 1}
`;

/**
 * KEYS: epoch, events stream, idempotency key (unused when ARGV[4] is ''), then one user
 * stream per alert. ARGV: candidate epoch, historySize, events backlog, idempotency TTL in ms
 * ('' without a key), then one alert JSON per alert (without type and seq, starting with
 * `{"id"`). Returns `{epoch, seq1, seq2, …}`, or `{epoch, 0, stored JSON array}` when the key
 * already published a batch (nothing is written then). One script: every seq of the batch is
 * assigned and stored, and every alert announced, in one atomic step.
 */
const PUBLISH_BATCH = `${HELPERS}
local epoch = ensureEpoch(KEYS[1], ARGV[1])
local idempotent = ARGV[4] ~= ''
if idempotent then
  local stored = storedFor(KEYS[3], epoch)
  if stored then return {epoch, 0, stored} end
end
local reply = {epoch}
local written = {}
for i = 4, #KEYS do
  local key = KEYS[i]
  local last, stale = lastSeqOf(key, epoch)
  if stale then redis.call('DEL', key) end
  local seq = string.format('%d', last + 1)
  local alert = '{"type":"breach_alert","seq":' .. seq .. ',' .. string.sub(ARGV[i + 1], 2)
  redis.call('XADD', key, 'MAXLEN', '~', ARGV[2], seq .. '-0', 'epoch', epoch, 'alert', alert)
  redis.call('XADD', KEYS[2], '*', 'epoch', epoch, 'alert', alert)
  reply[#reply + 1] = last + 1
  written[#written + 1] = alert
end
-- Trimmed once, keeping the whole batch on top of the usual backlog: a reader as far behind
-- as the backlog allows still finds every alert of the batch.
redis.call('XTRIM', KEYS[2], 'MAXLEN', '~', tonumber(ARGV[3]) + #written)
if idempotent then
  redis.call('SET', KEYS[3], epoch .. ' [' .. table.concat(written, ',') .. ']', 'PX', ARGV[4])
end
return reply
`;

/**
 * KEYS: epoch, user stream.
 * ARGV: candidate epoch, afterSeq, limit (0 reads only the head), historySize.
 * Returns `{epoch, lastSeq, firstSeq, id1, json1, id2, json2, ...}`.
 */
const READ = `${HELPERS}
local epoch = ensureEpoch(KEYS[1], ARGV[1])
local last = lastSeqOf(KEYS[2], epoch)
if last == 0 then return {epoch, 0, 1} end
local oldest = seqOf(redis.call('XRANGE', KEYS[2], '-', '+', 'COUNT', 1)[1][1])
-- The window is exactly historySize seqs, whatever approximate trimming left behind.
local first = math.max(oldest, last - tonumber(ARGV[4]) + 1)
local reply = {epoch, last, first}
local limit = tonumber(ARGV[3])
local from = math.max(first, tonumber(ARGV[2]) + 1)
if limit > 0 and from <= last then
  local entries = redis.call('XRANGE', KEYS[2], string.format('%d', from), '+', 'COUNT', limit)
  for _, entry in ipairs(entries) do
    reply[#reply + 1] = entry[1]
    reply[#reply + 1] = field(entry[2], 'alert') or ''
  end
end
return reply
`;

/**
 * KEYS: epoch, revoked-before, events stream.
 * ARGV: candidate epoch, cutoff ms (an integer string), events backlog.
 * Returns the cutoff in force afterwards, as a string. Only a raise is stored and announced.
 */
const REVOKE = `${HELPERS}
local epoch = ensureEpoch(KEYS[1], ARGV[1])
local current = redis.call('GET', KEYS[2])
if current and tonumber(current) >= tonumber(ARGV[2]) then return current end
redis.call('SET', KEYS[2], ARGV[2])
redis.call('XADD', KEYS[3], 'MAXLEN', '~', ARGV[3], '*', 'epoch', epoch, 'revoke', ARGV[2])
return ARGV[2]
`;

/**
 * KEYS: the user's connects sorted set.
 * ARGV: now ms, window ms, limit, a member unique to this attempt.
 * Returns `{1, 0}` when admitted (and recorded), `{0, retryAfterMs}` when refused.
 */
const ADMIT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then
  local oldest = tonumber(redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')[2])
  return {0, math.max(1, oldest + window - now)}
end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return {1, 0}
`;

/** A Lua script run by its SHA1, loaded on first use and again after a SCRIPT FLUSH or restart. */
export interface RedisScript {
  run(client: Redis, keys: string[], args: Array<string | number>): Promise<unknown>;
}

function defineScript(lua: string): RedisScript {
  const sha = createHash('sha1').update(lua).digest('hex');
  return {
    async run(client, keys, args) {
      try {
        return await client.evalsha(sha, keys.length, ...keys, ...args);
      } catch (error) {
        // NOSCRIPT: this Redis has not seen the script yet; EVAL runs and caches it.
        if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
        return client.eval(lua, keys.length, ...keys, ...args);
      }
    },
  };
}

/** Assigns the next seq, stores the alert and appends it to the events stream. */
export const publishScript = defineScript(PUBLISH);
/** Assigns, stores and announces a batch of alerts in one step. */
export const publishBatchScript = defineScript(PUBLISH_BATCH);
/** Reads a user's epoch, last and first seq, and optionally a range of alerts. */
export const readScript = defineScript(READ);
/** Raises the shared revocation cutoff and announces it on the events stream. */
export const revokeScript = defineScript(REVOKE);
/** Counts a connect attempt in the user's shared sliding window. */
export const admitScript = defineScript(ADMIT);
