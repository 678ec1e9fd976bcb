import {
  createClient,
  createSeededRandom,
  type Client,
  type Clock,
  type SimulatedClock,
} from '../client/index.js';
import type { AlertInput } from '../protocol/index.js';
import {
  Publisher,
  RunnerError,
  RunnerErrorCode,
  reconnectStopped,
  scaledClientOptions,
  userOf,
  type FaultHandle,
  type FaultStep,
  type FleetRecorder,
  type Harness,
  type Scenario,
  type SimFaultStep,
} from '../runner/index.js';
import { createMemoryBroker, DEFAULT_LIMITS } from '../server/index.js';
import type { SimDriver } from './driver.js';
import { createSeededIds } from './ids.js';
import { sparedTimers } from './link/connection.js';
import { SimNetwork } from './network.js';
import { SimServer } from './server.js';
import { startSimFault } from './sim-faults.js';
import { mintSimToken } from './tokens.js';
import { Reading, type ShardMeeting } from './shard/meeting.js';
import type { SimToxic } from './toxics/index.js';

/** Base URL the simulated fleet connects to (nothing resolves it: the links are virtual). */
export const SIM_URL = 'ws://stormwatch.sim';

/**
 * One-way latency of a bare simulated link, ms: loopback through the proxy, as the real harness
 * measures it (pong RTT p50 ≈ 0.5 ms).
 */
export const DEFAULT_BASE_LATENCY_MS = 0.25;

/**
 * Virtual time a control call takes (a Toxiproxy API request, a server stop or start), ms. Less
 * than a link's one-way latency: as with the embedded proxy on loopback, the call returns before
 * the clients notice its effect (a dropped socket), so the next step sees the fleet as the real
 * harness does.
 */
export const CONTROL_LATENCY_MS = 0.1;

/** Options of {@link SimHarness}. */
export interface SimHarnessOptions {
  clock: SimulatedClock;
  driver: SimDriver;
  /** One-way latency of a bare link, ms. Default {@link DEFAULT_BASE_LATENCY_MS}. */
  baseLatencyMs?: number | undefined;
  /** Play heartbeats on quiet links without frames (see `SimNetwork`). Default true. */
  echoes?: boolean | undefined;
  /**
   * This harness is one shard of a fleet split by user over threads: it runs the clients of
   * users `u` with `u mod count === index` (their own seeds, as in the whole fleet), the server
   * for those users, and the publisher's alerts to them.
   */
  shard?: ShardMeeting | undefined;
}

// Seeds of the independent random streams, mixed with the scenario's seed.
const NETWORK_STREAM = 0x6e657477;
const ID_STREAM = 0x69647321;
const FAULT_STREAM = 0x66617531;
const PUBLISHER_STREAM = 0x5eed; // the real harness's

/** How often, in scenario ms, shards check that a call has settled in all of them. */
export const SHARD_POLL_MS = 10;

/** Entries each simulated client keeps in its own timeline and RTT log: none (see below). */
const SIM_CLIENT_LOG_ENTRIES = 0;

/**
 * The simulated harness: the real client core for every fleet member (`createClient` on a
 * simulated transport), the real server core (`createAlertService` over a memory broker), a
 * simulated proxy with the same toxics, and the runner's own publisher — all on one virtual
 * clock. Same scenario files, same `runScenario`, same reports as the real harness.
 */
export class SimHarness implements Harness {
  readonly clock: Clock;
  readonly #simClock: SimulatedClock;
  readonly #driver: SimDriver;
  readonly #network: SimNetwork;
  readonly #server: SimServer;
  readonly #publisher: Publisher;
  readonly #clients: Client[] = [];
  /** Clients of the whole fleet (a shard runs some of them). */
  readonly #fleetSize: number;
  readonly #timeScale: number;
  readonly #faultRandom: () => number;
  readonly #shard: ShardMeeting | undefined;
  #toxicCounter = 0;

