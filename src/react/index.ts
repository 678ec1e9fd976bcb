/**
 * stormwatch/react — a React hook over the reconnecting client, the drop-in for a React
 * connection-health dashboard. React (18 or newer) is an optional peer dependency: only this
 * entry imports it.
 */
export { useAlertClient } from './use-alert-client.js';
export type { AlertClientView, BreachAlert, UseAlertClientOptions } from './use-alert-client.js';
export type {
  ClientOptions,
  ClientStats,
  ClientStateName,
  Quality,
  TimelineEntry,
  TokenProvider,
} from '../client/index.js';
