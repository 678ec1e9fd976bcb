import { attribute, DROPPED, type StageFactory } from './stage.js';

/**
 * `limit_data`: lets `bytes` bytes through, then ends the stream. A frame that would cross the
 * limit is cut short, which the receiver cannot use: it is dropped and the stream ends.
 */
export const createLimitDataStage: StageFactory = (attributes, context) => {
  const limit = attribute(attributes, 'bytes');
  let transmitted = 0;
  let closed = false;
  return {
    pass(frame, atMs) {
      if (frame.kind === 'end') return closed ? DROPPED : atMs;
      if (closed) return DROPPED;
      if (transmitted + frame.bytes <= limit) {
        transmitted += frame.bytes;
        if (transmitted >= limit) {
          closed = true;
          context.end();
        }
        return atMs;
      }
      transmitted = limit;
      closed = true;
      context.end();
      return DROPPED;
    },
    detach: () => false,
    pending: () => false,
    dispose: () => undefined,
  };
};