  constructor(scenario: Scenario, recorder: FleetRecorder, options: SimHarnessOptions) {
    const config = scenario.config;
    this.#fleetSize = config.clients;
    this.#timeScale = config.timeScale;
    const scale = config.timeScale;
    const clock = options.clock;
    this.#simClock = clock;
    this.#driver = options.driver;
    this.clock = options.driver.clock;
    const markAsync = () => this.#driver.markAsync();
    const shard = options.shard;
    this.#shard = shard;
    // Each shard draws its own ids (alerts are known by id when the recordings merge). A
    // client's network is drawn per connection from the client's index, and the sim faults
    // are drawn over the whole fleet in every shard, each acting on its own clients: the same
    // as on one thread.
    const idSeed =
      shard === undefined || shard.count === 1
        ? config.seed ^ ID_STREAM
        : (config.seed ^ ID_STREAM ^ Math.imul(shard.index + 1, 0x9e3779b9)) >>> 0;
    const createId = createSeededIds(createSeededRandom(idSeed));

    const intervalMs = (config.client.pingIntervalMs ?? 30_000) * scale;
    const timeoutMs = (config.client.pongTimeoutMs ?? 10_000) * scale;
    const historySize = config.server.historySize ?? 1000;
    this.#server = new SimServer({
      clock,
      broker: createMemoryBroker({ historySize, epoch: createId() }),
      limits: {
        ...DEFAULT_LIMITS,
        connectsPerMinute: config.server.connectsPerMinute ?? 10,
        connectWindowMs: 60_000 * scale,
        resumeWaitMs: 1000 * scale,
        // As the real harness: two missed intervals and a timeout mean the client is gone.
        idleTimeoutMs: 2 * intervalMs + timeoutMs,
      },
      heartbeat: { intervalMs, timeoutMs },
      createId,
      shutdownGraceMs: 5000 * scale,
      markAsync,
    });
    this.#server.start();
    this.#network = new SimNetwork({
      clock,
      seed: config.seed ^ NETWORK_STREAM,
      baseLatencyMs: options.baseLatencyMs ?? DEFAULT_BASE_LATENCY_MS,
      server: this.#server,
      markAsync,
      echoes: options.echoes ?? true,
    });
    this.#faultRandom = createSeededRandom(config.seed ^ FAULT_STREAM);

    // User u's clients are u, u + users, u + 2 × users...: a shard holds whole users.
    const inShard = (i: number) =>
      shard === undefined || (i % config.users) % shard.count === shard.index;
    const users = Array.from({ length: config.users }, (_, i) => userOf(i, config.users));
    const ownUsers = new Set(users.filter((_, u) => inShard(u)));
    this.#publisher = new Publisher({
      clock: this.clock,
      random: createSeededRandom(config.seed ^ PUBLISHER_STREAM),
      users,
      recorder,
      retryDelayMs: Math.max(20, 250 * scale),
      publish: async (input: AlertInput) => ({ id: (await this.#server.publish(input)).id }),
      owns: shard === undefined ? undefined : (userId) => ownUsers.has(userId),
    });

    // As the real fleet: the same options and the same per-client random seeds.
    const ttlMs = Math.max(1, Math.round((config.tokenTtlMs * scale) / 1000)) * 1000;
    const clientOptions = scaledClientOptions(config);
    for (let i = 0; i < config.clients; i++) {
      if (!inShard(i)) continue;
      const userId = userOf(i, config.users);
      const client = createClient({
        url: SIM_URL,
        userId,
        getToken: () => {
          // The shell settles the token in a microtask.
          markAsync();
          return mintSimToken(userId, Math.floor(clock.now()), ttlMs);
        },
        ...clientOptions,
        clock,
        random: createSeededRandom((config.seed * 1_000_003 + i) >>> 0),
        transport: this.#network.transportFor(i),
        environment: null,
        // The run measures from events; each client's own log is never read: at 10,000
        // clients × a day of pongs it would cost over a gigabyte, and even a short one
        // builds an entry per state change and pong.
        timeline: { maxEntries: SIM_CLIENT_LOG_ENTRIES },
      });
      recorder.attach(i, userId, client);
      this.#clients.push(client);
    }
  }

  /** Timers fired on the virtual clock so far. */
  get events(): number {
    return this.#simClock.firedTimers + sparedTimers(this.#network.echoCounts);
  }

  /** Heartbeats played without frames, and how many were handed back with the ping out. */
  get echoes(): { echoed: number; playedOut: number } {
    const { completed, playedOut } = this.#network.echoCounts;
    return { echoed: completed + playedOut, playedOut };
  }

  /** Connections the fleet opened so far (upgrades attempted through the proxy). */
  get connectionsOpened(): number {
    return this.#network.opened;
  }

  /** Toxics left on the simulated proxy (0 after the rollbacks). */
  get activeToxics(): number {
    return this.#network.activeToxics;
  }

  /** Waits for one control call's round trip on the (draining) harness clock. */
  #controlCall(): Promise<void> {
    return new Promise((resolve) => this.clock.setTimeout(resolve, CONTROL_LATENCY_MS));
  }

  async applyFault(step: FaultStep, attributes: Record<string, number>): Promise<FaultHandle> {
    const streams = step.stream === 'both' ? (['upstream', 'downstream'] as const) : [step.stream];
    const toxics: SimToxic[] = streams.map((direction) => ({
      name: `${step.toxic}_${direction}_${++this.#toxicCounter}`,
      type: step.toxic,
      direction,
      toxicity: step.toxicity,
      attributes: { ...attributes },
    }));
    for (const toxic of toxics) this.#network.addToxic(toxic);
    await this.#controlCall();
    return async () => {
      for (const toxic of toxics) this.#network.removeToxic(toxic);
      await this.#controlCall();
    };
  }

  async applySimFault(
    step: SimFaultStep,
    attributes: Record<string, number>,
  ): Promise<FaultHandle> {
    const end = startSimFault(step.model, attributes, {
      clock: this.#simClock,
      random: this.#faultRandom,
      network: this.#network,
      clients: this.#fleetSize,
    });
    await this.#controlCall();
    return async () => {
      end();
      await this.#controlCall();
    };
  }

  async proxyDown(): Promise<FaultHandle> {
    this.#network.setEnabled(false);
    await this.#controlCall();
    return async () => {
      this.#network.setEnabled(true);
      await this.#controlCall();
    };
  }

  async resetFaults(): Promise<void> {
    this.#network.reset();
    await this.#controlCall();
  }

  async stopServer(graceful: boolean): Promise<void> {
    await this.#wholeFleet(this.#server.stop(graceful));
    await this.#controlCall();
  }

  async startServer(): Promise<void> {
    this.#server.start();
    await this.#controlCall();
  }

  startPublisher(ratePerSecond: number): void {
    this.#publisher.start(ratePerSecond);
  }

  stopPublisher(): Promise<void> {
    return this.#wholeFleet(this.#publisher.stop());
  }

  burst(count: number): Promise<void> {
    return this.#wholeFleet(this.#publisher.burst(count));
  }

  /**
   * Settles when `work` has settled in every shard (at once when not sharded). A graceful stop
   * drains each shard's own sockets and a publish waits out a refused try, so the same call
   * ends at different virtual times in different shards; they must go on from the same one.
   * Each shard checks at once and then every {@link SHARD_POLL_MS} of scenario time, meeting
   * the others, until none is still at it; it rejects in every shard if it did in any.
   */
  async #wholeFleet(work: Promise<void>): Promise<void> {
    const shard = this.#shard;
    if (shard === undefined || shard.count === 1) return work;
    const outcome: { state: 'pending' | 'done' | 'failed'; error?: Error } = { state: 'pending' };
    work.then(
      () => (outcome.state = 'done'),
      (error: unknown) => {
        outcome.state = 'failed';
        outcome.error = error instanceof Error ? error : new Error(String(error));
      },
    );
    for (let waitMs = 0; ; waitMs = SHARD_POLL_MS * this.#timeScale) {
      // A timer of the driver's clock: microtasks the work started settle before it fires.
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, waitMs));
      const [pending, failed] = shard.meet(Reading.SETTLED, [
        outcome.state === 'pending' ? 1 : 0,
        outcome.state === 'failed' ? 1 : 0,
      ]);
      if (pending! > 0) continue;
      if (failed! === 0) return;
      throw outcome.error ?? new Error('the same call failed in another shard of the simulation');
    }
  }

  async revokeTokens(): Promise<void> {
    try {
      this.#server.revokeTokens();
      await this.#controlCall();
    } catch (error) {
      throw new RunnerError(
        RunnerErrorCode.SERVER_FAILED,
        `token revocation refused: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  reconnectStopped(): number {
    const own = reconnectStopped(this.#clients);
    return this.#shard === undefined ? own : this.#shard.meet(Reading.RECONNECT_STOPPED, [own])[0]!;
  }

  settle(): void {
    this.#network.settle();
  }

  /** Hands every played heartbeat back, so {@link events} counts all the full path fired. */
  handBackHeartbeats(): void {
    this.#network.handBackAll();
  }

  connectFleet(): void {
    for (const client of this.#clients) client.connect();
  }

  async close(): Promise<void> {
    await this.#publisher.stop();
    for (const client of this.#clients) client.dispose();
    this.#network.closeAll();
    await this.#server.stop(false);
  }
}
