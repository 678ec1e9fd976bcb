/**
 * batch: one breach touching 10,000 users, published as one `POST /api/alerts/batch` against
 * 10,000 `POST /api/alerts` (64 in flight), on a real server over loopback HTTP, with the memory
 * broker and with the Redis broker (127.0.0.1:6379, keys of its own, deleted after). Three
 * rounds in alternating order; medians and the ratio. Every alert is checked stored once.
 *
 * Run: node --import tsx bench/server/batch.ts [--users 10000] [--rounds 3] [--redis URL]
 */
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import {
  buildServer,
  createMemoryBroker,
  createRedisBroker,
  signToken,
  type Broker,
} from '../../src/server/index.js';
import { median } from '../lib/stats.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i < 0 ? fallback : (process.argv[i + 1] ?? fallback);
}
const USERS = Number(flag('users', '10000'));
const ROUNDS = Number(flag('rounds', '3'));
const REDIS_URL = flag('redis', 'redis://127.0.0.1:6379');
const IN_FLIGHT = 64;
const SECRET = 'batch-bench-secret-long-enough-for-hs256';
const alert = {
  severity: 'HIGH',
  title: 'Credentials exposed at a shared provider',
  source: 'bench',
};

async function measure(
  broker: Broker,
  mode: 'batch' | 'single',
  round: number,
): Promise<{ ms: number }> {
  const app = await buildServer({
    auth: { secret: SECRET },
    logger: false,
    defaultMetrics: false,
    broker,
  });
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const token = await signToken({ sub: 'bench', role: 'publisher' }, SECRET);
  const users = Array.from({ length: USERS }, (_, i) => `r${round}-${mode}-${i}`);
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const started = performance.now();
  if (mode === 'batch') {
    const response = await fetch(`${base}/api/alerts/batch`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ userIds: users, ...alert }),
    });
    if (response.status !== 201) throw new Error(`batch answered ${response.status}`);
    await response.arrayBuffer();
  } else {
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < users.length) {
          const userId = users[next++]!;
          const response = await fetch(`${base}/api/alerts`, {
            method: 'POST',
            headers,
            body: JSON.stringify({ userId, ...alert }),
          });
          if (response.status !== 201) throw new Error(`publish answered ${response.status}`);
          await response.arrayBuffer();
        }
      }),
    );
  }
  const ms = performance.now() - started;
  // Every user holds exactly its one alert.
  for (const userId of [users[0]!, users[users.length >> 1]!, users.at(-1)!]) {
    const head = await broker.head(userId);
    if (head.lastSeq !== 1) throw new Error(`${userId}: lastSeq ${head.lastSeq}, expected 1`);
  }
  await app.close();
  return { ms };
}

async function main(): Promise<void> {
  console.log(
    `batch: ${USERS} recipients, one batch call vs ${USERS} single publishes (${IN_FLIGHT} in flight), ${ROUNDS} rounds`,
  );
  const admin = new Redis(REDIS_URL);
  const prefix = `bench:batch:${randomUUID()}:`;
  try {
    for (const kind of ['memory', 'redis'] as const) {
      const times: Record<'batch' | 'single', number[]> = { batch: [], single: [] };
      for (let round = 0; round < ROUNDS; round++) {
        const order: Array<'batch' | 'single'> =
          round % 2 === 0 ? ['batch', 'single'] : ['single', 'batch'];
        for (const mode of order) {
          const broker =
            kind === 'memory'
              ? createMemoryBroker()
              : await createRedisBroker({ url: REDIS_URL, keyPrefix: prefix });
          times[mode].push((await measure(broker, mode, round)).ms);
          await broker.close();
        }
      }
      const b = median(times.batch);
      const s = median(times.single);
      console.log(
        `${kind.padEnd(6)}  batch median ${b.toFixed(0)} ms (${times.batch.map((t) => t.toFixed(0)).join(', ')})` +
          ` · singles median ${s.toFixed(0)} ms (${times.single.map((t) => t.toFixed(0)).join(', ')})` +
          ` · singles / batch ${(s / b).toFixed(1)}×`,
      );
    }
  } finally {
    let cursor = '0';
    do {
      const [next, keys] = await admin.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await admin.del(...keys);
    } while (cursor !== '0');
    await admin.quit();
  }
}

await main();
