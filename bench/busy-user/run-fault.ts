import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, createNodeTransport, type Client } from '../../src/client/node.js';
import { RestartableServer } from './alert-server.js';
import { FAULTS } from './fault-plan.js';
import { FaultProxy } from './fault-proxy.js';
import type { FaultName } from './flags.js';
import { ClientObserver, type StateEvent } from './observer.js';
import { Publisher } from './publisher.js';

const USER = 'busy-user';
/** Steady state before the fault, ms. */
const STEADY_MS = 5_000;
/** Longest wait for delivery to settle once publishing stops, ms. */
const SETTLE_MS = 10_000;
/** Longest wait for the first connection, ms. */
const FIRST_CONNECT_MS = 15_000;

/** What one fault did to one fresh setup. */
export interface RunResult {
  fault: FaultName;
  pass: number;
  /** Closes with 1008 the client saw. */
  policyCloses: number;
  /** alert_server_ws_disconnections_total{reason="flood"}, over every server app of the run. */
  serverFloodCloses: number;
  /** Alerts the server accepted (answered `{seq, id}`). */
  published: number;
  /** Posts that failed (the server was down): no alert exists for them. */
  publishFailures: number;
  /** Distinct published seqs delivered to the app. */
  delivered: number;
  /** Published seqs never delivered to the app. */
  lost: number;
  /** The first lost seqs, for a look in the server's history. */
  lostSeqs: number[];
  /** Alerts the app saw twice or more (by seq). */
  duplicated: number;
  /** Falls out of `connected`. */
  disconnects: number;
  /** Closes by code, as the client saw them. */
  closeCodes: Record<string, number>;
  /** Refused upgrades by HTTP status. */
  httpRefusals: Record<string, number>;
  /** Gap events the client reported. */
  gaps: number;
  /** Longest publication-to-delivery time seen, s. */
  maxLagS: number;
  /**
   * From the fault's end until the client was connected and held every alert published up to
   * then, s; null when that never happened before the record.
   */
  recoveryS: number | null;
  /**
   * From the fault's end to the client's last move into `connected`, s; null when it did not
   * reconnect after the fault ended. Differs from recoveryS when the client caught up and was
   * then dropped again (e.g. closed with 1008 for the acks of what it caught up on).
   */
  lastConnectS: number | null;
  /** Client state at the record. */
  finalState: string;
  /** Fault start, the call that ends it, and its end (that call answered), s from t0. */
  faultStartS: number;
  releaseS: number;
  faultEndS: number;
  /** The client's state changes, `atS` in s from t0 (t0: publishing started). */
  events: Array<Omit<StateEvent, 'atMs'> & { atS: number }>;
  /** Set when the run could not be carried out. */
  error?: string;
}

/** Waits until `check()` holds or `timeoutMs` passes; returns whether it held. */
async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() >= end) return false;
    await sleep(50);
  }
  return true;
}

const round = (ms: number): number => Math.round(ms / 100) / 10;

/**
 * One fresh setup (server, proxy, one client with library defaults), `fault` applied after
 * 5 s of steady state, `windowMs` of publishing after it ends, then up to 10 s to settle.
 */
export async function runFault(
  fault: FaultName,
  pass: number,
  windowMs: number,
): Promise<RunResult> {
  const plan = FAULTS[fault];
  const server = await RestartableServer.start(randomBytes(32).toString('hex'));
  let proxy: FaultProxy | undefined;
  let client: Client | undefined;
  let publisher: Publisher | undefined;
  try {
    proxy = await FaultProxy.start(server.upstream);
    client = createClient({
      url: proxy.clientUrl,
      userId: USER,
      getToken: () => server.token(USER),
      transport: createNodeTransport(),
    });
    const observer = new ClientObserver(client);
    client.connect();
    if (!(await waitFor(() => observer.state === 'connected', FIRST_CONNECT_MS))) {
      throw new Error(
        `client not connected after ${FIRST_CONNECT_MS} ms (state ${observer.state})`,
      );
    }
    publisher = new Publisher(
      server.httpUrl,
      await server.token('busy-publisher', 'publisher'),
      USER,
    );
    const t0 = performance.now();
    publisher.start();
    await sleep(STEADY_MS);

    const faultStart = performance.now();
    const release = await plan.inject({ server, proxy });
    await sleep(Math.max(0, faultStart + plan.durationMs - performance.now()));
    const releaseAt = performance.now();
    await release();
    const faultEnd = performance.now();
    observer.awaitCatchUp(publisher.published.map((p) => p.seq));

    await sleep(windowMs);
    await publisher.stop();
    const seqs = publisher.published.map((p) => p.seq);
    await waitFor(() => observer.holdsAll(seqs), SETTLE_MS);

    const lostSeqs = seqs.filter((seq) => !observer.delivered.has(seq)).sort((a, b) => a - b);
    return {
      fault,
      pass,
      policyCloses: observer.policyCloses,
      serverFloodCloses: await server.floodCloses(),
      published: seqs.length,
      publishFailures: publisher.failures,
      delivered: seqs.length - lostSeqs.length,
      lost: lostSeqs.length,
      lostSeqs: lostSeqs.slice(0, 20),
      duplicated: observer.duplicated,
      disconnects: observer.disconnects,
      closeCodes: Object.fromEntries(observer.closeCodes),
      httpRefusals: Object.fromEntries(observer.httpRefusals),
      gaps: observer.gaps,
      maxLagS: round(observer.maxLagMs),
      recoveryS:
        observer.caughtUpAtMs === undefined ? null : round(observer.caughtUpAtMs - faultEnd),
      lastConnectS:
        observer.lastConnectedAtMs === undefined || observer.lastConnectedAtMs < faultEnd
          ? null
          : round(observer.lastConnectedAtMs - faultEnd),
      finalState: client.state,
      faultStartS: round(faultStart - t0),
      releaseS: round(releaseAt - t0),
      faultEndS: round(faultEnd - t0),
      events: observer.events.map(({ atMs, ...rest }) => ({ atS: round(atMs - t0), ...rest })),
    };
  } finally {
    await publisher?.stop();
    client?.dispose();
    await proxy?.close();
    await server.close();
  }
}
