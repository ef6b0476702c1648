import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The Lua scripts behind the Redis floor store. Each runs atomically, so a grant and its announcement (or a
 * release and its announcement) reach subscribers in the order they happened, and only the owner of a lock
 * (matched by grantId inside the stored value) can renew or delete it.
 */

/**
 * KEYS[1] lock, KEYS[2] the channel's fencing counter; ARGV: grant JSON without its fence (an object, so it
 * ends with '}'), ttl ms, events channel, the requester's priority, the requester as JSON ({userId,
 * displayName}). Returns {0, held value} (busy), {1, value} (granted) or {1, value, pre-empted value}.
 *
 * A held lock whose holder's priority (absent: 0) is lower than the requester's is pre-empted in the same
 * step: deleted, and its end published (released, revoke reason 'preempted', with the pre-emptor) before the
 * new grant's "taken", so every node sees the old grant end before the new one starts.
 *
 * The fence is the counter's next value, taken in the same step as the lock. A missing counter (first grant of
 * the channel, or a Redis that lost its data) starts from the server clock in microseconds, so numbers keep
 * growing across such a loss as long as a channel sees fewer than a million grants per second. The grant is
 * completed by string concatenation so the stored value keeps the caller's exact JSON.
 */
const ACQUIRE = `
local held = redis.call('GET', KEYS[1])
if held then
  local ok, old = pcall(cjson.decode, held)
  if not ok or type(old) ~= 'table' or type(old.holder) ~= 'table' then return {0, held} end
  local heldPriority = tonumber(old.holder.priority) or 0
  if tonumber(ARGV[4]) <= heldPriority then return {0, held} end
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[3], '{"type":"idle","channelId":' .. cjson.encode(old.channelId) ..
    ',"grantId":' .. cjson.encode(old.grantId) ..
    ',"reason":"released","revokeReason":"preempted","preemptedBy":' .. ARGV[5] .. '}')
end
if redis.call('EXISTS', KEYS[2]) == 0 then
  local now = redis.call('TIME')
  redis.call('SET', KEYS[2], now[1] .. string.rep('0', 6 - #now[2]) .. now[2])
end
-- Lua numbers print with 14 significant digits: format the integer in full.
local fence = string.format('%.0f', redis.call('INCR', KEYS[2]))
local value = string.sub(ARGV[1], 1, -2) .. ',"fence":' .. fence .. '}'
redis.call('SET', KEYS[1], value, 'PX', ARGV[2])
redis.call('PUBLISH', ARGV[3], '{"type":"taken","grant":' .. value .. '}')
if held then return {1, value, held} end
return {1, value}
`;

/** KEYS[1] lock; ARGV: grantId, ttl ms, now (ms). Returns the renewed value, or false when not the owner. */
const RENEW = `
local value = redis.call('GET', KEYS[1])
if not value then return false end
local grant = cjson.decode(value)
if grant.grantId ~= ARGV[1] then return false end
grant.expiresAt = tonumber(ARGV[3]) + tonumber(ARGV[2])
local renewed = cjson.encode(grant)
redis.call('SET', KEYS[1], renewed, 'PX', ARGV[2])
return renewed
`;

/** KEYS[1] lock; ARGV: grantId, events channel, "idle" message. Returns 1 when released, 0 when not the owner. */
const RELEASE = `
local value = redis.call('GET', KEYS[1])
if not value then return 0 end
if cjson.decode(value).grantId ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
redis.call('PUBLISH', ARGV[2], ARGV[3])
return 1
`;

/** KEYS[1] lock. Returns {value, remaining ms} or false when the channel is idle. */
const PEEK = `
local value = redis.call('GET', KEYS[1])
if not value then return false end
return {value, redis.call('PTTL', KEYS[1])}
`;

/** A script run by its SHA1, sent in full only when the server does not have it cached (after a restart). */
export class LuaScript {
  readonly #source: string;
  readonly #sha: string;

  constructor(source: string) {
    this.#source = source;
    this.#sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return await redis.eval(this.#source, keys.length, ...keys, ...args);
    }
  }
}

export const floorScripts = {
  acquire: new LuaScript(ACQUIRE),
  renew: new LuaScript(RENEW),
  release: new LuaScript(RELEASE),
  peek: new LuaScript(PEEK),
};
