import { useId, useState } from 'react';
import {
  systemClock,
  timelineStrip,
  type Clock,
  type ClientStats,
  type TimelineEntry,
} from '../client/index.js';
import { classNames } from './class-names.js';
import { formatClockTime, formatDuration, formatMs, formatPercent, plural } from './format.js';
import { describeSegment, recentEvents } from './timeline-words.js';

/** Default window of the strip: 24 hours. */
export const DEFAULT_MONITOR_WINDOW_MS = 24 * 60 * 60 * 1000;

/** What the monitor reads; `useAlertClient`'s view fits as is. */
export interface HealthMonitorView {
  /** Health over the stats window; `stats.to` is the time the strip ends at. */
  stats: ClientStats | undefined;
  /** The client's timeline, oldest first. */
  timeline: readonly TimelineEntry[];
  /** Round-trip time of the latest pong, ms. */
  lastPongRttMs?: number | undefined;
}

/** Props of {@link ConnectionHealthMonitor}. */
export interface ConnectionHealthMonitorProps {
  /** The connection: pass `useAlertClient()`'s view, or the pieces. */
  view: HealthMonitorView;
  /** Length of the strip's window, ms. Default 24 h. */
  windowMs?: number | undefined;
  /** Start expanded. Default false. */
  defaultOpen?: boolean | undefined;
  /** How many recent events to list. Default 10. */
  recentCount?: number | undefined;
  /** Heading of the panel. Default `Connection health`. */
  title?: string | undefined;
  /** Time source when `view.stats` is missing. Default: the system clock. */
  clock?: Clock | undefined;
  /** Extra class names on the panel. */
  className?: string | undefined;
}

function summaryOf(stats: ClientStats | undefined): string {
  if (stats === undefined) return 'No data yet';
  return `Uptime ${formatPercent(stats.uptimeRatio)} · ${plural(stats.disconnections, 'disconnection')}`;
}

interface StatProps {
  id: string;
  label: string;
  value: string;
  hint?: string | undefined;
}

function Stat({ id, label, value, hint }: StatProps) {
  return (
    <div className="sw-stat" data-stat={id}>
      <dt className="sw-stat__label">{label}</dt>
      <dd className="sw-stat__value">
        {value}
        {hint !== undefined && <span className="sw-stat__hint">{hint}</span>}
      </dd>
    </div>
  );
}

function StatsList({
  stats,
  lastPongRttMs,
}: {
  stats: ClientStats | undefined;
  lastPongRttMs: number | undefined;
}) {
  const rtt = stats?.pongRttMs ?? null;
  return (
    <dl className="sw-stats">
      <Stat
        id="uptime"
        label="Uptime"
        value={formatPercent(stats?.uptimeRatio ?? null)}
        hint={
          stats === undefined || stats.observedMs === 0
            ? undefined
            : `of ${formatDuration(stats.observedMs)} observed`
        }
      />
      <Stat id="downtime" label="Downtime" value={formatDuration(stats?.downtimeMs ?? 0)} />
      <Stat
        id="success-rate"
        label="Connection success"
        value={formatPercent(stats?.successRate ?? null)}
        hint={
          stats === undefined || stats.attempts === 0
            ? undefined
            : `${stats.successfulAttempts} of ${plural(stats.attempts, 'attempt')}`
        }
      />
      <Stat id="avg-reconnect" label="Avg reconnect" value={formatMs(stats?.reconnectMs?.avg)} />
      <Stat
        id="failed-attempts"
        label="Failed attempts"
        value={String(stats?.failedAttempts ?? 0)}
      />
      <Stat id="disconnections" label="Disconnections" value={String(stats?.disconnections ?? 0)} />
      <Stat
        id="pong-rtt"
        label="Pong RTT"
        value={formatMs(lastPongRttMs ?? rtt?.p50)}
        hint={rtt === null ? undefined : `p50 ${formatMs(rtt.p50)} · p95 ${formatMs(rtt.p95)}`}
      />
    </dl>
  );
}

