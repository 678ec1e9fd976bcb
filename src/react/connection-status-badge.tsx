import { systemClock, type Clock } from '../client/index.js';
import { badgeModel, type BadgeInput } from './badge-model.js';
import { classNames } from './class-names.js';
import { useNow } from './use-now.js';

/** What the badge reads; `useAlertClient`'s view fits as is. */
export interface ConnectionStatusView extends BadgeInput {
  /** Called by the Reconnect button (Disconnected, Failed). */
  reconnect: () => void;
}

/** Props of {@link ConnectionStatusBadge}. */
export interface ConnectionStatusBadgeProps {
  /** The connection: pass `useAlertClient()`'s view, or the pieces. */
  view: ConnectionStatusView;
  /** Time source of the countdown. Default: the system clock. */
  clock?: Clock | undefined;
  /** How often the countdown is redrawn while reconnecting, ms. Default 250. */
  tickMs?: number | undefined;
  /** Extra class names on the badge. */
  className?: string | undefined;
}

/**
 * The connection's status at a glance, for a page header: Connected (green, the dot pulses
 * while live; `Connected · Poor` in amber when pongs are late), `Reconnecting · attempt n of
 * max` with `next retry in Xs` counting down (blue), Disconnected and Failed (red, with a
 * Reconnect button). A polite live region, so screen readers hear state changes.
 *
 * @example
 * const view = useAlertClient({ url, userId, getToken });
 * return <ConnectionStatusBadge view={view} />;
 */
export function ConnectionStatusBadge({
  view,
  clock = systemClock,
  tickMs = 250,
  className,
}: ConnectionStatusBadgeProps) {
  const counting = view.state === 'reconnecting' && view.nextRetryAt !== undefined;
  const now = useNow(clock, tickMs, counting);
  const model = badgeModel(view, now);
  return (
    <div
      role="status"
      aria-live="polite"
      className={classNames('sw-badge', `sw-badge--${model.tone}`, className)}
      data-state={view.state}
      data-tone={model.tone}
    >
      <span
        className={classNames('sw-badge__dot', model.pulse && 'sw-badge__dot--live')}
        aria-hidden="true"
      />
      <span className="sw-badge__text">
        <span className="sw-badge__label">{model.label}</span>
        {model.detail !== '' && (
          // A countdown redrawn every tick would be read out every tick: screen readers hear
          // the label (attempt n of max) change instead.
          <span className="sw-badge__detail" aria-hidden={counting ? 'true' : undefined}>
            {model.detail}
          </span>
        )}
      </span>
      {model.canReconnect && (
        <button type="button" className="sw-button sw-badge__reconnect" onClick={view.reconnect}>
          Reconnect
        </button>
      )}
    </div>
  );
}
