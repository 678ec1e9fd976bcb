import { attribute, type StageFactory } from './stage.js';

/**
 * `bandwidth`: `rate` KB/s (1 KB = 1000 bytes, so bytes per ms). A frame leaves once its bytes
 * have been transmitted after the frames before it; `rate: 0` is unthrottled.
 */
export const createBandwidthStage: StageFactory = (attributes) => {
  const bytesPerMs = attribute(attributes, 'rate');
  let busyUntil = Number.NEGATIVE_INFINITY;
  return {
    pass(frame, atMs) {
      if (bytesPerMs <= 0) return atMs;
      if (frame.kind === 'end') return Math.max(atMs, busyUntil);
      busyUntil = Math.max(atMs, busyUntil) + frame.bytes / bytesPerMs;
      return busyUntil;
    },
    detach: () => false,
    pending: () => false,
    dispose: () => undefined,
  };
};
