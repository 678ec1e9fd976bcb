import {
  createSeededRandom,
  type Random,
  type SimulatedClock,
  type SocketHandlers,
  type Transport,
  type TransportSocket,
} from '../client/index.js';
import {
  SimConnection,
  type ConnectionEnvironment,
  type EchoCounts,
  type EchoSupport,
  type UpgradeTarget,
} from './link/connection.js';
import type { SimToxic } from './toxics/index.js';

/** Close code for a connection that failed without a close frame. */
const ABNORMAL = 1006;

/** Options of {@link SimNetwork}. */
export interface SimNetworkOptions {
  clock: SimulatedClock;
  /** Seeds each connection's random stream (toxicity draws, jitter, slicer sizes). */
  seed: number;
  /** One-way latency of a bare link, ms (loopback through the proxy). */
  baseLatencyMs: number;
  server: UpgradeTarget;
  markAsync: () => void;
  /**
   * Play heartbeats on quiet links without frames or timers (default true): once a ping leaves
   * on a connection with nothing in flight and no toxic, to a session that would only answer,
   * the link plays that ping, the ones after it and the session's watchdog wakes until
   * something touches the connection, and then hands them back as the full path would have
   * them by then, so reports do not change; only fewer timers fire.
   */
  echoes?: boolean | undefined;
}

/**
 * The simulated proxy between the fleet and the server: one {@link SimConnection} per socket,
 * the toxics every connection goes through, the proxy's enabled switch, and the sim-only
 * faults (per-client outages, extra latency). Connections are kept in insertion order so every
 * fault visits them in the same order on every run.
 */
export class SimNetwork implements ConnectionEnvironment {
  readonly clock: SimulatedClock;
  readonly #seed: number;
  /** Connections each client opened so far. */
  readonly #opens: number[] = [];
  readonly server: UpgradeTarget;
  readonly markAsync: () => void;
  readonly #baseLatencyMs: number;
  readonly #toxics: SimToxic[] = [];
  readonly #live = new Set<SimConnection>();
  /** The newest connection of each client. */
  readonly #byClient: Array<SimConnection | undefined> = [];
  /** Clients whose link is cut, with how many outages cut it. */
  readonly #cut = new Map<number, number>();
  // Latencies added to every frame, in the order they were added, with the most each can add.
  #extraLatency: Array<{ readonly ms: (nowMs: number) => number; readonly maxMs: number }> = [];
  #enabled = true;
  readonly echoes: EchoSupport | undefined;
  /** What became of the heartbeats the links played. */
  readonly echoCounts: EchoCounts = {
    completed: 0,
    playedOut: 0,
    spared: 0,
    extra: 0,
  };
  /** Connections ever opened. */
  opened = 0;

