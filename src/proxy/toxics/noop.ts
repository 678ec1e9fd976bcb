import { NO_LEFTOVERS, type ToxicKind } from './toxic.js';

/** `noop`: passes everything through unchanged. Also the stage a toxicity miss runs. */
export const noop: ToxicKind = {
  type: 'noop',
  defaults: {},
  validate: () => undefined,
  createStage: (_attributes, context) => ({
    write: (chunk) => context.emit(chunk),
    end: () => context.emitEnd(),
    detach: () => NO_LEFTOVERS,
    dispose: () => undefined,
  }),
};
