/**
 * k6 load on the alert channel: virtual users hold WebSocket connections to
 * `/ws/breach-alerts/:userId`, ping every second (pong RTT as a Trend), publish alerts to
 * themselves through `POST /api/alerts` and count what arrives (received, duplicated, lost),
 * judged by the same targets as the scenario library (pong p95 < 100 ms, ≥ 95 % connections
 * succeed, 0 alerts lost or duplicated).
 *
 *   k6 run scenarios/k6/alert-channel.ts                       # against 127.0.0.1:8080
 *   STORMWATCH_URL=http://host:8080 STORMWATCH_JWT_SECRET=… VUS=200 DURATION=5m k6 run …
 *
 * Self-contained on purpose (no local imports): k6 runs TypeScript directly, and the file
 * type-checks both with scenarios/k6/tsconfig.json and with the repository's tsconfig.
 */
import { check } from 'k6';
import crypto from 'k6/crypto';
import encoding from 'k6/encoding';
import exec from 'k6/execution';
import http from 'k6/http';
import { Counter, Rate, Trend } from 'k6/metrics';
import type { Options } from 'k6/options';
import { clearInterval, setInterval, setTimeout } from 'k6/timers';
import { WebSocket } from 'k6/websockets';

const BASE_URL = (__ENV.STORMWATCH_URL ?? 'http://127.0.0.1:8080').replace(/\/$/, '');
const WS_URL = BASE_URL.replace(/^http/, 'ws');
const SECRET = __ENV.STORMWATCH_JWT_SECRET ?? 'stormwatch-demo-secret-change-me';
const VUS = Number(__ENV.VUS ?? '20');
const DURATION = __ENV.DURATION ?? '1m';
/** How long each iteration holds its connection, ms. */
const HOLD_MS = Number(__ENV.HOLD_MS ?? '20000');
/** Application ping interval, ms (the scenario library uses 5–30 s; 1 s gives more samples). */
const PING_MS = Number(__ENV.PING_MS ?? '1000');
/** Shortest time between two cumulative acks, ms (the client library's default). */
const ACK_MS = 250;
/** Alerts each connection publishes to its own user while it holds. */
const ALERTS_PER_CONNECTION = Number(__ENV.ALERTS_PER_CONNECTION ?? '5');
/** Where handleSummary writes its JSON; `stdout` prints it. */
const SUMMARY_PATH = __ENV.K6_SUMMARY_PATH ?? 'k6-summary.json';

/** Ping → pong round trip, ms. */
const pongRtt = new Trend('pong_rtt', true);
/** Publish → delivered on this socket, ms. */
const alertLatency = new Trend('alert_latency', true);
const alertsReceived = new Counter('alerts_received');
const alertsDuplicated = new Counter('alerts_duplicated');
/** Published (201) to this connection's user but not delivered before it closed. */
const alertsLost = new Counter('alerts_lost');
/** Whether a WebSocket upgrade succeeded (the channel's reconnect-success analogue). */
const connectSuccess = new Rate('ws_connect_success');

export const options: Options = {
  scenarios: {
    // Long-lived connections: the steady state every Grafana viewer watches.
    holders: {
      executor: 'constant-vus',
      vus: VUS,
      duration: DURATION,
      gracefulStop: `${Math.ceil(HOLD_MS / 1000) + 5}s`,
    },
  },
  // The scenario library's targets (scenarios/steady.yaml, mixed-chaos.yaml).
  thresholds: {
    pong_rtt: ['p(95)<100'],
    ws_connect_success: ['rate>0.95'],
    alerts_lost: ['count==0'],
    alerts_duplicated: ['count==0'],
    alerts_received: ['count>0'],
  },
};

/** Signs an HS256 JWT the alert server accepts (`sub`, `role`, `exp`). */
function signToken(sub: string, role: 'user' | 'publisher', ttlS = 3600): string {
  const part = (value: object) => encoding.b64encode(JSON.stringify(value), 'rawurl');
  const head = part({ alg: 'HS256', typ: 'JWT' });
  const body = part({ sub, role, exp: Math.floor(Date.now() / 1000) + ttlS });
  const signature = crypto.hmac('sha256', SECRET, `${head}.${body}`, 'base64rawurl');
  return `${head}.${body}.${signature}`;
}

/** The server → client frames this script reads (wire protocol v1). */
type ServerFrame =
  | { type: 'hello'; connectionId: string }
  | { type: 'pong'; id: string }
  | { type: 'breach_alert'; seq: number; id: string; publishedAt: string }
  | { type: 'error'; code: string; message: string }
  | { type: 'resumed' };

const publisherToken = signToken('k6-publisher', 'publisher');

