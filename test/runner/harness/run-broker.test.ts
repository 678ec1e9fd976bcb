// A run's Redis broker against the real Redis on 127.0.0.1:6379: every start opens a new
// connection (as a restarted process would) and the history survives it.
import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisRunBroker } from '../../../src/runner/harness/run-broker.js';
import { RunnerError, RunnerErrorCode } from '../../../src/runner/index.js';

const REDIS_URL = 'redis://127.0.0.1:6379';
const admin = new Redis(REDIS_URL);
afterAll(() => admin.disconnect());

async function keysUnder(prefix: string): Promise<string[]> {
  return admin.keys(`${prefix}*`);
}

describe('redisRunBroker', () => {
  it("keeps the history across a restart on a new connection, under the run's prefix", async () => {
    const prefix = `stormwatch:run:test${Date.now().toString(16)}:`;
    const storage = redisRunBroker(REDIS_URL, prefix, 50);
    const first = await storage.open();
    for (let i = 0; i < 60; i++) {
      await first.publish(
        {
          userId: 'u',
          severity: 'LOW',
          title: `t${i}`,
          source: 's',
          detectedAt: '2026-01-01T00:00:00Z',
        },
        new Date(Date.UTC(2026, 0, 1)).toISOString(),
        `id-${i}`,
      );
    }
    const head = await first.head('u');
    await storage.release(first);
    const second = await storage.open();
    expect(second).not.toBe(first);
    expect(await second.head('u')).toEqual(head);
    const slice = await second.history('u', 0);
    // historySize 50: the oldest 10 were trimmed.
    expect(slice.alerts.map((a) => a.seq)).toEqual(Array.from({ length: 50 }, (_, i) => i + 11));
    await storage.release(second);
    expect(storage.keyPrefix).toBe(prefix);
    const keys = await keysUnder(prefix);
    expect(keys.length).toBeGreaterThan(0);
    await admin.unlink(...keys);
  });

  it('says which Redis could not be used, in one line', async () => {
    // A port that was free a moment ago: nothing answers there.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port: p } = server.address() as AddressInfo;
        server.close(() => resolve(p));
      });
    });
    const storage = redisRunBroker(`redis://127.0.0.1:${port}`, 'stormwatch:run:x:', 10);
    const error = await storage.open().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RunnerError);
    expect((error as RunnerError).code).toBe(RunnerErrorCode.START_FAILED);
    expect((error as RunnerError).message).toMatch(
      new RegExp(
        `^cannot use Redis at redis://127\\.0\\.0\\.1:${port} \\(config\\.topology\\.broker: redis; --redis URL\\): `,
      ),
    );
    expect((error as RunnerError).message).not.toContain('\n');
    await storage.close();
  });
});
