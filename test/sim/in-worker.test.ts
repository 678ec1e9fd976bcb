import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/runner/index.js';
import { simulateInWorker, SimWorkerError } from '../../src/sim/index.js';

const scenario = (title: string) =>
  parseScenario(
    `version: 1
title: ${title}
config: { clients: 2 }
method:
  - { at: 1s, action: wait, duration: 1s }
`,
    'tiny.yaml',
  );
const SCENARIO = scenario('tiny');
const STUB = new URL('../fixtures/sim-worker-stub.js', import.meta.url);

describe('simulateInWorker', () => {
  it('fails with a typed error, not a hang, when its thread cannot start', async () => {
    const missing = new URL('./no-such-worker.js', import.meta.url);
    const error = await simulateInWorker(SCENARIO, {}, missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimWorkerError);
    expect((error as SimWorkerError).code).toBe('SIM_WORKER_FAILED');
    expect((error as Error).message).toMatch(/^the simulation failed: .*no-such-worker/);
  });

  it('settles on the outcome the thread posts, without waiting for it to exit', async () => {
    const result = await simulateInWorker(scenario('linger'), {}, STUB);
    expect(result.events).toBe(7);
  });

  it('rejects, and stops the thread, when a progress listener throws', async () => {
    const error = await simulateInWorker(
      scenario('progress'),
      {
        onProgress: () => {
          throw new Error('listener broke');
        },
      },
      STUB,
    ).catch((e: unknown) => e);
    expect((error as Error).message).toBe('listener broke');
  });
});
