import type { TimerHandle } from '../clock.js';
import { NO_LEFTOVERS, attribute, checkDurations, type ToxicKind } from './toxic.js';

/**
 * `reset_peer`: simulates "connection reset by peer". The first data (or close) to reach the
 * toxic arms it; `timeout` ms later both sockets are reset (RST, linger 0). Data is dropped from
 * then on. As in Toxiproxy, removing an armed toxic does not cancel the pending reset.
 */
export const resetPeer: ToxicKind = {
  type: 'reset_peer',
  defaults: { timeout: 0 },
  validate: (attributes) => checkDurations(attributes, ['timeout']),
  createStage: (attributes, context) => {
    const timeoutMs = attribute(attributes, 'timeout');
    let timer: TimerHandle | undefined;
    let armed = false;
    const arm = (): void => {
      if (armed) return;
      armed = true;
      timer = context.clock.setTimeout(() => {
        timer = undefined;
        context.reset();
      }, timeoutMs);
    };
    return {
      write: (chunk) => {
        context.discard(chunk.data.length);
        arm();
      },
      end: arm,
      detach: () => NO_LEFTOVERS,
      dispose: () => {
        if (timer !== undefined) context.clock.clearTimeout(timer);
        timer = undefined;
      },
    };
  },
};
