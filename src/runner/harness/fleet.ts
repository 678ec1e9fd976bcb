import { createNodeClient } from '../../client/node.js';
import { createSeededRandom, type Client, type Profile } from '../../client/index.js';
import type { Clock } from '../../protocol/index.js';
import type { ScenarioConfig } from '../scenario/types.js';

/** User id of client `index` when `users` users share the fleet (round robin: several tabs). */
export function userOf(index: number, users: number): string {
  return `user-${index % users}`;
}

/**
 * The order in which client `index` tries the instances at `urls`: it starts on instance
 * `index mod n`, and the others follow in an order that differs from client to client, so the
 * clients of an instance that dies spread evenly over the survivors instead of all landing on
 * the next one in the list.
 */
export function instanceOrder<T>(index: number, urls: readonly T[]): T[] {
  const n = urls.length;
  if (n <= 1) return [...urls];
  const first = index % n;
  const others = [...urls.slice(first + 1), ...urls.slice(0, first)];
  const turn = Math.floor(index / n) % others.length;
  return [urls[first]!, ...others.slice(turn), ...others.slice(0, turn)];
}

/**
 * The addresses client `index` is given, in the order it tries them: one per instance (its
 * shard ⌊index / n⌋ mod shards of each, so an instance's clients spread evenly over its
 * proxy shards), ordered by {@link instanceOrder}.
 */
export function clientUrls(index: number, urls: readonly (readonly string[])[]): string[] {
  const shard = Math.floor(index / Math.max(1, urls.length));
  return instanceOrder(
    index,
    urls.map((shards) => shards[shard % shards.length]!),
  );
}

/** Client options of a scenario, with every timing multiplied by timeScale. */
export function scaledClientOptions(config: ScenarioConfig) {
  const c = config.client;
  const s = config.timeScale;
  const pongTimeoutMs = (c.pongTimeoutMs ?? 10_000) * s;
  return {
    backoff: {
      initialDelayMs: (c.initialDelayMs ?? 1000) * s,
      maxDelayMs: (c.maxDelayMs ?? 30_000) * s,
      multiplier: c.multiplier ?? 2,
      maxAttempts: c.maxAttempts ?? 10,
      ...(c.giveUpAfterMs === undefined ? {} : { giveUpAfterMs: c.giveUpAfterMs * s }),
      jitter: c.jitter ?? 'full',
      minUptimeMs: (c.minUptimeMs ?? 5000) * s,
    },
    heartbeat: {
      intervalMs: (c.pingIntervalMs ?? 30_000) * s,
      pongTimeoutMs,
      deadAfterMs: c.deadAfterMs === undefined ? 2 * pongTimeoutMs : c.deadAfterMs * s,
    },
    connectTimeoutMs: 20_000 * s,
    ...(c.fallback === undefined
      ? {}
      : {
          fallback: {
            fallbackAfter: c.fallback.after,
            probeIntervalMs: c.fallback.probeIntervalMs * s,
          },
        }),
  };
}

/** Options of {@link createFleet}. */
export interface FleetOptions {
  config: ScenarioConfig;
  /**
   * Every instance's addresses (one per proxy shard in front of it); client i starts on
   * instance i mod n, fails over through the others, and uses shard ⌊i / n⌋ mod shards of each.
   */
  urls: readonly (readonly string[])[];
  clock: Clock;
  /** Called with each client as it is made (the recorder's `attach`, or a worker's forwarder). */
  attach: (index: number, userId: string, client: Client) => void;
  /** Fetches a user's token before every attempt; undefined: the clients send none. */
  getToken: ((userId: string) => Promise<string>) | undefined;
  /** How the clients speak to the service (default: stormwatch's protocol v1). */
  profile?: Profile | undefined;
  /** The clients of this process: indices [from, to). Default: the whole fleet. */
  from?: number | undefined;
  to?: number | undefined;
}

/**
 * The fleet, or the slice [from, to) of it a worker process holds: real clients over real
 * sockets. Client i is the same in any process (its user, seed and instance order depend on
 * i alone), so a fleet split over workers behaves as one.
 */
export function createFleet(options: FleetOptions): Client[] {
  const { config, urls, clock } = options;
  const scaled = scaledClientOptions(config);
  const clients: Client[] = [];
  const from = options.from ?? 0;
  const to = options.to ?? config.clients;
  for (let i = from; i < to; i++) {
    const userId = userOf(i, config.users);
    const getToken = options.getToken;
    const client = createNodeClient({
      urls: clientUrls(i, urls),
      userId,
      ...(getToken === undefined ? {} : { getToken: () => getToken(userId) }),
      ...(options.profile === undefined ? {} : { profile: options.profile }),
      ...scaled,
      clock,
      random: createSeededRandom((config.seed * 1_000_003 + i) >>> 0),
      environment: null,
    });
    options.attach(i, userId, client);
    clients.push(client);
  }
  return clients;
}

/** The app's manual `reconnect()` on every failed or disconnected client; returns how many. */
export function reconnectStopped(clients: readonly Client[]): number {
  let count = 0;
  for (const client of clients) {
    if (client.state === 'failed' || client.state === 'disconnected') {
      client.reconnect();
      count += 1;
    }
  }
  return count;
}
