import { describe, expect, it } from 'vitest';
import type { ClientStateName, TransitionReason } from '../../src/client/index.js';
import {
  addToast,
  decideToast,
  INITIAL_OUTAGE,
  liveToasts,
  nextExpiry,
  type OutageTracker,
  type Toast,
  type ToastContent,
  type ToastTransition,
} from '../../src/react/toast-model.js';

const T0 = 1_700_000_000_000;

function change(
  atS: number,
  to: ClientStateName,
  reason: TransitionReason,
  extra: Partial<ToastTransition> = {},
): ToastTransition {
  return { at: T0 + atS * 1000, to, reason, attempt: 0, ...extra };
}

/** Feeds the changes in order; returns the toasts decided (undefined where none). */
function run(
  changes: readonly ToastTransition[],
  start: OutageTracker = INITIAL_OUTAGE,
): Array<ToastContent | undefined> {
  let tracker = start;
  return changes.map((c) => {
    const decision = decideToast(tracker, c);
    tracker = decision.tracker;
    return decision.toast;
  });
}

const CONNECTED: ToastTransition[] = [
  change(0, 'connecting', 'connect'),
  change(0.1, 'connected', 'open'),
];

describe('decideToast', () => {
  it('says nothing while first connecting', () => {
    expect(run(CONNECTED)).toEqual([undefined, undefined]);
  });

  it('announces a lost connection once, then how long the outage lasted', () => {
    const toasts = run([
      ...CONNECTED,
      change(10, 'reconnecting', 'close', { closeCode: 1012, attempt: 1 }),
      change(11, 'connecting', 'retry', { attempt: 1 }),
      change(11.1, 'reconnecting', 'close', { closeCode: 1006, attempt: 2 }),
      change(13, 'connecting', 'retry', { attempt: 2 }),
      change(14.5, 'connected', 'open', { attempt: 2 }),
    ]);
    expect(toasts.slice(2)).toEqual([
      {
        kind: 'lost',
        title: 'Connection lost',
        detail: 'Server restarting (1012). Reconnecting…',
        canReconnect: false,
      },
      undefined,
      undefined,
      undefined,
      {
        kind: 'restored',
        title: 'Reconnected',
        detail: 'The outage lasted 4.5 s.',
        canReconnect: false,
      },
    ]);
  });

  it('offers Reconnect when the client gives up, and counts the time failed in the outage', () => {
    const toasts = run([
      ...CONNECTED,
      change(10, 'reconnecting', 'close', { closeCode: 1006, attempt: 1 }),
      change(17.5, 'failed', 'max-attempts', { attempt: 4 }),
      change(40, 'connecting', 'reconnect'),
      change(40.2, 'connected', 'open'),
    ]);
    expect(toasts[3]).toEqual({
      kind: 'failed',
      title: 'Connection failed',
      detail: 'Gave up after 4 attempts.',
      canReconnect: true,
    });
    expect(toasts[4]).toBeUndefined();
    expect(toasts[5]?.detail).toBe('The outage lasted 30 s.');
  });

  it('announces a failure even when the connection never came up', () => {
    const toasts = run([
      change(0, 'connecting', 'connect'),
      change(0.1, 'reconnecting', 'close', { closeCode: 1006, attempt: 1 }),
      change(8, 'failed', 'max-attempts', { attempt: 4 }),
      change(9, 'connecting', 'reconnect'),
      change(9.1, 'connected', 'open'),
    ]);
    expect(toasts.map((t) => t?.kind)).toEqual([
      undefined,
      undefined,
      'failed',
      undefined,
      undefined,
    ]);
  });

  it('announces nothing when the app disconnects, reconnects, or makes a new client', () => {
    expect(
      run([
        ...CONNECTED,
        change(5, 'disconnected', 'client'),
        change(6, 'connecting', 'connect'),
        change(6.1, 'connected', 'open'),
        change(7, 'connecting', 'reconnect'),
        change(7.1, 'connected', 'open'),
        // useAlertClient re-creates the client for another endpoint: its first change.
        change(8, 'connecting', 'connect'),
        change(8.1, 'connected', 'open'),
      ]),
    ).toEqual(new Array(9).fill(undefined));
  });

  // React may batch two client events into one render; the toast reads only the latest.
  it('still announces the loss when the reconnecting change was batched away', () => {
    const toasts = run([...CONNECTED, change(10, 'connecting', 'retry', { attempt: 1 })]);
    expect(toasts[2]?.kind).toBe('lost');
  });

  it('says a forbidden close will not come back by itself', () => {
    const [toast] = run([change(3, 'disconnected', 'forbidden', { closeCode: 4403 })], {
      state: 'connected',
      lostAt: undefined,
    });
    expect(toast).toEqual({
      kind: 'lost',
      title: 'Connection lost',
      detail: 'Forbidden by the server.',
      canReconnect: true,
    });
  });
});

function toast(id: number, kind: Toast['kind'], shownAtS: number): Toast {
  return { id, kind, title: kind, detail: '', canReconnect: false, shownAt: T0 + shownAtS * 1000 };
}

describe('the toast list', () => {
  it('drops what a newer toast makes stale and keeps at most max', () => {
    const lost = toast(1, 'lost', 0);
    const failed = toast(2, 'failed', 5);
    expect(addToast([lost], failed).map((t) => t.id)).toEqual([2]);
    expect(addToast([lost, failed], toast(3, 'restored', 9)).map((t) => t.id)).toEqual([3]);
    expect(addToast([toast(4, 'restored', 0)], toast(5, 'lost', 1)).map((t) => t.id)).toEqual([5]);
    const many = [toast(6, 'failed', 0)];
    expect(addToast(many, toast(7, 'lost', 1), 1).map((t) => t.id)).toEqual([7]);
  });

  it('expires each toast autoDismissMs after it appeared, or never with Infinity', () => {
    const list = [toast(1, 'lost', 0), toast(2, 'failed', 3)];
    expect(nextExpiry(list, 8000)).toBe(T0 + 8000);
    expect(liveToasts(list, T0 + 8000, 8000).map((t) => t.id)).toEqual([2]);
    expect(liveToasts(list, T0 + 11_000, 8000)).toEqual([]);
    expect(nextExpiry(list, Number.POSITIVE_INFINITY)).toBeUndefined();
    expect(liveToasts(list, T0 + 1e9, Number.POSITIVE_INFINITY)).toHaveLength(2);
    expect(nextExpiry([], 8000)).toBeUndefined();
  });
});
