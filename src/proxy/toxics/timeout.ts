import type { TimerHandle } from '../clock.js';
import {
  NO_LEFTOVERS,
  attribute,
  checkDurations,
  type DetachReason,
  type ToxicKind,
} from './toxic.js';

/**
 * `timeout`: stops all data (it is dropped) and closes the connection `timeout` ms later. As in
 * Toxiproxy 2.12 the countdown restarts whenever data arrives (and is dropped), so it closes
 * after `timeout` ms of silence. `timeout: 0` holds the connection open forever, dropping
 * data, until the toxic is removed; removing the toxic closes the connection (Toxiproxy's
 * `Cleanup`). A peer closing its side still closes the connection.
 */
export const timeout: ToxicKind = {
  type: 'timeout',
  defaults: { timeout: 0 },
  validate: (attributes) => checkDurations(attributes, ['timeout']),
  createStage: (attributes, context) => {
    const timeoutMs = attribute(attributes, 'timeout');
    let timer: TimerHandle | undefined;
    let closed = false;
    const dispose = (): void => {
      if (timer !== undefined) context.clock.clearTimeout(timer);
      timer = undefined;
    };
    const close = (): void => {
      if (closed) return;
      closed = true;
      dispose();
      context.emitEnd();
    };
    const arm = (): void => {
      if (timeoutMs <= 0 || closed) return;
      dispose();
      timer = context.clock.setTimeout(close, timeoutMs);
    };
    arm();
    return {
      write: (chunk) => {
        context.discard(chunk.data.length);
        arm();
      },
      end: close,
      detach: (reason: DetachReason) => {
        dispose();
        if (reason === 'update' || closed) return NO_LEFTOVERS;
        closed = true;
        return { chunks: [], ended: true };
      },
      dispose,
    };
  },
};
