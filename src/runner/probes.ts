import { compare } from './thresholds/parse.js';
import type { FleetRecorder } from './measure/recorder.js';
import type { ProbeResult } from './report/report.js';
import type { Probe, Tolerance } from './scenario/types.js';

/** Reads a probe's metric off the fleet now. */
export function readProbe(probe: Probe, recorder: FleetRecorder): number {
  const snapshot = recorder.snapshot();
  switch (probe.metric) {
    case 'alert_client_connected':
      return snapshot.byState.connected;
    case 'alert_client_poor':
      return snapshot.poor;
    case 'alert_client_polling':
      return snapshot.polling;
    case 'alert_client_reconnecting':
      return snapshot.byState.reconnecting + snapshot.byState.connecting;
    case 'alert_client_failed':
      return snapshot.byState.failed;
    case 'alert_client_disconnected':
      return snapshot.byState.disconnected;
    case 'alerts_lost':
      return recorder.undelivered();
  }
}

/** `== 50`, `between 1 and 5`. */
export function describeTolerance(t: Tolerance): string {
  return t.op === 'between' ? `between ${t.min} and ${t.max}` : `${t.op} ${t.value}`;
}

/** True when `value` is within the tolerance. */
export function withinTolerance(value: number, t: Tolerance): boolean {
  return t.op === 'between' ? value >= t.min && value <= t.max : compare(value, t.op, t.value);
}

/** Checks every probe now. */
export function checkProbes(probes: readonly Probe[], recorder: FleetRecorder): ProbeResult[] {
  return probes.map((probe) => {
    const actual = readProbe(probe, recorder);
    return {
      name: probe.name,
      metric: probe.metric,
      expected: describeTolerance(probe.tolerance),
      actual,
      met: withinTolerance(actual, probe.tolerance),
    };
  });
}
