import type { TimerHandle } from '../../client/index.js';
import { attribute, DROPPED, type StageFactory } from './stage.js';

/**
 * `reset_peer`: the first frame (or FIN) arms it; `timeout` ms later the connection is reset on
 * both sides. Everything is dropped meanwhile. As in Toxiproxy, removing an armed toxic does
 * not cancel the pending reset.
 */
export const createResetPeerStage: StageFactory = (attributes, context) => {
  const timeoutMs = attribute(attributes, 'timeout');
  let timer: TimerHandle | undefined;
  let armed = false;
  return {
    pass() {
      if (!armed) {
        armed = true;
        timer = context.clock.setTimeout(() => {
          timer = undefined;
          context.reset();
        }, timeoutMs);
      }
      return DROPPED;
    },
    detach: () => false,
    pending: () => timer !== undefined,
    dispose() {
      if (timer !== undefined) context.clock.clearTimeout(timer);
      timer = undefined;
    },
  };
};
