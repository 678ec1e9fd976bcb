/**
 * What the connection status badge says for a client state. Pure: the component renders it,
 * tests pin it.
 */
import type { ClientStateName, Quality, StateChange, TransportKind } from '../client/index.js';
import { formatCountdown, plural } from './format.js';

/** The badge's look: one per colour (connected green, poor amber, reconnecting blue, red). */
export type BadgeTone = 'connected' | 'poor' | 'reconnecting' | 'disconnected' | 'failed';

/** What the badge shows. */
export interface BadgeModel {
  tone: BadgeTone;
  /** First line: `Connected`, `Reconnecting · attempt 2 of 10`, `Failed`… */
  label: string;
  /** Second line: the countdown to the next retry, why the connection ended…; may be ''. */
  detail: string;
  /** The live dot pulses (CSS; off under `prefers-reduced-motion`). */
  pulse: boolean;
  /** A Reconnect button is offered. */
  canReconnect: boolean;
}

/** What the badge is computed from: the pieces of `useAlertClient`'s view it reads. */
export interface BadgeInput {
  state: ClientStateName;
  quality?: Quality | undefined;
  /** Retry number of the current or last attempt. */
  attempt: number;
  /** The retry count of the backoff; Infinity when the client never gives up. */
  maxAttempts: number;
  /** While reconnecting: when the next attempt starts, epoch ms. */
  nextRetryAt?: number | undefined;
  /** The latest state change, for why a connection ended. */
  lastChange?: StateChange | undefined;
  /** `polling` while the connection runs on the long-polling fallback. */
  transport?: TransportKind | undefined;
}

/**
 * `attempt 3 of 10` within the count; the give-up budget is time, so a client whose jittered
 * delays fell short may try more often before it gives up: then just `attempt 12`.
 */
export function attemptText(attempt: number, maxAttempts: number): string {
  return Number.isFinite(maxAttempts) && attempt <= maxAttempts
    ? `attempt ${attempt} of ${maxAttempts}`
    : `attempt ${attempt}`;
}

function endedBecause(change: StateChange | undefined): string {
  switch (change?.reason) {
    case undefined:
    case 'initial':
      return '';
    case 'client':
    case 'disposed':
      return 'Closed by this page';
    case 'offline':
      return 'This device is offline; reconnects when back online';
    case 'forbidden':
      return 'The server refused this user (forbidden)';
    case 'max-attempts':
      return `Gave up after ${plural(change.attempt, 'attempt')}`;
    case 'auth':
      return 'The token was refused twice';
    case 'token-error':
      return 'No token could be obtained';
    default:
      return '';
  }
}

/**
 * The badge for `input` at clock time `nowMs` (epoch ms, for the countdown): Connected (with a
 * Poor variant), Connecting, `Reconnecting · attempt n of max` with `next retry in Xs`,
 * Disconnected and Failed (both with a Reconnect button).
 */
export function badgeModel(input: BadgeInput, nowMs: number): BadgeModel {
  const { state, attempt, maxAttempts } = input;
  switch (state) {
    case 'connected':
      return input.quality === 'poor'
        ? {
            tone: 'poor',
            label: 'Connected · Poor',
            detail: 'Pongs are late; alerts may be delayed',
            pulse: false,
            canReconnect: false,
          }
        : {
            tone: 'connected',
            label: 'Connected',
            detail: input.transport === 'polling' ? 'Live · via long polling' : 'Live',
            pulse: true,
            canReconnect: false,
          };
    case 'connecting':
    case 'reconnecting': {
      if (state === 'connecting' && attempt === 0) {
        return {
          tone: 'reconnecting',
          label: 'Connecting…',
          detail: '',
          pulse: false,
          canReconnect: false,
        };
      }
      const waitMs =
        state === 'reconnecting' && input.nextRetryAt !== undefined ? input.nextRetryAt - nowMs : 0;
      return {
        tone: 'reconnecting',
        label: `Reconnecting · ${attemptText(attempt, maxAttempts)}`,
        detail: waitMs > 0 ? `next retry in ${formatCountdown(waitMs)}` : 'trying now',
        pulse: false,
        canReconnect: false,
      };
    }
    case 'disconnected':
      return {
        tone: 'disconnected',
        label: 'Disconnected',
        detail: endedBecause(input.lastChange),
        pulse: false,
        canReconnect: true,
      };
    case 'failed':
      return {
        tone: 'failed',
        label: 'Failed',
        detail: endedBecause(input.lastChange) || 'Reconnecting stopped',
        pulse: false,
        canReconnect: true,
      };
  }
}
