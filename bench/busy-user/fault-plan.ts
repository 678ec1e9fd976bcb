import type { RestartableServer } from './alert-server.js';
import type { FaultProxy } from './fault-proxy.js';
import type { FaultName } from './flags.js';

/** What a fault acts on. */
export interface FaultTarget {
  server: RestartableServer;
  proxy: FaultProxy;
}

/** One fault: `inject` starts it and returns what ends it `durationMs` later. */
export interface Fault {
  /** How it reads in the JSON. */
  about: string;
  /** How long the fault lasts, ms. */
  durationMs: number;
  inject(target: FaultTarget): Promise<() => Promise<void>>;
}

async function withToxics(
  proxy: FaultProxy,
  specs: Parameters<FaultProxy['addToxic']>[0][],
): Promise<() => Promise<void>> {
  const names: string[] = [];
  for (const spec of specs) names.push(await proxy.addToxic(spec));
  return async () => {
    for (const name of names) await proxy.removeToxic(name);
  };
}

/** The five faults, as the scenarios in `scenarios/` express them. */
export const FAULTS: Record<FaultName, Fault> = {
  blackhole: {
    about: 'timeout toxic (timeout 0) on both streams for 90 s: a silent half-open link',
    durationMs: 90_000,
    inject: ({ proxy }) =>
      withToxics(proxy, [
        { type: 'timeout', stream: 'upstream', attributes: { timeout: 0 } },
        { type: 'timeout', stream: 'downstream', attributes: { timeout: 0 } },
      ]),
  },
  latency: {
    // 12 s is slow, not dead (DESIGN.md): the client must stay up, and when the toxic goes the
    // frames it held arrive at once: a burst of alerts, hence of acks.
    about: 'latency 12 000 ms downstream for 30 s, then removed',
    durationMs: 30_000,
    inject: ({ proxy }) =>
      withToxics(proxy, [
        { type: 'latency', stream: 'downstream', attributes: { latency: 12_000 } },
      ]),
  },
  restart: {
    about: 'hard server restart (no close frames, memory history kept), 5 s down',
    durationMs: 5_000,
    inject: async ({ server }) => {
      await server.kill();
      return () => server.start();
    },
  },
  'reset-peer': {
    about: 'reset_peer toxic (timeout 0) on downstream for 5 s',
    durationMs: 5_000,
    inject: ({ proxy }) =>
      withToxics(proxy, [{ type: 'reset_peer', stream: 'downstream', attributes: { timeout: 0 } }]),
  },
  'proxy-down': {
    about: 'proxy disabled for 20 s',
    durationMs: 20_000,
    inject: async ({ proxy }) => {
      await proxy.setEnabled(false);
      return () => proxy.setEnabled(true);
    },
  },
};
