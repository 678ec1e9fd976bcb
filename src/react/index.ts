/**
 * stormwatch/react — a React hook over the reconnecting client and the components of a
 * connection-health dashboard built on it: a status badge, a collapsible health monitor and
 * opt-in toasts. Their look is `stormwatch-react.css` (next to this entry in `dist/react/`),
 * themeable through `--sw-*` custom properties. React (18 or newer) is an optional peer
 * dependency: only this entry imports it.
 */
export { useAlertClient } from './use-alert-client.js';
export type { AlertClientView, BreachAlert, UseAlertClientOptions } from './use-alert-client.js';

export { ConnectionStatusBadge } from './connection-status-badge.js';
export type {
  ConnectionStatusBadgeProps,
  ConnectionStatusView,
} from './connection-status-badge.js';
export { ConnectionHealthMonitor, DEFAULT_MONITOR_WINDOW_MS } from './connection-health-monitor.js';
export type {
  ConnectionHealthMonitorProps,
  HealthMonitorView,
} from './connection-health-monitor.js';
export { ConnectionToasts, DEFAULT_TOAST_MS } from './connection-toasts.js';
export type { ConnectionToastsProps, ToastsView } from './connection-toasts.js';

export { attemptText, badgeModel } from './badge-model.js';
export type { BadgeInput, BadgeModel, BadgeTone } from './badge-model.js';
export { addToast, decideToast, INITIAL_OUTAGE, liveToasts, nextExpiry } from './toast-model.js';
export type {
  OutageTracker,
  Toast,
  ToastContent,
  ToastKind,
  ToastTransition,
} from './toast-model.js';
export {
  describeCause,
  describeSegment,
  recentEvents,
  STRIP_STATE_WORDS,
} from './timeline-words.js';
export type { RecentEvent } from './timeline-words.js';
export {
  describeCloseCode,
  formatClockTime,
  formatCountdown,
  formatDuration,
  formatMs,
  formatPercent,
} from './format.js';
export { useNow } from './use-now.js';

export type {
  ClientOptions,
  ClientStats,
  ClientStateName,
  Clock,
  Quality,
  StateChange,
  StripSegment,
  StripState,
  TimelineEntry,
  TokenProvider,
} from '../client/index.js';
