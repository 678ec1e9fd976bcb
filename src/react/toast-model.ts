/**
 * Which connection toast a state change calls for, and how the toast list evolves. Pure: the
 * component feeds it the client's state changes and a clock, tests feed it scripted ones.
 */
import type { ClientStateName, StateChange, TransitionReason } from '../client/index.js';
import { formatDuration, plural } from './format.js';
import { describeCause } from './timeline-words.js';

/** `lost`: a live connection lost; `restored`: back after an outage; `failed`: gave up. */
export type ToastKind = 'lost' | 'restored' | 'failed';

/** What one toast says. */
export interface ToastContent {
  kind: ToastKind;
  title: string;
  /** May be ''. */
  detail: string;
  /** Offer a Reconnect button. */
  canReconnect: boolean;
}

/** A toast on screen. */
export interface Toast extends ToastContent {
  /** Unique within a list. */
  id: number;
  /** When it appeared, epoch ms. */
  shownAt: number;
}

/** What the decision remembers between state changes. */
export interface OutageTracker {
  /** The last state seen. */
  state: ClientStateName;
  /** When the live connection was lost, epoch ms; undefined while up or after an app close. */
  lostAt: number | undefined;
}

/** The tracker before any change: idle, nothing lost. */
export const INITIAL_OUTAGE: OutageTracker = { state: 'disconnected', lostAt: undefined };

/** A state change as the decision reads it. */
export type ToastTransition = Pick<StateChange, 'to' | 'at' | 'reason' | 'attempt'> &
  Partial<Pick<StateChange, 'closeCode' | 'httpStatus'>>;

// The app closed the connection on purpose: no outage, nothing to announce.
const APP_CLOSES: ReadonlySet<TransitionReason> = new Set(['client', 'disposed']);

function failedDetail(change: ToastTransition): string {
  if (change.reason === 'max-attempts')
    return `Gave up after ${plural(change.attempt, 'attempt')}.`;
  const cause = describeCause(change);
  return cause === '' ? 'Reconnecting stopped.' : `Reconnecting stopped: ${cause}.`;
}

function lostDetail(change: ToastTransition): string {
  const cause = describeCause(change);
  const sentence = cause === '' ? '' : `${cause[0]!.toUpperCase()}${cause.slice(1)}.`;
  return change.to === 'disconnected' ? sentence : `${sentence} Reconnecting…`.trimStart();
}

/**
 * Decides the toast for one state change. The previous state comes from the tracker (not
 * `change.from`), so a change React batched away cannot make an outage go unannounced:
 * - a live connection lost (not closed by the app) → `lost` (or `failed` if it gave up at once),
 *   and the outage starts;
 * - the client gives up → `failed`, with a Reconnect button; the outage goes on;
 * - connected again after an outage → `restored`, saying how long the outage lasted;
 * - `disconnect()` or `dispose()` → nothing, and the outage is forgotten.
 */
export function decideToast(
  tracker: OutageTracker,
  change: ToastTransition,
): { tracker: OutageTracker; toast: ToastContent | undefined } {
  const wasConnected = tracker.state === 'connected';
  if (change.to === 'connected') {
    const toast: ToastContent | undefined =
      tracker.lostAt === undefined || wasConnected
        ? undefined
        : {
            kind: 'restored',
            title: 'Reconnected',
            detail: `The outage lasted ${formatDuration(change.at - tracker.lostAt)}.`,
            canReconnect: false,
          };
    return { tracker: { state: 'connected', lostAt: undefined }, toast };
  }
  if (APP_CLOSES.has(change.reason)) {
    return { tracker: { state: change.to, lostAt: undefined }, toast: undefined };
  }
  // reconnect() on a live connection is the app's choice too, and `connect` after `connected`
  // means a new client (the hook re-creates it for another endpoint); from `failed` the outage
  // goes on.
  const lost = wasConnected && change.reason !== 'reconnect' && change.reason !== 'connect';
  const lostAt = lost ? change.at : wasConnected ? undefined : tracker.lostAt;
  const next: OutageTracker = { state: change.to, lostAt };
  if (change.to === 'failed' && tracker.state !== 'failed') {
    return {
      tracker: next,
      toast: {
        kind: 'failed',
        title: 'Connection failed',
        detail: failedDetail(change),
        canReconnect: true,
      },
    };
  }
  if (lost) {
    return {
      tracker: next,
      toast: {
        kind: 'lost',
        title: 'Connection lost',
        detail: lostDetail(change),
        canReconnect: change.to === 'disconnected',
      },
    };
  }
  return { tracker: next, toast: undefined };
}

/** Which older toasts a new one makes stale: being back outdates `lost` and `failed`. */
const SUPERSEDES: Readonly<Record<ToastKind, readonly ToastKind[]>> = {
  lost: ['lost', 'restored'],
  restored: ['lost', 'failed', 'restored'],
  failed: ['lost', 'failed', 'restored'],
};

/** Adds `toast` (newest last), drops the ones it makes stale, keeps at most `max`. */
export function addToast(list: readonly Toast[], toast: Toast, max = 3): Toast[] {
  const stale = SUPERSEDES[toast.kind];
  return [...list.filter((t) => !stale.includes(t.kind)), toast].slice(-Math.max(1, max));
}

/** Toasts still within `autoDismissMs` of appearing at `nowMs` (Infinity keeps them all). */
export function liveToasts(list: readonly Toast[], nowMs: number, autoDismissMs: number): Toast[] {
  return list.filter((t) => t.shownAt + autoDismissMs > nowMs);
}

/** When the next toast expires, epoch ms; undefined when none will. */
export function nextExpiry(list: readonly Toast[], autoDismissMs: number): number | undefined {
  if (list.length === 0 || !Number.isFinite(autoDismissMs)) return undefined;
  return Math.min(...list.map((t) => t.shownAt)) + autoDismissMs;
}
