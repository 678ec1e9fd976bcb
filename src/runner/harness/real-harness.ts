import { randomBytes } from 'node:crypto';
import type { Client } from '../../client/index.js';
import { createSeededRandom } from '../../client/index.js';
import { systemClock, type AlertInput, type Clock } from '../../protocol/index.js';
import { DEFAULT_REDIS_URL, signToken } from '../../server/index.js';
import { RunnerError, RunnerErrorCode } from '../errors.js';
import type { FleetRecorder } from '../measure/recorder.js';
import type { FaultStep, Scenario } from '../scenario/types.js';
import { ChildProcessServer, ExternalServer } from './child-server.js';
import { createFleet, reconnectStopped, userOf } from './fleet.js';
import { InProcessServer } from './in-process-server.js';
import { LinkCalibration, ownAwareRttMs } from './link-calibration.js';
import { ProxyFaults } from './proxy-faults.js';
import { memoryRunBroker, redisRunBroker } from './run-broker.js';
import { Publisher } from './publisher.js';
import type { ServerTarget } from './server-target.js';
import type { FaultHandle, Harness } from './types.js';

/** Where the real harness gets its parts. */
export interface RealHarnessOptions {
  /** Run the server as a child process with this shell command (`--server-cmd`). */
  serverCmd?: string | undefined;
  /** Use a running server (`--server-url`); needs STORMWATCH_JWT_SECRET. */
  serverUrl?: string | undefined;
  /** Use a real Toxiproxy at this API URL (`--toxiproxy`). */
  toxiproxyUrl?: string | undefined;
  /** Listen address of the run's proxy (`--proxy-listen`, default `127.0.0.1:0`). */
  proxyListen?: string | undefined;
  /** HS256 secret (default: STORMWATCH_JWT_SECRET, or a random one for servers we start). */
  secret?: string | undefined;
  /** Redis of scenarios with `config.server.broker: redis` (`--redis`; default local 6379). */
  redisUrl?: string | undefined;
}

/** Shortest resume wait of a scaled server, real ms: a loaded loop's round trip fits in it. */
const MIN_RESUME_WAIT_MS = 500;

/** Server options of the in-process server for a scenario, timings scaled. */
function inProcessServer(scenario: Scenario, secret: string, redisUrl: string): InProcessServer {
  const c = scenario.config;
  const historySize = c.server.historySize ?? 1000;
  const storage =
    c.server.broker === 'redis'
      ? redisRunBroker(redisUrl, historySize)
      : memoryRunBroker(historySize);
  const s = c.timeScale;
  const interval = (c.client.pingIntervalMs ?? 30_000) * s;
  const timeout = (c.client.pongTimeoutMs ?? 10_000) * s;
  return new InProcessServer(
    secret,
    {
      logger: false,
      // The health view, opened through the proxy, signs in with a demo token: loopback only.
      demoToken: true,
      defaultMetrics: false,
      historySize,
      heartbeat: { intervalMs: interval, timeoutMs: timeout },
      shutdownGraceMs: 5000 * s,
      limits: {
        connectsPerMinute: c.server.connectsPerMinute ?? 10,
        connectWindowMs: 60_000 * s,
        // The wait covers the hello → resume round trip, which scaling does not shrink: at 0.05
        // a loaded runner took longer than 50 ms, live alerts overtook the replay, and the
        // seq jumps they showed were reported as missed although the replay filled them.
        resumeWaitMs: Math.max(1000 * s, MIN_RESUME_WAIT_MS),
        // A client pings every interval; two missed intervals and a timeout mean it is gone.
        idleTimeoutMs: 2 * interval + timeout,
      },
    },
    storage,
  );
}

const CLOSES_LINE = /^alert_server_ws_closes_total\{code="([^"]+)"\} (\d+)$/gm;

/** `alert_server_ws_closes_total` by code from the server's /metrics; undefined if unreachable. */
async function scrapeCloses(httpUrl: string): Promise<Map<string, number> | undefined> {
  let text: string;
  try {
    const response = await fetch(`${httpUrl}/metrics`, { signal: AbortSignal.timeout(2000) });
    if (!response.ok) return undefined;
    text = await response.text();
  } catch {
    return undefined;
  }
  const closes = new Map<string, number>();
  for (const [, code, count] of text.matchAll(CLOSES_LINE)) closes.set(code!, Number(count));
  return closes;
}

/** Adds `closes` less what `baseline` had already counted. */
function addCloses(
  into: Map<string, number>,
  closes: Map<string, number>,
  baseline: Map<string, number>,
): void {
  for (const [code, count] of closes) {
    const added = count - (baseline.get(code) ?? 0);
    if (added > 0 || into.has(code)) into.set(code, (into.get(code) ?? 0) + Math.max(0, added));
  }
}

