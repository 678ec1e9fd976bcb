import { useCallback, useEffect, useRef, useState } from 'react';
import { systemClock, type Clock, type StateChange } from '../client/index.js';
import { classNames } from './class-names.js';
import {
  addToast,
  decideToast,
  INITIAL_OUTAGE,
  liveToasts,
  nextExpiry,
  type OutageTracker,
  type Toast,
} from './toast-model.js';

/** Default time a toast stays up, ms. */
export const DEFAULT_TOAST_MS = 8000;

/** What the toasts read; `useAlertClient`'s view fits as is. */
export interface ToastsView {
  /** The latest state change; each new one is weighed once. */
  lastChange: StateChange | undefined;
  /** Called by a toast's Reconnect button. */
  reconnect: () => void;
}

/** Props of {@link ConnectionToasts}. */
export interface ConnectionToastsProps {
  /** The connection: pass `useAlertClient()`'s view, or the pieces. */
  view: ToastsView;
  /** A toast disappears this long after it appeared, ms; Infinity keeps it. Default 8000. */
  autoDismissMs?: number | undefined;
  /** At most this many toasts at once (the oldest go first). Default 3. */
  max?: number | undefined;
  /** Time source of the auto-dismissal. Default: the system clock. */
  clock?: Clock | undefined;
  /** Extra class names on the toast stack. */
  className?: string | undefined;
}

/**
 * Opt-in toasts for the moments a user should notice: the connection was lost, it is back
 * (and how long the outage lasted), or the client gave up (with a Reconnect button). Closing
 * the connection from the app announces nothing. Each toast has a dismiss button and goes by
 * itself after `autoDismissMs`; the stack is a polite live region.
 *
 * @example
 * <ConnectionToasts view={view} autoDismissMs={5000} />
 */
export function ConnectionToasts({
  view,
  autoDismissMs = DEFAULT_TOAST_MS,
  max = 3,
  clock = systemClock,
  className,
}: ConnectionToastsProps) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const tracker = useRef<OutageTracker>(INITIAL_OUTAGE);
  const weighed = useRef<StateChange | undefined>(undefined);
  const nextId = useRef(1);
  const { lastChange, reconnect } = view;

  useEffect(() => {
    // StrictMode runs effects twice: a change already weighed is not announced again.
    if (lastChange === undefined || lastChange === weighed.current) return;
    weighed.current = lastChange;
    const decision = decideToast(tracker.current, lastChange);
    tracker.current = decision.tracker;
    const content = decision.toast;
    if (content === undefined) return;
    const toast: Toast = { ...content, id: nextId.current++, shownAt: clock.now() };
    setToasts((list) => addToast(list, toast, max));
  }, [lastChange, clock, max]);

  useEffect(() => {
    const dueAt = nextExpiry(toasts, autoDismissMs);
    if (dueAt === undefined) return undefined;
    const handle = clock.setTimeout(
      () =>
        setToasts((list) => {
          const live = liveToasts(list, clock.now(), autoDismissMs);
          return live.length === list.length ? list : live;
        }),
      Math.max(0, dueAt - clock.now()),
    );
    return () => clock.clearTimeout(handle);
  }, [toasts, autoDismissMs, clock]);

  const dismiss = useCallback((id: number) => {
    setToasts((list) => list.filter((toast) => toast.id !== id));
  }, []);

  return (
    <div
      className={classNames('sw-toasts', className)}
      role="region"
      aria-label="Connection notifications"
      aria-live="polite"
    >
      {toasts.map((toast) => (
        <div key={toast.id} className={`sw-toast sw-toast--${toast.kind}`} data-kind={toast.kind}>
          <div className="sw-toast__body">
            <p className="sw-toast__title">{toast.title}</p>
            {toast.detail !== '' && <p className="sw-toast__detail">{toast.detail}</p>}
          </div>
          {toast.canReconnect && (
            <button
              type="button"
              className="sw-button sw-toast__reconnect"
              onClick={() => {
                dismiss(toast.id);
                reconnect();
              }}
            >
              Reconnect
            </button>
          )}
          <button
            type="button"
            className="sw-toast__dismiss"
            aria-label={`Dismiss: ${toast.title}`}
            onClick={() => dismiss(toast.id)}
          >
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
