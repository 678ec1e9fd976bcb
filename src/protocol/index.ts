/**
 * stormwatch wire protocol v1: message types, validation and close codes.
 * Browser-safe: no Node built-ins.
 */
export * from './clock.js';
export * from './queued-clock.js';
export * from './close-codes.js';
export * from './errors.js';
export * from './messages.js';
export {
  parseAlertInput,
  parseAlertUserId,
  parseClientMessage,
  parseServerMessage,
  MAX_SOURCE,
  MAX_TITLE,
  MAX_USER_ID,
} from './parse.js';
