import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../src/client/index.js';
import { RunnerError } from '../../src/runner/index.js';
import { SimDriver } from '../../src/sim/index.js';

/** Resolves after `depth` promise hops, each a microtask. */
async function chain(depth: number): Promise<number> {
  let n = 0;
  for (let i = 0; i < depth; i++) n = await Promise.resolve(n + 1);
  return n;
}

describe('SimDriver', () => {
  it('lets a promise chain of any depth settle before the next timer fires', async () => {
    const clock = new SimulatedClock(0);
    const driver = new SimDriver(clock);
    const seen: string[] = [];
    await driver.run(async () => {
      // A synchronous timer that starts async work, as a token fetch does.
      clock.setTimeout(() => {
        driver.markAsync();
        void chain(10_000).then((n) => seen.push(`chain ${n} at ${clock.now()}`));
      }, 10);
      clock.setTimeout(() => seen.push(`next timer at ${clock.now()}`), 10);
      await new Promise<void>((resolve) => driver.clock.setTimeout(resolve, 20));
    });
    expect(seen).toEqual(['chain 10000 at 10', 'next timer at 10']);
  });

  it('gives the event loop a turn during a long run', async () => {
    const clock = new SimulatedClock(0);
    const driver = new SimDriver(clock);
    let turns = 0;
    const immediate = () => {
      turns += 1;
      if (!done) setImmediate(immediate);
    };
    let done = false;
    setImmediate(immediate);
    const started = performance.now();
    await driver.run(async () => {
      // Runner-style sleeps: each drains; the run takes a while in wall time.
      while (performance.now() - started < 200) {
        await new Promise<void>((resolve) => driver.clock.setTimeout(resolve, 1));
      }
    });
    done = true;
    // 200 ms with a turn every 20 ms at least: several turns, though drains far outnumber them.
    expect(turns).toBeGreaterThanOrEqual(3);
    expect(driver.drains).toBeGreaterThan(10 * turns);
  });

  it('rejects a task that waits for something no timer brings', async () => {
    const driver = new SimDriver(new SimulatedClock(0));
    await expect(driver.run(() => new Promise<void>(() => undefined))).rejects.toThrow(RunnerError);
  });
});
