import type { Clock, Random, TimerHandle } from '../client/index.js';
import type { SimFaultModel } from '../runner/index.js';
import type { SimNetwork } from './network.js';

/** What a sim-only fault acts on. */
export interface SimFaultTarget {
  clock: Clock;
  /** Seeded; only the sim faults draw from it, so they do not shift other random choices. */
  random: Random;
  network: SimNetwork;
  clients: number;
}

/**
 * Starts a sim-only fault model with scaled attributes; returns the function that ends it.
 *
 * - `drops` (`mtbf` ms): each client's connection is reset after an exponentially distributed
 *   time with mean `mtbf` — the fleet as one Poisson process of rate clients / mtbf, each event
 *   hitting a uniformly chosen client (a client that is not connected then is spared).
 * - `latency` (`base`, `peak`, `period` ms): every frame sent gets `base + (peak - base) ·
 *   (1 - cos(2π·t / period)) / 2` ms of one-way latency, t counted from the fault's start in
 *   steps of period / 86,400 (a second of a day): the daily swing of a busy network.
 * - `outage` (`fraction`): a seeded choice of round(fraction · clients) clients loses its link:
 *   their connections are reset and new ones refused until the fault ends.
 */
export function startSimFault(
  model: SimFaultModel,
  attributes: Readonly<Record<string, number>>,
  target: SimFaultTarget,
): () => void {
  switch (model) {
    case 'drops':
      return startDrops(attributes.mtbf ?? 0, target);
    case 'latency':
      return startDiurnalLatency(
        attributes.base ?? 0,
        attributes.peak ?? 0,
        attributes.period ?? 86_400_000,
        target,
      );
    case 'outage':
      return startOutage(attributes.fraction ?? 0, target);
  }
}

function startDrops(mtbfMs: number, { clock, random, network, clients }: SimFaultTarget) {
  if (!(mtbfMs > 0) || clients === 0) return () => undefined;
  const meanGapMs = mtbfMs / clients;
  let timer: TimerHandle | undefined;
  const next = (): void => {
    // Exponential gap: -ln(1 - u) · mean, u in [0, 1).
    timer = clock.setTimeout(
      () => {
        network.drop(Math.floor(random() * clients));
        next();
      },
      -Math.log(1 - random()) * meanGapMs,
    );
  };
  next();
  return () => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
  };
}

/** Steps of the diurnal swing a period: a day's swing moves once a second. */
export const LATENCY_STEPS = 86_400;

function startDiurnalLatency(
  baseMs: number,
  peakMs: number,
  periodMs: number,
  { clock, network }: SimFaultTarget,
) {
  const startAt = clock.now();
  const swing = peakMs - baseMs;
  // Every frame and every played heartbeat asks (tens of millions a simulated day of a large
  // fleet): each step's latency is computed once.
  const byStep = new Float64Array(LATENCY_STEPS).fill(Number.NaN);
  return network.addLatency(
    (nowMs) => {
      const steps = Math.floor(((nowMs - startAt) / periodMs) * LATENCY_STEPS);
      // The step within its period (without `%`, a slow call for doubles); one played back in
      // time may fall before the start.
      const step = (steps - Math.floor(steps / LATENCY_STEPS) * LATENCY_STEPS) | 0;
      let ms = byStep[step]!;
      if (Number.isNaN(ms)) {
        ms = baseMs + (swing * (1 - Math.cos((2 * Math.PI * step) / LATENCY_STEPS))) / 2;
        byStep[step] = ms;
      }
      return ms;
    },
    Math.max(baseMs, peakMs),
  );
}

function startOutage(fraction: number, { random, network, clients }: SimFaultTarget) {
  const count = Math.round(fraction * clients);
  // A partial Fisher–Yates shuffle picks `count` distinct clients.
  const order = Array.from({ length: clients }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(random() * (clients - i));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const hit = order.slice(0, count).sort((a, b) => a - b);
  network.cut(hit);
  return () => network.restore(hit);
}
