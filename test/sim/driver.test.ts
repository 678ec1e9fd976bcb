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

  it('takes turns of the event loop at the same drains however fast the machine runs', async () => {
    // The drain count at each turn of the event loop, for a run of sleeps; `slow` burns wall
    // time in every timer.
    const turnsAt = async (slow: boolean): Promise<number[]> => {
      const clock = new SimulatedClock(0);
      const driver = new SimDriver(clock);
      const seen: number[] = [];
      let running = true;
      const watch = () => {
        if (!running) return;
        seen.push(driver.drains);
        setImmediate(watch);
      };
      setImmediate(watch);
      await driver.run(async () => {
        for (let i = 0; i < 300; i++) {
          await new Promise<void>((resolve) =>
            driver.clock.setTimeout(() => {
              const until = performance.now() + (slow ? 0.2 : 0);
              while (performance.now() < until);
              resolve();
            }, 1),
          );
        }
        running = false;
      });
      expect(driver.turns).toBeGreaterThan(3);
      expect(driver.drains).toBeGreaterThan(30 * driver.turns);
      return seen;
    };
    expect(await turnsAt(true)).toEqual(await turnsAt(false));
  });

  it('settles the first promise chain of the task first, also when run from a host callback', async () => {
    const order = await new Promise<string[]>((resolve, reject) => {
      setTimeout(() => {
        const clock = new SimulatedClock(0);
        const driver = new SimDriver(clock);
        const seen: string[] = [];
        clock.setTimeout(() => seen.push(`other at ${clock.now()}`), 20);
        driver
          .run(async () => {
            for (let i = 0; i < 5; i++) await Promise.resolve();
            await new Promise<void>((done) =>
              driver.clock.setTimeout(() => {
                seen.push(`task at ${clock.now()}`);
                done();
              }, 10),
            );
          })
          .then(() => resolve(seen), reject);
      }, 0);
    });
    expect(order).toEqual(['task at 10']);
  });

  it('rejects a task that waits for something no timer brings', async () => {
    const driver = new SimDriver(new SimulatedClock(0));
    await expect(driver.run(() => new Promise<void>(() => undefined))).rejects.toThrow(RunnerError);
  });
});
