import { attribute, type StageFactory } from './stage.js';

/**
 * `latency`: every frame waits `latency` ± `jitter` ms (uniform, as the proxy draws it).
 * Order is kept: a frame never overtakes the one before it. The stream's end waits only for
 * the frames ahead of it.
 */
export const createLatencyStage: StageFactory = (attributes, context) => {
  const latencyMs = attribute(attributes, 'latency');
  const jitterMs = attribute(attributes, 'jitter');
  let lastExit = Number.NEGATIVE_INFINITY;
  return {
    pass(frame, atMs) {
      if (frame.kind === 'end') return Math.max(lastExit, atMs);
      const delay =
        jitterMs > 0
          ? latencyMs + Math.floor(context.random() * 2 * jitterMs) - jitterMs
          : latencyMs;
      lastExit = Math.max(lastExit, atMs + delay);
      return lastExit;
    },
    detach: () => false,
    pending: () => false,
    dispose: () => undefined,
  };
};
