import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/runner/index.js';
import { simulateInWorker, SimWorkerError } from '../../src/sim/index.js';

const SCENARIO = parseScenario(
  `version: 1
title: tiny
config: { clients: 2 }
method:
  - { at: 1s, action: wait, duration: 1s }
`,
  'tiny.yaml',
);

describe('simulateInWorker', () => {
  it('fails with a typed error, not a hang, when its thread cannot start', async () => {
    const missing = new URL('./no-such-worker.js', import.meta.url);
    const error = await simulateInWorker(SCENARIO, {}, missing).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SimWorkerError);
    expect((error as SimWorkerError).code).toBe('SIM_WORKER_FAILED');
    expect((error as Error).message).toMatch(/^the simulation failed: .*no-such-worker/);
  });
});
