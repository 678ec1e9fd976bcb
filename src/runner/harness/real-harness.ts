import { randomBytes } from 'node:crypto';
import type { Client } from '../../client/index.js';
import { ClientErrorCode, createSeededRandom } from '../../client/index.js';
import { systemClock, type AlertInput, type Clock } from '../../protocol/index.js';
import { createToxiproxyServer, type ToxiproxyServer } from '../../proxy/index.js';
import { signToken } from '../../server/index.js';
import { RunnerError, RunnerErrorCode } from '../errors.js';
import type { FleetRecorder } from '../measure/recorder.js';
import type { ThresholdMetric } from '../thresholds/catalog.js';
import type { FaultStep, FaultTarget, Scenario, ScenarioTarget } from '../scenario/types.js';
import { createFleet, reconnectStopped, userOf } from './fleet.js';
import { InProcessServer } from './in-process-server.js';
import { Instance } from './instance.js';
import { LinkCalibration, ownAwareRttMs } from './link-calibration.js';
import { PROXY_NAME, ProxyFaults } from './proxy-faults.js';
import { ProxyProcess } from './proxy-process.js';
import { RemoteFleet } from './remote-fleet.js';
import { RunRedis } from './run-redis.js';
import { defaultWorkers, listenOf, proxyShards, serversOf } from './topology.js';
import { targetPath } from './foreign-server.js';
import { checkTarget, targetNotMeasured } from './foreign-target.js';
import { Publisher, type PublishFn } from './publisher.js';
import { createTemplatePublish } from './template-publish.js';
import { tokenProvider } from './token-source.js';
import type { FaultHandle, Harness, RedisAction } from './types.js';

/** Where the real harness gets its parts. */
export interface RealHarnessOptions {
  /** Run the server as a child process with this shell command (`--server-cmd`). */
  serverCmd?: string | undefined;
  /** Use a running server (`--server-url`); needs STORMWATCH_JWT_SECRET. */
  serverUrl?: string | undefined;
  /** Use a real Toxiproxy at this API URL (`--toxiproxy`). */
  toxiproxyUrl?: string | undefined;
  /**
   * Listen address of the run's proxy (`--proxy-listen`, default `127.0.0.1:0`); with several
   * instances and a fixed port, instance K listens on port + K - 1.
   */
  proxyListen?: string | undefined;
  /** HS256 secret (default: STORMWATCH_JWT_SECRET, or a random one for servers we start). */
  secret?: string | undefined;
  /** A Redis to use instead of starting one (`--redis`). */
  redisUrl?: string | undefined;
  /**
   * Worker processes the fleet is spread over (`--workers`); 0 keeps every client in this
   * process. Default: `defaultWorkers` (topology.ts).
   */
  workers?: number | undefined;
}

/** The clients of a run, in this process or in workers. */
interface Fleet {
  connect(): void;
  reconnectStopped(): number;
  /** Workers' event-loop p99, ms (a fleet in the runner is the runner's own measure). */
  loopP99Ms?(): Promise<number | undefined>;
  close(): Promise<void>;
}

/** Every client in this process. */
function localFleet(clients: Client[]): Fleet {
  return {
    connect: () => {
      for (const client of clients) client.connect();
    },
    reconnectStopped: () => reconnectStopped(clients),
    close: () => {
      for (const client of clients) client.dispose();
      return Promise.resolve();
    },
  };
}

/** The user the health view's demo tokens are for (the server's default). */
const DEMO_USER = 'demo';

/**
 * The real harness: the alert server instances (one in-process, one child process, one
 * external, or a topology of several `stormwatch serve` processes on Redis), a fault proxy in
 * front of each (embedded or real Toxiproxy), the run's Redis behind a proxy of its own, a
 * publisher, and a fleet of real clients over real sockets on loopback, each given every
 * instance's address (starting instance spread evenly; failover rotates).
 */
export class RealHarness implements Harness {
  readonly clock: Clock = systemClock;
  readonly #instances: Instance[];
  readonly #redis: RunRedis | undefined;
  readonly #embedded: ToxiproxyServer | undefined;
  readonly #secret: string;
  readonly #proxyProcesses: ProxyProcess[];
  readonly #publisher: Publisher;
  #fleet: Fleet | undefined;
  #publisherToken: string | undefined;
  #calibration: LinkCalibration | undefined;
  readonly #fatalListeners: Array<(error: Error) => void> = [];
  /** A foreign service under test, when the run is not against stormwatch's server. */
  readonly #target: ScenarioTarget | undefined;
  /** Round robin of publishes over the instances that are up. */
  #nextInstance = 0;
  /** `redis.*` steps: present when the run owns its Redis. */
  readonly redis?: (action: RedisAction) => Promise<void>;

