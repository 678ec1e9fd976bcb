// What a run against a foreign target checks before it starts, and what it cannot measure.
import { userOf } from './fleet.js';
import { RunnerError, RunnerErrorCode } from '../errors.js';
import type { ScenarioTarget } from '../scenario/types.js';
import type { ThresholdMetric } from '../thresholds/catalog.js';
import { missingTemplateEnv } from './template-publish.js';
import { tokenProvider } from './token-source.js';

/**
 * Fails fast on a foreign target the run cannot use: options that only make sense for
 * stormwatch's server, a token source that gives nothing, a publish template naming unset
 * environment variables.
 */
export async function checkTarget(
  target: ScenarioTarget,
  options: { serverUrl?: string | undefined },
): Promise<void> {
  if (options.serverUrl !== undefined) {
    throw new RunnerError(
      RunnerErrorCode.START_FAILED,
      '--server-url is for a stormwatch server; a foreign target is given by --target (or config.target)',
    );
  }
  if (target.url.toLowerCase().startsWith('wss:')) {
    throw new RunnerError(
      RunnerErrorCode.START_FAILED,
      `target ${target.url}: the fault proxy forwards plain TCP and its address would not match a TLS certificate; point --target at the service's ws:// port (TLS terminated in front)`,
    );
  }
  if (target.token.kind === 'env' || target.token.kind === 'file' || target.token.kind === 'cmd') {
    // The first user's token, once, so a wrong command fails the run before it starts.
    await tokenProvider(target.token, '', 60)!(userOf(0, 1));
  }
  if (target.publish.kind === 'http') {
    const missing = missingTemplateEnv(target.publish);
    if (missing.length > 0) {
      throw new RunnerError(
        RunnerErrorCode.START_FAILED,
        `publish: the request template names ${missing.map((name) => `\${${name}}`).join(', ')}, not set in the environment`,
      );
    }
  }
}

/** Metrics that need published alerts. */
const DELIVERY_METRICS: ReadonlySet<ThresholdMetric> = new Set<ThresholdMetric>([
  'alert_latency_seconds',
  'catch_up_seconds',
  'alerts_lost',
  'alerts_duplicated',
  'alerts_missed',
  'alerts_published',
  'alerts_delivered',
]);

/** Why a run against `target` cannot measure `metric`; undefined when it can. */
export function targetNotMeasured(
  target: ScenarioTarget,
  metric: ThresholdMetric,
): string | undefined {
  if (DELIVERY_METRICS.has(metric) && target.publish.kind === 'none') {
    return 'publish: none (connection health only)';
  }
  if (
    target.profile.kind === 'socketio' &&
    (metric === 'pong_rtt_seconds' || metric === 'poor_transitions')
  ) {
    return 'Socket.IO has no client-initiated heartbeat: no round trip to time, no poor quality';
  }
  if (metric === 'alerts_missed' || metric === 'history_resets') {
    return `a ${target.profileName} service reports no ${metric === 'alerts_missed' ? 'missed alerts' : 'history epochs'}`;
  }
  return undefined;
}
