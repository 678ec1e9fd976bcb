import { attribute, type StageFactory } from './stage.js';

/** `slow_close`: frames pass; the stream's end is held for `delay` ms. */
export const createSlowCloseStage: StageFactory = (attributes) => {
  const delayMs = attribute(attributes, 'delay');
  return {
    pass: (frame, atMs) => (frame.kind === 'end' ? atMs + delayMs : atMs),
    detach: () => false,
    pending: () => false,
    dispose: () => undefined,
  };
};