  private constructor(
    scenario: Scenario,
    parts: {
      instances: Instance[];
      redis: RunRedis | undefined;
      embedded: ToxiproxyServer | undefined;
      secret: string;
      proxyProcesses: ProxyProcess[];
    },
    recorder: FleetRecorder,
  ) {
    this.#instances = parts.instances;
    this.#redis = parts.redis;
    this.#embedded = parts.embedded;
    this.#secret = parts.secret;
    this.#proxyProcesses = parts.proxyProcesses;
    this.#target = scenario.config.target;
    const redis = parts.redis;
    if (redis?.owned === true) this.redis = (action) => redis.control(action);
    const config = scenario.config;
    const users = Array.from({ length: config.users }, (_, i) => userOf(i, config.users));
    // The health view served through the proxy signs in as the demo user: it gets its share
    // of alerts, so the page shows them while the faults play. No client of the fleet is that
    // user, so nothing is expected of it in the figures.
    if (parts.instances[0]?.server instanceof InProcessServer) users.push(DEMO_USER);
    this.#publisher = new Publisher({
      clock: this.clock,
      random: createSeededRandom(config.seed ^ 0x5eed),
      users,
      recorder,
      retryDelayMs: Math.max(20, 250 * config.timeScale),
      publish: this.#publishFunction(config.target),
    });
  }

  /** How this run publishes: stormwatch's API, a foreign service's template, or not at all. */
  #publishFunction(target: ScenarioTarget | undefined): PublishFn {
    if (target === undefined || target.publish.kind === 'stormwatch') {
      return (input, key) => this.#publish(input, key);
    }
    const publish = target.publish;
    if (publish.kind === 'none') {
      return () =>
        Promise.reject(new Error('publish: none (this run measures connection health only)'));
    }
    return createTemplatePublish({
      template: publish,
      origin: () => this.#pickInstance().server.httpUrl,
      publisherToken: () => this.#token(),
    });
  }

  onFatal(listener: (error: Error) => void): void {
    this.#fatalListeners.push(listener);
  }

  #fatal(error: Error): void {
    for (const listener of this.#fatalListeners) listener(error);
  }

  notMeasured(metric: ThresholdMetric): string | undefined {
    return this.#target === undefined ? undefined : targetNotMeasured(this.#target, metric);
  }

  /** True when the run publishes alerts (not `publish: none`). */
  get publishes(): boolean {
    return this.#target?.publish.kind !== 'none';
  }

  /** Builds the fleet (not yet connected): here, or over `workers` processes. */
  async #buildFleet(scenario: Scenario, recorder: FleetRecorder, workers: number): Promise<void> {
    const config = scenario.config;
    const ttlS = Math.max(1, Math.round((config.tokenTtlMs * config.timeScale) / 1000));
    const target = this.#target;
    const urls = this.#instances.map((instance) =>
      target === undefined
        ? instance.clientUrls
        : instance.clientUrls.map((url) => url + targetPath(target.url)),
    );
    const attach = recorder.attach.bind(recorder);
    if (target !== undefined) {
      // A foreign target's clients stay in this process: their token source (a command, a
      // file) and profile are the runner's.
      const watch = (index: number, userId: string, client: Client): void => {
        attach(index, userId, client);
        client.on('error', (error) => {
          if (error.code === ClientErrorCode.PROFILE_MISMATCH) {
            this.#fatal(
              new RunnerError(
                RunnerErrorCode.SERVER_FAILED,
                `${target.url} does not speak profile ${target.profileName}: ${error.message}`,
              ),
            );
          }
        });
      };
      this.#fleet = localFleet(
        createFleet({
          config,
          urls,
          clock: this.clock,
          attach: watch,
          getToken: tokenProvider(target.token, this.#secret, ttlS),
          profile: target.profile,
        }),
      );
      return;
    }
    if (workers > 0) {
      this.#fleet = await RemoteFleet.start({
        config,
        urls,
        secret: this.#secret,
        ttlS,
        workers,
        attach,
      });
      return;
    }
    const secret = this.#secret;
    this.#fleet = localFleet(
      createFleet({
        config,
        urls,
        clock: this.clock,
        attach,
        getToken: (userId) => signToken({ sub: userId, expiresInS: ttlS }, secret),
      }),
    );
  }

  /** Starts Redis, the servers and the proxies and builds the fleet (not yet connected). */
  static async start(
    scenario: Scenario,
    recorder: FleetRecorder,
    options: RealHarnessOptions = {},
  ): Promise<RealHarness> {
    const envSecret = process.env.STORMWATCH_JWT_SECRET;
    const given =
      options.secret ?? (envSecret !== undefined && envSecret !== '' ? envSecret : undefined);
    const topology = scenario.config.topology;
    if (topology.instances > 1 && (options.serverUrl ?? options.serverCmd) !== undefined) {
      throw new RunnerError(
        RunnerErrorCode.START_FAILED,
        `config.topology.instances: ${topology.instances} starts its own instances: drop --server-url and --server-cmd`,
      );
    }
    const target = scenario.config.target;
    if (target !== undefined) await checkTarget(target, options);
    if (options.serverUrl !== undefined && given === undefined) {
      throw new RunnerError(
        RunnerErrorCode.START_FAILED,
        '--server-url needs STORMWATCH_JWT_SECRET (the secret the server verifies tokens with)',
      );
    }
    const secret = given ?? randomBytes(32).toString('hex');
    // Everything started so far, stopped in reverse if a later part fails.
    const undo: Array<() => Promise<void>> = [];
    const unwind = async () => {
      for (const step of undo.reverse()) await step().catch(() => undefined);
    };
    try {
      // One embedded proxy for every link of the run; the Redis link always uses it (the
      // servers are local), the clients' links use --toxiproxy when given.
      const embedded = createToxiproxyServer();
      const localApi = (await embedded.listen({ host: '127.0.0.1', port: 0 })).url;
      undo.push(() => embedded.close());
      const { shards: shardCount, separate } = proxyShards(scenario, options);
      const proxyProcesses: ProxyProcess[] = [];
      let redis: RunRedis | undefined;
      if (topology.broker === 'redis' && options.serverUrl === undefined) {
        // A large fleet's Redis traffic gets a proxy process too: the runner's loop is busy
        // with the fleet's events.
        let redisApi = localApi;
        if (separate) {
          const proxy = await ProxyProcess.start();
          undo.push(() => proxy.close());
          proxyProcesses.push(proxy);
          redisApi = proxy.apiUrl;
        }
        redis = await RunRedis.start({
          url: options.redisUrl,
          persist: topology.persist,
          toxiproxyUrl: redisApi,
        });
        const started = redis;
        undo.push(() => started.close());
      }
      const servers = serversOf(scenario, options, secret, redis);
      for (const server of servers) undo.push(() => server.close());
      await Promise.all(servers.map((server) => server.start()));
      const instances: Instance[] = [];
      for (const [i, server] of servers.entries()) {
        const shards: ProxyFaults[] = [];
        for (let s = 0; s < shardCount; s++) {
          let api = options.toxiproxyUrl ?? localApi;
          if (separate) {
            const proxy = await ProxyProcess.start();
            undo.push(() => proxy.close());
            proxyProcesses.push(proxy);
            api = proxy.apiUrl;
          }
          const faults = await ProxyFaults.create(server.upstream, {
            toxiproxyUrl: api,
            listen: listenOf(options.proxyListen, i + 1),
            name: i === 0 ? PROXY_NAME : `${PROXY_NAME}-${i + 1}`,
          });
          undo.push(() => faults.close());
          shards.push(faults);
        }
        const instance = new Instance(i + 1, server, shards);
        await instance.started();
        instances.push(instance);
      }
      const harness = new RealHarness(
        scenario,
        { instances, redis, embedded, secret, proxyProcesses },
        recorder,
      );
      undo.push(() => harness.#fleet?.close() ?? Promise.resolve());
      await harness.#buildFleet(
        scenario,
        recorder,
        options.workers ?? defaultWorkers(scenario.config),
      );
      // The machine's own round trip is measured on stormwatch's /healthz; a foreign service
      // has none to offer, so its round trips are taken as measured.
      if (target === undefined) {
        const calibration = new LinkCalibration(instances[0]!.server.httpUrl, harness.clock);
        harness.#calibration = calibration;
        calibration.start();
        const scale = scenario.config.timeScale;
        recorder.calibrateRtt((rttMs) => ownAwareRttMs(rttMs, calibration.ownRttMs(), scale));
      }
      return harness;
    } catch (error) {
      await unwind();
      throw error;
    }
  }

  /**
   * The health view seen through the fault proxy (so the page suffers the faults the fleet
   * does), when the server is the in-process one that issues demo tokens.
   */
  get pageUrl(): string | undefined {
    const first = this.#instances[0]!;
    if (!(first.server instanceof InProcessServer)) return undefined;
    return `${first.shards[0]!.clientUrl.replace(/^ws/, 'http')}/`;
  }

  /** True when server.restart/stop/start/kill can run. */
  get restartable(): boolean {
    return this.#instances.every((instance) => instance.server.restartable);
  }

  /** Server instances of the run. */
  get instanceCount(): number {
    return this.#instances.length;
  }

  /** Where the run keeps alerts, for the report and the start line. */
  get brokerDescription(): string {
    return this.#redis === undefined
      ? 'memory'
      : `redis ${this.#redis.description}${this.#redis.owned ? " (the run's own)" : ''}`;
  }

  /** The next instance that is up, round robin. */
  #pickInstance(): Instance {
    const n = this.#instances.length;
    for (let i = 0; i < n; i++) {
      const instance = this.#instances[(this.#nextInstance + i) % n]!;
      if (instance.up) {
        this.#nextInstance = (this.#nextInstance + i + 1) % n;
        return instance;
      }
    }
    throw new Error('no server instance is up');
  }

  async #token(): Promise<string> {
    // Whole-second iat: some services' JWT libraries refuse a fractional one.
    this.#publisherToken ??= await signToken(
      {
        sub: 'stormwatch-publisher',
        role: 'publisher',
        ...(this.#target === undefined
          ? {}
          : { nowMs: Math.floor(this.clock.now() / 1000) * 1000 }),
      },
      this.#secret,
    );
    return this.#publisherToken;
  }

  async #publish(input: AlertInput, idempotencyKey: string): Promise<{ id: string }> {
    // A retry (same key) goes to the next instance: a dead one does not hold the publisher.
    const instance = this.#pickInstance();
    const response = await fetch(`${instance.server.httpUrl}/api/alerts`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await this.#token()}`,
        'content-type': 'application/json',
        'idempotency-key': `"${idempotencyKey}"`,
      },
      body: JSON.stringify(input),
    });
    if (response.status === 401) this.#publisherToken = undefined;
    // 200: a retry the server had already stored; the answer is the original alert's.
    if (response.status !== 201 && response.status !== 200) {
      throw new Error(`publish refused with ${response.status} by instance ${instance.index}`);
    }
    return (await response.json()) as { id: string };
  }

  /** The proxies a fault target names. */
  #proxiesOf(target: FaultTarget): ProxyFaults[] {
    if (target.kind === 'redis') {
      if (this.#redis === undefined) {
        throw new RunnerError(
          RunnerErrorCode.FAULT_FAILED,
          'target: redis needs config.topology.broker: redis (and no --server-url)',
        );
      }
      return [this.#redis.faults];
    }
    if (target.instance === undefined) return this.#instances.flatMap((i) => i.shards);
    const instance = this.#instances[target.instance - 1];
    if (instance === undefined) {
      throw new RunnerError(
        RunnerErrorCode.FAULT_FAILED,
        `instance ${target.instance}: the run has ${this.#instances.length}`,
      );
    }
    return [...instance.shards];
  }

  async applyFault(step: FaultStep, attributes: Record<string, number>): Promise<FaultHandle> {
    const handles: FaultHandle[] = [];
    try {
      for (const faults of this.#proxiesOf(step.target)) {
        handles.push(await faults.apply(step, attributes));
      }
    } catch (error) {
      for (const handle of handles) await handle();
      throw error;
    }
    return async () => {
      for (const handle of handles) await handle();
    };
  }

  async proxyDown(target: FaultTarget = { kind: 'clients' }): Promise<FaultHandle> {
    const handles: FaultHandle[] = [];
    for (const faults of this.#proxiesOf(target)) handles.push(await faults.down());
    return async () => {
      for (const handle of handles) await handle();
    };
  }

  async resetFaults(): Promise<void> {
    for (const shard of this.#instances.flatMap((i) => i.shards)) await shard.reset();
    await this.#redis?.faults.reset();
  }

  /** Toxics left on the run's proxies (0 after the rollbacks). */
  async activeToxics(): Promise<number> {
    let count = (await this.#redis?.faults.activeToxics()) ?? 0;
    for (const shard of this.#instances.flatMap((i) => i.shards)) {
      count += await shard.activeToxics();
    }
    return count;
  }

  async serverLag(): Promise<{ loopP99Ms: number | undefined; restartMs: number | undefined }> {
    let loopP99Ms: number | undefined;
    let restartMs: number | undefined;
    for (const instance of this.#instances) {
      const p99 = await instance.loopP99Ms();
      if (p99 !== undefined) loopP99Ms = Math.max(loopP99Ms ?? 0, p99);
      // The first start precedes the run; later ones are restarts the scenario asked for.
      for (const ms of (instance.server.startTimesMs ?? []).slice(1)) {
        restartMs = Math.max(restartMs ?? 0, ms);
      }
    }
    // The fleet's workers delay their clients as a busy server delays its sockets.
    const workers = await this.#fleet?.loopP99Ms?.();
    if (workers !== undefined) loopP99Ms = Math.max(loopP99Ms ?? 0, workers);
    return { loopP99Ms, restartMs };
  }

  /** The instances a server step names: one (1-based) or every one. */
  #instancesOf(index: number | undefined): Instance[] {
    if (index === undefined) return this.#instances;
    const instance = this.#instances[index - 1];
    if (instance === undefined) {
      throw new RunnerError(
        RunnerErrorCode.SERVER_FAILED,
        `instance ${index}: the run has ${this.#instances.length}`,
      );
    }
    return [instance];
  }

  async stopServer(graceful: boolean, index?: number): Promise<void> {
    await Promise.all(this.#instancesOf(index).map((instance) => instance.stop(graceful)));
  }

  async startServer(index?: number): Promise<void> {
    await Promise.all(this.#instancesOf(index).map((instance) => instance.start()));
  }

  async serverCloses(): Promise<Record<string, number> | undefined> {
    let total: Map<string, number> | undefined;
    for (const instance of this.#instances) {
      const closes = await instance.closes();
      if (closes === undefined) continue;
      total ??= new Map();
      for (const [code, count] of closes) total.set(code, (total.get(code) ?? 0) + count);
    }
    if (total === undefined) return undefined;
    return Object.fromEntries([...total.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  async instancePeaks(): Promise<Array<number | null>> {
    const peaks: Array<number | null> = [];
    for (const instance of this.#instances) peaks.push((await instance.peakConnections()) ?? null);
    return peaks;
  }

  startPublisher(ratePerSecond: number): void {
    if (this.publishes) this.#publisher.start(ratePerSecond);
  }

  stopPublisher(): Promise<void> {
    return this.#publisher.stop();
  }

  burst(count: number): Promise<void> {
    return this.publishes ? this.#publisher.burst(count) : Promise.resolve();
  }

  async revokeTokens(): Promise<void> {
    if (this.#target !== undefined) {
      throw new RunnerError(
        RunnerErrorCode.SERVER_FAILED,
        "token.expire needs stormwatch's server (POST /api/tokens/revoke); a foreign target has none",
      );
    }
    const instance = this.#pickInstance();
    const response = await fetch(`${instance.server.httpUrl}/api/tokens/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await this.#token()}` },
    });
    this.#publisherToken = undefined;
    if (!response.ok) {
      throw new RunnerError(
        RunnerErrorCode.SERVER_FAILED,
        `token revocation refused with ${response.status} by instance ${instance.index}`,
      );
    }
  }

  reconnectStopped(): number {
    return this.#fleet?.reconnectStopped() ?? 0;
  }

  connectFleet(): void {
    this.#fleet?.connect();
  }

  /** The machine's own loopback round trip now (median of the latest), ms. */
  ownRttMs(): number {
    return this.#calibration?.ownRttMs() ?? 0;
  }

  async close(): Promise<void> {
    this.#calibration?.stop();
    await this.#publisher.stop();
    await this.#fleet?.close();
    for (const shard of this.#instances.flatMap((i) => i.shards)) await shard.close();
    await Promise.all(this.#instances.map((instance) => instance.server.close()));
    await this.#redis?.close();
    await Promise.all(this.#proxyProcesses.map((proxy) => proxy.close()));
    await this.#embedded?.close();
  }
}