  constructor(options: SimNetworkOptions) {
    this.clock = options.clock;
    this.#seed = options.seed;
    this.server = options.server;
    this.markAsync = options.markAsync;
    this.#baseLatencyMs = options.baseLatencyMs;
    this.echoes =
      options.echoes === false
        ? undefined
        : {
            clock: options.clock,
            counts: this.echoCounts,
            maxOneWayMs: () => {
              let ms = this.#baseLatencyMs;
              for (const extra of this.#extraLatency) ms += extra.maxMs;
              return ms;
            },
          };
  }

  oneWayMs(nowMs: number): number {
    const extras = this.#extraLatency;
    let ms = this.#baseLatencyMs;
    // Every frame and every played round trip asks: a plain loop, no iterator.
    for (let i = 0; i < extras.length; i++) ms += extras[i]!.ms(nowMs);
    return ms;
  }

  forget(connection: SimConnection): void {
    this.#live.delete(connection);
    if (this.#byClient[connection.clientIndex] === connection) {
      this.#byClient[connection.clientIndex] = undefined;
    }
  }

  /** The transport of fleet client `clientIndex`. */
  transportFor(clientIndex: number): Transport {
    return { open: ({ url, token }, handlers) => this.#open(clientIndex, url, token, handlers) };
  }

  /** Live connections (either end still open), in the order they were opened. */
  get liveConnections(): number {
    return this.#live.size;
  }

  /** Toxics currently applied. */
  get activeToxics(): number {
    return this.#toxics.length;
  }

  /** Adds a toxic to every live connection and every new one. */
  addToxic(toxic: SimToxic): void {
    this.#toxics.push(toxic);
    for (const connection of this.#live) connection.addToxic(toxic);
  }

  /** Removes a toxic (no-op when already gone). */
  removeToxic(toxic: SimToxic): void {
    const index = this.#toxics.indexOf(toxic);
    if (index < 0) return;
    this.#toxics.splice(index, 1);
    for (const connection of [...this.#live]) connection.removeToxic(toxic);
  }

  /** Enables or disables the proxy; disabling refuses new connections and drops live ones. */
  setEnabled(enabled: boolean): void {
    if (this.#enabled === enabled) return;
    this.#enabled = enabled;
    if (!enabled) for (const connection of [...this.#live]) connection.reset();
  }

  /** Removes every toxic and enables the proxy. */
  reset(): void {
    for (const toxic of [...this.#toxics]) this.removeToxic(toxic);
    this.setEnabled(true);
  }

  /** Cuts the links of `clients` (refused and dropped) until {@link restore}. */
  cut(clients: readonly number[]): void {
    for (const index of clients) {
      this.#cut.set(index, (this.#cut.get(index) ?? 0) + 1);
      this.#byClient[index]?.reset();
    }
  }

  /** Undoes one {@link cut} of `clients`. */
  restore(clients: readonly number[]): void {
    for (const index of clients) {
      const count = (this.#cut.get(index) ?? 0) - 1;
      if (count > 0) this.#cut.set(index, count);
      else this.#cut.delete(index);
    }
  }

  /** Resets client `index`'s connection when it is open; true when it was. */
  drop(index: number): boolean {
    const connection = this.#byClient[index];
    if (connection === undefined || !connection.isOpen) return false;
    connection.reset();
    return true;
  }

  /**
   * Adds one-way latency to every frame sent from now on, never more than `maxMs`; the function
   * removes it.
   */
  addLatency(extraMs: (nowMs: number) => number, maxMs: number): () => void {
    // Heartbeats played without frames computed their arrivals with the latency of before.
    this.handBackAll();
    const extra = { ms: extraMs, maxMs };
    this.#extraLatency = [...this.#extraLatency, extra];
    return () => {
      this.handBackAll();
      this.#extraLatency = this.#extraLatency.filter((e) => e !== extra);
    };
  }

  /**
   * Hands every played heartbeat back: before the latency changes (played arrivals were
   * computed with the old one), and at the end of a run (a ping still out then had its timer
   * fire, and perhaps its arrival, which `simulation.events` counts).
   */
  handBackAll(): void {
    for (const connection of [...this.#live]) if (connection.echoing) connection.flush();
  }

  /** Applies the heartbeat round trips the links played that completed by now. */
  settle(): void {
    for (const connection of this.#live) if (connection.echoing) connection.catchUp();
  }

  // The stream of a client's n-th connection: a function of the seed, the client and n only.
  #randomFor(clientIndex: number, ordinal: number): Random {
    let h = Math.imul(this.#seed ^ 0x9e3779b9, 0x85ebca6b) ^ clientIndex;
    h = Math.imul(h ^ (h >>> 16), 0xc2b2ae35) ^ ordinal;
    h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f);
    return createSeededRandom((h ^ (h >>> 16)) >>> 0);
  }

  /** Tears every connection down (end of the run). */
  closeAll(): void {
    for (const connection of [...this.#live]) connection.reset();
  }

  #open(
    clientIndex: number,
    url: string,
    token: string | undefined,
    handlers: SocketHandlers,
  ): TransportSocket {
    if (!this.#enabled || this.#cut.has(clientIndex)) {
      // Connection refused: the SYN is answered by a RST after one round trip.
      this.clock.setTimeout(
        () => handlers.onClose({ code: ABNORMAL, reason: 'connect ECONNREFUSED', wasClean: false }),
        2 * this.oneWayMs(this.clock.now()),
      );
      return { send: () => undefined, close: () => undefined };
    }
    this.opened += 1;
    const ordinal = (this.#opens[clientIndex] ?? 0) + 1;
    this.#opens[clientIndex] = ordinal;
    const connection = new SimConnection(
      this,
      clientIndex,
      url,
      token ?? '',
      handlers,
      this.#toxics,
      this.#randomFor(clientIndex, ordinal),
    );
    this.#live.add(connection);
    this.#byClient[clientIndex] = connection;
    return connection.clientSocket;
  }
}
