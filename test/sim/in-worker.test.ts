import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/runner/index.js';
import {
  simulateInWorker,
  simYoungGenerationMb,
  SimWorkerError,
  SIM_YOUNG_GENERATION_MB,
} from '../../src/sim/index.js';

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

describe('simYoungGenerationMb', () => {
  it('keeps the 10,000-client size up to 24,576 clients, then 16 KiB a client up to 1,536 MiB', () => {
    expect(simYoungGenerationMb(1)).toBe(SIM_YOUNG_GENERATION_MB);
    expect(simYoungGenerationMb(10_000)).toBe(384);
    expect(simYoungGenerationMb(24_576)).toBe(384);
    expect(simYoungGenerationMb(50_000)).toBe(781);
    expect(simYoungGenerationMb(100_000)).toBe(1536);
    expect(simYoungGenerationMb(1_000_000)).toBe(1536);
  });
});

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