/**
 * The real harness: the alert server (in-process, child process or external), the fault proxy
 * (embedded or real Toxiproxy) in front of it, a publisher, and a fleet of real clients over
 * real sockets on loopback.
 */
export class RealHarness implements Harness {
  readonly clock: Clock = systemClock;
  readonly #server: ServerTarget;
  readonly #faults: ProxyFaults;
  readonly #publisher: Publisher;
  readonly #clients: Client[];
  #publisherToken: string | undefined;
  /** Closes by code counted by server instances already stopped. */
  readonly #closesBefore = new Map<string, number>();
  #calibration: LinkCalibration | undefined;
  #serverLoopP99Ms: number | undefined;
  /** What a server that was already running (`--server-url`) had counted before this run. */
  #closesAtStart = new Map<string, number>();

  private constructor(
    scenario: Scenario,
    server: ServerTarget,
    faults: ProxyFaults,
    recorder: FleetRecorder,
  ) {
    this.#server = server;
    this.#faults = faults;
    const config = scenario.config;
    const users = Array.from({ length: config.users }, (_, i) => userOf(i, config.users));
    this.#publisher = new Publisher({
      clock: this.clock,
      random: createSeededRandom(config.seed ^ 0x5eed),
      users,
      recorder,
      retryDelayMs: Math.max(20, 250 * config.timeScale),
      publish: (input, key) => this.#publish(input, key),
    });
    const ttlS = Math.max(1, Math.round((config.tokenTtlMs * config.timeScale) / 1000));
    this.#clients = createFleet({
      config,
      url: faults.clientUrl,
      clock: this.clock,
      recorder,
      getToken: (userId) => signToken({ sub: userId, expiresInS: ttlS }, server.secret),
    });
  }

  /** Starts the server and the proxy and builds the fleet (not yet connected). */
  static async start(
    scenario: Scenario,
    recorder: FleetRecorder,
    options: RealHarnessOptions = {},
  ): Promise<RealHarness> {
    const envSecret = process.env.STORMWATCH_JWT_SECRET;
    const secret =
      options.secret ?? (envSecret !== undefined && envSecret !== '' ? envSecret : undefined);
    const redisUrl = options.redisUrl ?? DEFAULT_REDIS_URL;
    let server: ServerTarget;
    if (options.serverUrl !== undefined) {
      if (secret === undefined) {
        throw new RunnerError(
          RunnerErrorCode.START_FAILED,
          '--server-url needs STORMWATCH_JWT_SECRET (the secret the server verifies tokens with)',
        );
      }
      server = new ExternalServer(options.serverUrl, secret);
    } else if (options.serverCmd !== undefined) {
      server = new ChildProcessServer(
        options.serverCmd,
        secret ?? randomBytes(32).toString('hex'),
        scenario.config.server.broker === 'redis' ? { STORMWATCH_BROKER: redisUrl } : {},
      );
    } else {
      server = inProcessServer(scenario, secret ?? randomBytes(32).toString('hex'), redisUrl);
    }
    await server.start();
    let faults: ProxyFaults;
    try {
      faults = await ProxyFaults.create(server.upstream, options.toxiproxyUrl, options.proxyListen);
    } catch (error) {
      await server.close();
      throw error;
    }
    const harness = new RealHarness(scenario, server, faults, recorder);
    harness.#closesAtStart = (await scrapeCloses(server.httpUrl)) ?? new Map<string, number>();
    const calibration = new LinkCalibration(server.httpUrl, harness.clock);
    harness.#calibration = calibration;
    calibration.start();
    const scale = scenario.config.timeScale;
    recorder.calibrateRtt((rttMs) => ownAwareRttMs(rttMs, calibration.ownRttMs(), scale));
    return harness;
  }

  /**
   * The health view seen through the fault proxy (so the page suffers the faults the fleet
   * does), when the server is the in-process one that issues demo tokens.
   */
  get pageUrl(): string | undefined {
    if (!(this.#server instanceof InProcessServer)) return undefined;
    return `${this.#faults.clientUrl.replace(/^ws/, 'http')}/`;
  }

  /** True when server.restart/stop/start can run. */
  get restartable(): boolean {
    return this.#server.restartable;
  }

  async #publish(input: AlertInput, idempotencyKey: string): Promise<{ id: string }> {
    this.#publisherToken ??= await signToken(
      { sub: 'stormwatch-publisher', role: 'publisher' },
      this.#server.secret,
    );
    const response = await fetch(`${this.#server.httpUrl}/api/alerts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.#publisherToken}`,
        'content-type': 'application/json',
        'idempotency-key': `"${idempotencyKey}"`,
      },
      body: JSON.stringify(input),
    });
    if (response.status === 401) this.#publisherToken = undefined;
    // 200: a retry the server had already stored; the answer is the original alert's.
    if (response.status !== 201 && response.status !== 200) {
      throw new Error(`publish refused with ${response.status}`);
    }
    return (await response.json()) as { id: string };
  }

  applyFault(step: FaultStep, attributes: Record<string, number>): Promise<FaultHandle> {
    return this.#faults.apply(step, attributes);
  }

  proxyDown(): Promise<FaultHandle> {
    return this.#faults.down();
  }

  resetFaults(): Promise<void> {
    return this.#faults.reset();
  }

  /** Toxics left on the proxy (0 after the rollbacks). */
  activeToxics(): Promise<number> {
    return this.#faults.activeToxics();
  }

  async serverLag(): Promise<{ loopP99Ms: number | undefined; restartMs: number | undefined }> {
    if (!(this.#server instanceof InProcessServer)) await this.#scrapeLoopLag();
    const starts = this.#server.startTimesMs ?? [];
    // The first start precedes the run; later ones are restarts the scenario asked for.
    const restarts = starts.slice(1);
    return {
      loopP99Ms: this.#serverLoopP99Ms,
      restartMs: restarts.length === 0 ? undefined : Math.max(...restarts),
    };
  }

  // The server process's own event-loop p99 (prom-client's default metric), the worst seen.
  async #scrapeLoopLag(): Promise<void> {
    try {
      const response = await fetch(`${this.#server.httpUrl}/metrics`, {
        signal: AbortSignal.timeout(2000),
      });
      if (!response.ok) return;
      const match = /^nodejs_eventloop_lag_p99_seconds (\S+)$/m.exec(await response.text());
      const p99Ms = Number(match?.[1]) * 1000;
      if (Number.isFinite(p99Ms)) {
        this.#serverLoopP99Ms = Math.max(this.#serverLoopP99Ms ?? 0, p99Ms);
      }
    } catch {
      // Down or without default metrics: nothing to add.
    }
  }

  async stopServer(graceful: boolean): Promise<void> {
    if (!(this.#server instanceof InProcessServer)) await this.#scrapeLoopLag();
    // A restarted server counts from zero: keep what this one counted (the in-process server
    // keeps its own count, closes of the restart included).
    const closes =
      this.#server.closes === undefined ? await scrapeCloses(this.#server.httpUrl) : undefined;
    if (closes !== undefined) addCloses(this.#closesBefore, closes, this.#closesAtStart);
    this.#closesAtStart = new Map();
    await this.#server.stop(graceful);
  }

  async serverCloses(): Promise<Record<string, number> | undefined> {
    if (this.#server.closes !== undefined) return this.#server.closes();
    const now = await scrapeCloses(this.#server.httpUrl);
    if (now === undefined && this.#closesBefore.size === 0) return undefined;
    const total = new Map(this.#closesBefore);
    if (now !== undefined) addCloses(total, now, this.#closesAtStart);
    return Object.fromEntries([...total.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  startServer(): Promise<void> {
    return this.#server.start();
  }

  startPublisher(ratePerSecond: number): void {
    this.#publisher.start(ratePerSecond);
  }

  stopPublisher(): Promise<void> {
    return this.#publisher.stop();
  }

  burst(count: number): Promise<void> {
    return this.#publisher.burst(count);
  }

  async revokeTokens(): Promise<void> {
    this.#publisherToken ??= await signToken(
      { sub: 'stormwatch-publisher', role: 'publisher' },
      this.#server.secret,
    );
    const response = await fetch(`${this.#server.httpUrl}/api/tokens/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.#publisherToken}` },
    });
    this.#publisherToken = undefined;
    if (!response.ok) {
      throw new RunnerError(
        RunnerErrorCode.SERVER_FAILED,
        `token revocation refused with ${response.status}`,
      );
    }
  }

  reconnectStopped(): number {
    return reconnectStopped(this.#clients);
  }

  connectFleet(): void {
    for (const client of this.#clients) client.connect();
  }

  /** The machine's own loopback round trip now (median of the latest), ms. */
  ownRttMs(): number {
    return this.#calibration?.ownRttMs() ?? 0;
  }

  async close(): Promise<void> {
    this.#calibration?.stop();
    await this.#publisher.stop();
    for (const client of this.#clients) client.dispose();
    await this.#faults.close();
    await this.#server.close();
  }
}
