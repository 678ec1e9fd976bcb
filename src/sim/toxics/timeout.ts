import type { TimerHandle } from '../../client/index.js';
import { attribute, DROPPED, type StageFactory } from './stage.js';

/**
 * `timeout`: drops every frame and ends the stream after `timeout` ms of silence (the countdown
 * restarts when a frame is dropped, as in Toxiproxy 2.12). `timeout: 0` holds the connection
 * open and dead until the toxic is removed; removing it ends the stream (Toxiproxy's cleanup).
 * A peer's FIN still passes.
 */
export const createTimeoutStage: StageFactory = (attributes, context) => {
  const timeoutMs = attribute(attributes, 'timeout');
  let timer: TimerHandle | undefined;
  let closed = false;
  const dispose = (): void => {
    if (timer !== undefined) context.clock.clearTimeout(timer);
    timer = undefined;
  };
  const arm = (): void => {
    if (timeoutMs <= 0 || closed) return;
    dispose();
    timer = context.clock.setTimeout(() => {
      timer = undefined;
      closed = true;
      context.end();
    }, timeoutMs);
  };
  arm();
  return {
    pass(frame, atMs) {
      if (frame.kind === 'end') {
        closed = true;
        dispose();
        return atMs;
      }
      arm();
      return DROPPED;
    },
    detach() {
      dispose();
      if (closed) return false;
      closed = true;
      return true;
    },
    pending: () => timer !== undefined,
    dispose,
  };
};