export default function (): void {
  // One user per VU (idInTest is unique across k6-operator pods too): the per-user connection
  // rate limit (10/min) stays out of the way.
  const user = `k6-${exec.vu.idInTest}`;
  const ws = new WebSocket(`${WS_URL}/ws/breach-alerts/${user}`, null, {
    headers: { Authorization: `Bearer ${signToken(user, 'user')}` },
  });
  const pings = new Map<string, number>();
  const seen = new Set<number>();
  const published = new Set<string>();
  const delivered = new Set<string>();
  let opened = false;
  let nextPing = 0;
  // Acks are cumulative (every alert up to seq): one per ACK_MS covers what arrived since, as
  // the stormwatch client coalesces them.
  let ackPoint = 0;
  let ackedPoint = 0;

  ws.onopen = () => {
    opened = true;
    connectSuccess.add(true);
    const pinger = setInterval(() => {
      const id = `${__VU}-${__ITER}-${nextPing++}`;
      pings.set(id, Date.now());
      ws.send(JSON.stringify({ type: 'ping', id }));
    }, PING_MS);
    const acker = setInterval(() => {
      if (ackPoint === ackedPoint) return;
      ackedPoint = ackPoint;
      ws.send(JSON.stringify({ type: 'ack', seq: ackPoint }));
    }, ACK_MS);
    const spacingMs = HOLD_MS / (ALERTS_PER_CONNECTION + 1);
    for (let i = 1; i <= ALERTS_PER_CONNECTION; i++) {
      setTimeout(() => publish(user, published), i * spacingMs);
    }
    setTimeout(() => {
      clearInterval(pinger);
      clearInterval(acker);
      // Give alerts published last a moment to arrive before counting them lost.
      setTimeout(() => {
        let lost = 0;
        for (const id of published) if (!delivered.has(id)) lost += 1;
        alertsLost.add(lost);
        ws.close();
      }, 1000);
    }, HOLD_MS);
  };

  ws.onmessage = (event) => {
    if (event === undefined || typeof event.data !== 'string') return;
    const frame = JSON.parse(event.data) as ServerFrame;
    if (frame.type === 'pong') {
      const sentAt = pings.get(frame.id);
      if (sentAt !== undefined) {
        pongRtt.add(Date.now() - sentAt);
        pings.delete(frame.id);
      }
    } else if (frame.type === 'breach_alert') {
      if (seen.has(frame.seq)) {
        alertsDuplicated.add(1);
        return;
      }
      seen.add(frame.seq);
      delivered.add(frame.id);
      alertsReceived.add(1);
      alertLatency.add(Date.now() - Date.parse(frame.publishedAt));
      // Only a gap-free run may be claimed; the server's seqs are gap-free per user, and this
      // connection (no resume) starts at whatever seq the user had reached.
      if (ackPoint === 0) ackPoint = frame.seq - 1;
      while (seen.has(ackPoint + 1)) ackPoint += 1;
    }
  };

  ws.onerror = () => {
    if (!opened) connectSuccess.add(false);
  };
}

/** Publishes one alert to `user` and remembers its id once the server accepted it. */
function publish(user: string, published: Set<string>): void {
  http
    .asyncRequest(
      'POST',
      `${BASE_URL}/api/alerts`,
      JSON.stringify({ userId: user, severity: 'HIGH', title: 'k6 load alert', source: 'k6' }),
      {
        headers: {
          authorization: `Bearer ${publisherToken}`,
          'content-type': 'application/json',
        },
      },
    )
    .then(
      (res) => {
        const ok = check(res, { 'alert accepted (201)': (r) => r.status === 201 });
        const body =
          ok && typeof res.body === 'string' ? (JSON.parse(res.body) as { id: string }) : undefined;
        if (body !== undefined) published.add(body.id);
      },
      () => check(null, { 'alert accepted (201)': () => false }),
    );
}

/** The parts of k6's end-of-test summary this script prints. */
interface SummaryData {
  metrics: Record<string, { values: Record<string, number> } | undefined>;
}

/** Writes the whole summary as JSON and prints the SLO numbers. */
export function handleSummary(data: SummaryData): Record<string, string> {
  const value = (metric: string, stat: string) => data.metrics[metric]?.values[stat] ?? NaN;
  const lines = [
    `pong_rtt p95            ${value('pong_rtt', 'p(95)').toFixed(1)} ms (target < 100)`,
    `ws_connect_success      ${(value('ws_connect_success', 'rate') * 100).toFixed(2)} % (target > 95)`,
    `alerts received         ${value('alerts_received', 'count')}`,
    `alerts lost/duplicated  ${value('alerts_lost', 'count')} / ${value('alerts_duplicated', 'count')} (target 0)`,
  ];
  const json = JSON.stringify(data, null, 2);
  return SUMMARY_PATH === 'stdout'
    ? { stdout: `${lines.join('\n')}\n${json}\n` }
    : { stdout: `${lines.join('\n')}\n`, [SUMMARY_PATH]: json };
}
