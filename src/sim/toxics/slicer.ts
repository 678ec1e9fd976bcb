import { attribute, type StageFactory } from './stage.js';

/**
 * `slicer`: the proxy cuts data into pieces of `average_size` ± `size_variation` bytes and waits
 * `delay` µs after each. Frames stay whole here (slicing is a TCP matter the receiver
 * reassembles); a frame arrives with its last piece, and the next frame starts after the wait.
 */
export const createSlicerStage: StageFactory = (attributes, context) => {
  const average = Math.max(1, attribute(attributes, 'average_size'));
  const variation = attribute(attributes, 'size_variation');
  const delayMs = attribute(attributes, 'delay') / 1000;
  let nextAt = Number.NEGATIVE_INFINITY;
  const pieces = (total: number): number => {
    let count = 0;
    let remaining = total;
    while (remaining > average + variation) {
      const jitter = Math.floor(context.random() * (2 * variation + 1)) - variation;
      remaining -= Math.max(1, average + jitter);
      count += 1;
    }
    return remaining > 0 ? count + 1 : count;
  };
  return {
    pass(frame, atMs) {
      const start = Math.max(atMs, nextAt);
      if (frame.kind === 'end') return start;
      const n = Math.max(1, pieces(frame.bytes));
      nextAt = start + n * delayMs;
      return start + (n - 1) * delayMs;
    },
    detach: () => false,
    pending: () => false,
    dispose: () => undefined,
  };
};