function Strip({
  timeline,
  nowMs,
  windowMs,
}: {
  timeline: readonly TimelineEntry[];
  nowMs: number;
  windowMs: number;
}) {
  const segments = timelineStrip(timeline, nowMs, windowMs);
  const span = formatDuration(windowMs);
  return (
    <div className="sw-strip">
      <ol className="sw-strip__bar" aria-label={`Connection states over the last ${span}`}>
        {segments.map((segment) => {
          const text = describeSegment(segment, nowMs);
          return (
            <li
              key={segment.from}
              className={`sw-strip__segment sw-strip__segment--${segment.state}`}
              // Proportional to its duration; CSS keeps a minimum width so a blip stays visible.
              style={{ flexGrow: segment.to - segment.from }}
              data-state={segment.state}
              title={text}
            >
              <span className="sw-visually-hidden">{text}</span>
            </li>
          );
        })}
      </ol>
      <div className="sw-strip__axis" aria-hidden="true">
        <span>{span} ago</span>
        <span>now</span>
      </div>
    </div>
  );
}

function RecentEvents({ timeline, count }: { timeline: readonly TimelineEntry[]; count: number }) {
  const events = recentEvents(timeline, count);
  if (events.length === 0) return <p className="sw-monitor__empty">No events yet.</p>;
  return (
    <ol className="sw-events">
      {events.map((event) => (
        <li key={event.key} className={`sw-event sw-event--${event.tone}`} data-tone={event.tone}>
          <time className="sw-event__time" dateTime={new Date(event.at).toISOString()}>
            {formatClockTime(event.at)}
          </time>
          <span className="sw-event__label">{event.label}</span>
          {event.detail !== '' && <span className="sw-event__detail">{event.detail}</span>}
        </li>
      ))}
    </ol>
  );
}

/**
 * A collapsible connection-health panel: a strip of the last `windowMs` (default 24 h)
 * coloured by state, with the state, from–to, duration, attempts and cause of each stretch on
 * hover; uptime, downtime, connection success rate, average reconnect time, failed attempts,
 * disconnections and pong RTT; and the last events in words, newest first. Collapsed, its
 * header still shows uptime and disconnections. It redraws when the view does
 * (`useAlertClient` refreshes every `statsIntervalMs`).
 *
 * @example
 * <ConnectionHealthMonitor view={view} windowMs={2 * 60_000} defaultOpen />
 */
export function ConnectionHealthMonitor({
  view,
  windowMs = DEFAULT_MONITOR_WINDOW_MS,
  defaultOpen = false,
  recentCount = 10,
  title = 'Connection health',
  clock = systemClock,
  className,
}: ConnectionHealthMonitorProps) {
  const [open, setOpen] = useState(defaultOpen);
  const bodyId = useId();
  const { stats, timeline } = view;
  const nowMs = stats?.to ?? clock.now();
  return (
    <section
      className={classNames('sw-monitor', open && 'sw-monitor--open', className)}
      aria-label={title}
    >
      <h2 className="sw-monitor__heading">
        <button
          type="button"
          className="sw-monitor__toggle"
          aria-expanded={open}
          aria-controls={bodyId}
          onClick={() => setOpen((isOpen) => !isOpen)}
        >
          <span className="sw-monitor__chevron" aria-hidden="true" />
          <span className="sw-monitor__title">{title}</span>
          <span className="sw-monitor__summary">{summaryOf(stats)}</span>
        </button>
      </h2>
      <div id={bodyId} className="sw-monitor__body" hidden={!open}>
        {open && (
          <>
            <h3 className="sw-monitor__subheading">Last {formatDuration(windowMs)}</h3>
            <Strip timeline={timeline} nowMs={nowMs} windowMs={windowMs} />
            <h3 className="sw-monitor__subheading">
              Statistics
              {stats !== undefined && (
                <span className="sw-monitor__window"> · last {formatDuration(stats.windowMs)}</span>
              )}
            </h3>
            <StatsList stats={stats} lastPongRttMs={view.lastPongRttMs} />
            <h3 className="sw-monitor__subheading">Recent events</h3>
            <RecentEvents timeline={timeline} count={recentCount} />
          </>
        )}
      </div>
    </section>
  );
}
