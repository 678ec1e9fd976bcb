import type { Redis } from 'ioredis';
import type { Admission, SharedControls } from './broker.js';
import { BrokerError, BrokerErrorCode } from './errors.js';
import { admitScript, revokeScript } from './redis-scripts.js';

/** Runs a Redis call with the broker's deadline; every failure becomes a BrokerError. */
export type RedisCall = <T>(doing: string, work: () => Promise<T>) => Promise<T>;

/** What {@link createRedisSharedControls} needs from the broker that owns the connection. */
export interface RedisSharedOptions {
  commands: Redis;
  call: RedisCall;
  keys: {
    epoch: string;
    events: string;
    revokedBefore: string;
    connects(userId: string): string;
  };
  eventsBacklog: number;
  /** Listeners of revocations, called by the broker's fan-out reader as entries arrive. */
  revokeListeners: Set<(cutoffMs: number) => void>;
}

/**
 * The connect limit and token revocation of a Redis broker, shared by every instance on the
 * same Redis and key prefix. Both are Lua scripts, so attempts on any number of instances are
 * counted atomically; a revocation is stored and announced on the events stream in one step,
 * and each instance's fan-out reader hands it to {@link SharedControls.onRevoke}.
 */
export function createRedisSharedControls(options: RedisSharedOptions): SharedControls {
  const { commands, call, keys, eventsBacklog, revokeListeners } = options;
  return {
    async admitConnect(userId, limit, windowMs, nowMs): Promise<Admission> {
      const reply = await call('connect limit', () =>
        admitScript.run(
          commands,
          [keys.connects(userId)],
          [
            Math.floor(nowMs),
            Math.max(1, Math.ceil(windowMs)),
            limit,
            globalThis.crypto.randomUUID(),
          ],
        ),
      );
      if (!Array.isArray(reply) || !Number.isSafeInteger(reply[0])) {
        throw new BrokerError(
          BrokerErrorCode.BAD_DATA,
          'connect limit: unexpected reply from Redis',
        );
      }
      if (reply[0] === 1) return { ok: true };
      return { ok: false, retryAfterMs: Math.max(1, Number(reply[1]) || 1) };
    },

    async revoke(cutoffMs) {
      if (!Number.isSafeInteger(cutoffMs)) {
        throw new RangeError(`cutoffMs: expected an integer, got ${cutoffMs}`);
      }
      const reply = await call('revoke', () =>
        revokeScript.run(
          commands,
          [keys.epoch, keys.revokedBefore, keys.events],
          [globalThis.crypto.randomUUID(), String(cutoffMs), eventsBacklog],
        ),
      );
      const inForce = Number(reply);
      if (!Number.isSafeInteger(inForce)) {
        throw new BrokerError(BrokerErrorCode.BAD_DATA, 'revoke: unexpected reply from Redis');
      }
      return inForce;
    },

    async revokedBefore() {
      const stored = await call('reading the revocation cutoff', () =>
        commands.get(keys.revokedBefore),
      );
      if (stored === null) return Number.NEGATIVE_INFINITY;
      const cutoff = Number(stored);
      if (!Number.isSafeInteger(cutoff)) {
        throw new BrokerError(
          BrokerErrorCode.BAD_DATA,
          `${keys.revokedBefore} holds ${JSON.stringify(stored.slice(0, 40))}, not an integer`,
        );
      }
      return cutoff;
    },

    onRevoke(listener) {
      revokeListeners.add(listener);
      return () => {
        revokeListeners.delete(listener);
      };
    },
  };
}
