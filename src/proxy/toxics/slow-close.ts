import type { TimerHandle } from '../clock.js';
import {
  NO_LEFTOVERS,
  attribute,
  checkDurations,
  type DetachReason,
  type Leftovers,
  type ToxicKind,
} from './toxic.js';

/**
 * `slow_close`: passes data through but holds the end of the stream for `delay` ms, so the
 * peer sees the connection close late.
 */
export const slowClose: ToxicKind = {
  type: 'slow_close',
  defaults: { delay: 0 },
  validate: (attributes) => checkDurations(attributes, ['delay']),
  createStage: (attributes, context) => {
    const delayMs = attribute(attributes, 'delay');
    let timer: TimerHandle | undefined;
    let holding = false;
    const dispose = (): void => {
      if (timer !== undefined) context.clock.clearTimeout(timer);
      timer = undefined;
    };
    return {
      write: (chunk) => {
        if (!holding) context.emit(chunk);
      },
      end: () => {
        if (holding) return;
        holding = true;
        timer = context.clock.setTimeout(() => {
          timer = undefined;
          context.emitEnd();
        }, delayMs);
      },
      // Removing the toxic releases a held close at once.
      detach: (_reason: DetachReason): Leftovers => {
        const wasWaiting = timer !== undefined;
        dispose();
        return wasWaiting ? { chunks: [], ended: true } : NO_LEFTOVERS;
      },
      dispose,
    };
  },
};
