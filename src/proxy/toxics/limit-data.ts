import { NO_LEFTOVERS, attribute, type ToxicKind } from './toxic.js';

/**
 * `limit_data`: lets `bytes` bytes through, then closes the connection. The count is kept per
 * connection and direction and survives updates of the toxic (Toxiproxy's stateful toxic).
 */
export const limitData: ToxicKind = {
  type: 'limit_data',
  defaults: { bytes: 0 },
  validate: (attributes) => {
    const bytes = attribute(attributes, 'bytes');
    return bytes < 0 ? `bytes must be >= 0, got ${bytes}` : undefined;
  },
  createStage: (attributes, context, state) => {
    const limit = attribute(attributes, 'bytes');
    let closed = false;
    return {
      write: (chunk) => {
        if (closed) {
          context.discard(chunk.data.length);
          return;
        }
        const sent = state.transmitted ?? 0;
        const allowed = Math.max(0, Math.min(chunk.data.length, limit - sent));
        if (allowed > 0) {
          state.transmitted = sent + allowed;
          context.emit(
            allowed === chunk.data.length
              ? chunk
              : { data: chunk.data.subarray(0, allowed), timestamp: chunk.timestamp },
          );
        }
        if (allowed < chunk.data.length) context.discard(chunk.data.length - allowed);
        if ((state.transmitted ?? 0) >= limit) {
          closed = true;
          context.emitEnd();
        }
      },
      end: () => {
        if (closed) return;
        closed = true;
        context.emitEnd();
      },
      detach: () => NO_LEFTOVERS,
      dispose: () => undefined,
    };
  },
};
