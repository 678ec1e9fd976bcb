import type { TransportKind, ClientStateName, Quality, StateChange } from '../client/index.js';
import { describeCloseCode, formatDuration } from './format.js';

/** Colour family of a status; the page never shows it without text and an icon shape. */
export type Tone = 'ok' | 'warn' | 'info' | 'bad' | 'neutral';

/** What the status badge shows. */
export interface BadgeModel {
  tone: Tone;
  /** A shape that tells the states apart without colour. */
  icon: string;
  label: string;
  /** Second line: attempt number and countdown, why the connection ended… */
  detail: string;
  /** Connected: the dot pulses (unless the user prefers reduced motion). */
  pulse: boolean;
  /** Disconnected or failed: the Reconnect button is offered. */
  canReconnect: boolean;
}

/** What the badge is computed from. */
export interface BadgeInput {
  state: ClientStateName;
  quality: Quality | undefined;
  attempt: number;
  /** The retry budget; Infinity when the client never gives up. */
  maxAttempts: number;
  /** The last state change, for delays and close codes. */
  change: StateChange | undefined;
  /** Clock time, epoch ms, for the countdown to the next attempt. */
  now: number;
  /** `polling` while the connection runs on the long-polling fallback. */
  transport?: TransportKind | undefined;
}

// "attempt 3 of 10" while within the spec's count; the budget is time, so a client with short
// jittered delays may try more often before it gives up: then just "attempt 12".
function attemptText(attempt: number, maxAttempts: number): string {
  return Number.isFinite(maxAttempts) && attempt <= maxAttempts
    ? `attempt ${attempt} of ${maxAttempts}`
    : `attempt ${attempt}`;
}

function endedBecause(change: StateChange | undefined): string {
  if (change === undefined) return '';
  switch (change.reason) {
    case 'client':
    case 'disposed':
      return 'Closed by this page.';
    case 'offline':
      return 'This device is offline; the page reconnects when it is back online.';
    case 'forbidden':
      return 'The server refused this user (forbidden); check the token.';
    case 'max-attempts':
      return `Gave up after ${change.attempt} reconnect attempt${change.attempt === 1 ? '' : 's'}.`;
    case 'auth':
      return 'The token was refused twice.';
    case 'token-error':
      return 'No token could be obtained.';
    default:
      return change.closeCode === undefined ? '' : `Ended: ${describeCloseCode(change.closeCode)}.`;
  }
}

/**
 * The status badge for a client state: Connected (green, pulsing), Poor connection (yellow),
 * Connecting… / Reconnecting… with the attempt number and countdown (blue), Disconnected and
 * Failed (red) with a Reconnect button.
 */
export function badgeModel(input: BadgeInput): BadgeModel {
  const { state, attempt, maxAttempts, change, now } = input;
  switch (state) {
    case 'connected':
      return input.quality === 'poor'
        ? {
            tone: 'warn',
            icon: '▲',
            label: 'Poor connection',
            detail: 'Pongs are late; alerts may be delayed.',
            pulse: false,
            canReconnect: false,
          }
        : {
            tone: 'ok',
            icon: '●',
            label: 'Connected',
            detail:
              input.transport === 'polling'
                ? 'Receiving alerts live by long polling (WebSocket is blocked on the way).'
                : 'Receiving alerts live.',
            pulse: true,
            canReconnect: false,
          };
    case 'reconnecting': {
      const dueAt =
        change?.to === 'reconnecting' && change.delayMs !== undefined
          ? change.at + change.delayMs
          : undefined;
      const wait =
        dueAt === undefined ? '' : ` · next try in ${formatDuration(Math.max(0, dueAt - now))}`;
      return {
        tone: 'info',
        icon: '↻',
        label: 'Reconnecting…',
        detail: `${attemptText(attempt, maxAttempts)}${wait}`,
        pulse: false,
        canReconnect: false,
      };
    }
    case 'connecting':
      return attempt === 0
        ? {
            tone: 'info',
            icon: '↻',
            label: 'Connecting…',
            detail: 'Opening the alert channel.',
            pulse: false,
            canReconnect: false,
          }
        : {
            tone: 'info',
            icon: '↻',
            label: 'Reconnecting…',
            detail: `${attemptText(attempt, maxAttempts)} · trying now`,
            pulse: false,
            canReconnect: false,
          };
    case 'failed':
      return {
        tone: 'bad',
        icon: '✕',
        label: 'Failed',
        detail: endedBecause(change) || 'Reconnecting stopped.',
        pulse: false,
        canReconnect: true,
      };
    case 'disconnected':
      return {
        tone: 'bad',
        icon: '■',
        label: 'Disconnected',
        detail: endedBecause(change) || 'Not connected.',
        pulse: false,
        canReconnect: true,
      };
  }
}

/**
 * The sentence announced to screen readers for a state change, or undefined when the change
 * is not worth interrupting for (a retry starting while already reconnecting).
 */
export function announcement(change: StateChange, maxAttempts: number): string | undefined {
  switch (change.to) {
    case 'connected':
      return 'Connected. Receiving alerts live.';
    case 'reconnecting':
      return `Connection lost. Reconnecting, ${attemptText(change.attempt, maxAttempts)}.`;
    case 'connecting':
      return change.reason === 'retry' ? undefined : 'Connecting.';
    case 'failed':
      return 'Connection failed. Use the Reconnect button to try again.';
    case 'disconnected':
      return change.reason === 'initial'
        ? undefined
        : 'Disconnected. Use the Reconnect button to connect.';
  }
}
