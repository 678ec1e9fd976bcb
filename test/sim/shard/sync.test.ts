import { MessageChannel, Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { createShardLinks, ShardSync, SUM_WIDTH } from '../../../src/sim/index.js';

const FIXTURE = new URL('../../fixtures/shard-sync-worker.ts', import.meta.url);
// The fixture is TypeScript: the thread registers tsx's loader before importing it.
const ENTRY = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(FIXTURE.href)}); })`;
const workers: Worker[] = [];

afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.terminate()));
});

/** Starts `count` shards on real threads; resolves each one's first message. */
function start(count: number, plan: string, onAsk?: () => void) {
  const shards = createShardLinks(count, () => new MessageChannel());
  const results = shards.links.map((link) => {
    const worker = new Worker(ENTRY, {
      eval: true,
      workerData: { link, plan },
      transferList: link.ports,
    });
    workers.push(worker);
    return new Promise<Record<string, unknown>>((resolve, reject) => {
      worker.on('message', (message: Record<string, unknown>) => {
        if (message.ask === 'abort') {
          shards.abort();
          onAsk?.();
        } else resolve(message);
      });
      worker.on('error', reject);
    });
  });
  return { ...shards, results };
}

describe('ShardSync across threads', () => {
  it('gives every shard the same sums, meeting after meeting', async () => {
    const { results } = start(3, 'sums');
    const seen = (await Promise.all(results)).map((r) => r.seen as number[][]);
    for (let round = 0; round < 200; round++) {
      // 0 + 1 + 2; round × (1 + 2 + 3); three shards; no abort.
      expect(seen[0]![round]).toEqual([3, round * 6, 3, 0]);
      expect(seen[1]![round]).toEqual(seen[0]![round]);
      expect(seen[2]![round]).toEqual(seen[0]![round]);
    }
  });

  it("hands shard 0 every shard's value, in shard order", async () => {
    const { results } = start(3, 'gather');
    const [first, second, third] = await Promise.all(results);
    expect(first!.all).toEqual([
      { shard: 0, sum: 0 },
      { shard: 1, sum: 50_000 },
      { shard: 2, sum: 100_000 },
    ]);
    expect(second!.all).toBeUndefined();
    expect(third!.all).toBeUndefined();
  });

  it('stops every shard at the same meeting when the parent aborts', async () => {
    const { results } = start(2, 'abort');
    const outcomes = await Promise.all(results);
    expect(outcomes[0]!.abortedAt).toBe(10);
    expect(outcomes[1]!.abortedAt).toBe(10);
  });

  it('wakes the waiting shards with a typed error when another one failed', async () => {
    const { results, fail } = start(3, 'stall');
    const first = await results[0];
    expect(first).toEqual({ done: true });
    fail();
    const others = await Promise.all(results.slice(1));
    for (const outcome of others) {
      expect(outcome).toEqual({
        error: {
          name: 'ShardSyncError',
          code: 'SIM_SHARD_FAILED',
          message: 'another shard of the simulation failed',
        },
      });
    }
  });

  it('throws in every shard when one reads something else than the others', async () => {
    const { results } = start(2, 'diverge');
    const outcomes = await Promise.all(results);
    expect(outcomes[0]!.error).toMatchObject({
      code: 'SIM_SHARD_FAILED',
      message:
        'the shards fell out of step at meeting 3: shard 0 read #1 at 2000, shard 1 read #7 at 2000',
    });
    expect(outcomes[1]!.error).toMatchObject({ code: 'SIM_SHARD_FAILED' });
  });

  it(`refuses more than ${SUM_WIDTH} numbers`, () => {
    const { links } = createShardLinks(1, () => new MessageChannel());
    const sync = new ShardSync(links[0]!);
    expect(sync.sum([1, 2]).sums).toEqual(new Float64Array([1, 2]));
    expect(() => sync.sum(new Array<number>(SUM_WIDTH + 1).fill(0))).toThrow(RangeError);
  });
});
