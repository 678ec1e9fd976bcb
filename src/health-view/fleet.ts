import { CLIENT_STATES, type ClientStateName } from '../client/index.js';

/** A threshold as judged so far by the runner. */
export interface FleetThreshold {
  metric: string;
  threshold: string;
  window: string;
  /** Measured so far; null without data yet. */
  actual: number | null;
  passed: boolean;
}

/**
 * One message of the runner's live feed (`stormwatch run --feed-port`), as the page reads it.
 * The runner writes it (src/runner/live-feed.ts); the page validates it, as any input.
 */
export interface FleetSnapshot {
  runId: string;
  scenario: string;
  phase: string;
  elapsedSeconds: number;
  clients: { total: number; byState: Record<ClientStateName, number>; poor: number };
  activeFaults: string[];
  alerts: { published: number; delivered: number };
  thresholds: FleetThreshold[];
  /** The run's verdict once it ended; null while it runs. */
  verdict: string | null;
}

type Result<T> = { ok: true; value: T } | { ok: false; error: string };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function count(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

/**
 * Validates one feed message (already JSON-decoded). Errors name the field, what was expected
 * and what arrived.
 */
export function parseFleetSnapshot(value: unknown): Result<FleetSnapshot> {
  const fail = (field: string, expected: string, got: unknown): Result<FleetSnapshot> => ({
    ok: false,
    error: `${field}: expected ${expected}, got ${JSON.stringify(got) ?? String(got)}`.slice(
      0,
      200,
    ),
  });
  if (!isObject(value)) return fail('snapshot', 'an object', value);
  if (value.version !== 1) return fail('version', '1', value.version);
  for (const key of ['runId', 'scenario', 'phase'] as const) {
    if (typeof value[key] !== 'string') return fail(key, 'a string', value[key]);
  }
  if (!count(value.elapsedSeconds))
    return fail('elapsedSeconds', 'a number >= 0', value.elapsedSeconds);
  const clients = value.clients;
  if (!isObject(clients)) return fail('clients', 'an object', clients);
  if (!count(clients.total)) return fail('clients.total', 'a count', clients.total);
  if (!count(clients.poor)) return fail('clients.poor', 'a count', clients.poor);
  const byStateRaw = clients.byState;
  if (!isObject(byStateRaw)) return fail('clients.byState', 'an object', byStateRaw);
  const byState = {} as Record<ClientStateName, number>;
  for (const state of CLIENT_STATES) {
    const n = byStateRaw[state] ?? 0;
    if (!count(n)) return fail(`clients.byState.${state}`, 'a count', n);
    byState[state] = n;
  }
  const faults = value.activeFaults;
  if (!Array.isArray(faults) || !faults.every((f) => typeof f === 'string')) {
    return fail('activeFaults', 'an array of strings', faults);
  }
  const alerts = value.alerts;
  if (!isObject(alerts) || !count(alerts.published) || !count(alerts.delivered)) {
    return fail('alerts', '{published, delivered} counts', alerts);
  }
  if (!Array.isArray(value.thresholds)) return fail('thresholds', 'an array', value.thresholds);
  const thresholds: FleetThreshold[] = [];
  for (const [i, t] of value.thresholds.entries()) {
    if (
      !isObject(t) ||
      typeof t.metric !== 'string' ||
      typeof t.threshold !== 'string' ||
      typeof t.window !== 'string' ||
      typeof t.passed !== 'boolean' ||
      !(t.actual === null || (typeof t.actual === 'number' && Number.isFinite(t.actual)))
    ) {
      return fail(`thresholds[${i}]`, '{metric, threshold, window, actual, passed}', t);
    }
    thresholds.push({
      metric: t.metric,
      threshold: t.threshold,
      window: t.window,
      actual: t.actual,
      passed: t.passed,
    });
  }
  const verdict = value.verdict ?? null;
  if (verdict !== null && typeof verdict !== 'string')
    return fail('verdict', 'a string or null', verdict);
  return {
    ok: true,
    value: {
      runId: value.runId as string,
      scenario: value.scenario as string,
      phase: value.phase as string,
      elapsedSeconds: value.elapsedSeconds,
      clients: { total: clients.total, byState, poor: clients.poor },
      activeFaults: faults,
      alerts: { published: alerts.published, delivered: alerts.delivered },
      thresholds,
      verdict,
    },
  };
}

/** One bar of the clients-by-state chart. */
export interface FleetStateRow {
  state: ClientStateName | 'poor';
  label: string;
  icon: string;
  tone: 'ok' | 'warn' | 'info' | 'bad';
  count: number;
  /** Share of the fleet in [0, 1]. */
  share: number;
}

const STATE_LOOK: Record<FleetStateRow['state'], Pick<FleetStateRow, 'label' | 'icon' | 'tone'>> = {
  connected: { label: 'Connected (good)', icon: '●', tone: 'ok' },
  poor: { label: 'Connected (poor)', icon: '▲', tone: 'warn' },
  connecting: { label: 'Connecting', icon: '↻', tone: 'info' },
  reconnecting: { label: 'Reconnecting', icon: '↻', tone: 'info' },
  disconnected: { label: 'Disconnected', icon: '■', tone: 'bad' },
  failed: { label: 'Failed', icon: '✕', tone: 'bad' },
};

/** The clients-by-state rows: connected split into good and poor, then the other states. */
export function fleetStateRows(snapshot: FleetSnapshot): FleetStateRow[] {
  const { total, byState, poor } = snapshot.clients;
  const counts: Array<[FleetStateRow['state'], number]> = [
    ['connected', Math.max(0, byState.connected - poor)],
    ['poor', poor],
    ['connecting', byState.connecting],
    ['reconnecting', byState.reconnecting],
    ['disconnected', byState.disconnected],
    ['failed', byState.failed],
  ];
  return counts.map(([state, n]) => ({
    state,
    ...STATE_LOOK[state],
    count: n,
    share: total > 0 ? n / total : 0,
  }));
}

/** `1.23` → `1.23`, large and tiny values kept readable; null → `no data`. */
export function formatActual(actual: number | null): string {
  if (actual === null) return 'no data';
  if (Number.isInteger(actual)) return String(actual);
  return String(Number(actual.toPrecision(4)));
}
