import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

/**
 * The Lua scripts behind the Redis floor store. Each runs atomically, so a grant and its announcement (or a
 * release and its announcement) reach subscribers in the order they happened, and only the owner of a lock
 * (matched by grantId inside the stored value) can renew or delete it.
 */

/** KEYS[1] lock; ARGV: grant JSON, ttl ms, events channel, "taken" message. Returns {1, value} or {0, value}. */
const ACQUIRE = `
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then
  redis.call('PUBLISH', ARGV[3], ARGV[4])
  return {1, ARGV[1]}
end
return {0, redis.call('GET', KEYS[1])}
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
