// Test doubles for the client: a scripted alert server on the in-memory transport, and event
// capture. Time moves only through the SimulatedClock.
import type { BreachAlertMessage, ClientMessage } from '../../src/protocol/index.js';
import { parseClientMessage } from '../../src/protocol/index.js';
import {
  createClient,
  createMemoryTransport,
  SimulatedClock,
  type FetchLike,
  type Client,
  type ClientEventMap,
  type ClientOptions,
  type MemoryConnection,
  type MemoryServer,
} from '../../src/client/index.js';

/** Simulated start time: a real-looking epoch so ISO timestamps are valid. */
export const T0 = Date.UTC(2026, 0, 1);

/** What the fake server does with a new connection. */
export type Admission =
  | { kind: 'accept' }
  | { kind: 'refuse'; httpStatus: number; retryAfterMs?: number }
  | { kind: 'close'; code: number; reason?: string }
  | { kind: 'pending' };

/**
 * A scripted alert server speaking protocol v1 over the memory transport, on the simulated
 * clock: for the client machine's own rules (backoff, heartbeat, dedupe, timeline, fallback
 * decisions), where what the server does matters only as a script. It is not the server: it
 * replays everything on resume at once, ignores acks, has no flood guard, no resume wait and no
 * broker. What the client does *to a server* (acks under the flood guard, a full-history replay
 * over a slow link, failover between instances on Redis) is tested against the real one:
 * test/client/real-server.test.ts, test/client/transports/polling.test.ts,
 * test/server/multi-instance.test.ts and test/e2e/busy-user.test.ts.
 */
export class FakeAlertServer {
  epoch = 'epoch-1';
  /** Alerts published, by seq (index seq − 1). */
  readonly alerts: BreachAlertMessage[] = [];
  /** Delay before each pong, ms. */
  pongDelayMs = 0;
  /** When true the server drops every client frame and sends nothing (a half-open link). */
  blackhole = false;
  /** Decides each new connection. */
  admit: (connection: MemoryConnection) => Admission = () => ({ kind: 'accept' });
  /** Client frames received, parsed, per connection id. */
  readonly frames = new Map<number, ClientMessage[]>();
  /** When true every HTTP request fails as on a network error (see `fetch`). */
  httpDown = false;
  /** HTTP requests made through `fetch`, path and query. */
  readonly requests: string[] = [];
  // Long polls waiting for the next publish.
  readonly #waiting = new Set<() => void>();
  readonly #clock: SimulatedClock;
  readonly #memory: MemoryServer;

  constructor(clock: SimulatedClock, memory: MemoryServer) {
    this.#clock = clock;
    this.#memory = memory;
    memory.onConnection((connection) => this.#onConnection(connection));
  }

  get connections(): readonly MemoryConnection[] {
    return this.#memory.connections;
  }

  get live(): readonly MemoryConnection[] {
    return this.#memory.live;
  }

  /** The latest connection. */
  get last(): MemoryConnection {
    const connection = this.#memory.connections.at(-1);
    if (connection === undefined) throw new Error('no connection yet');
    return connection;
  }

  /** Client frames of the given type received on `connection` (default: the latest). */
  sent<T extends ClientMessage['type']>(
    type: T,
    connection: MemoryConnection = this.last,
  ): Extract<ClientMessage, { type: T }>[] {
    return (this.frames.get(connection.id) ?? []).filter(
      (m): m is Extract<ClientMessage, { type: T }> => m.type === type,
    );
  }

  /** Stores an alert with the next seq and pushes it to open connections. */
  publish(): BreachAlertMessage {
    const alert = makeAlert(this.alerts.length + 1, new Date(this.#clock.now()).toISOString());
    this.alerts.push(alert);
    for (const connection of this.#memory.live) {
      if (!this.blackhole && connection.state === 'open') connection.send(alert);
    }
    for (const wake of [...this.#waiting]) wake();
    return alert;
  }

  /**
   * The server's HTTP side for polling clients, on the simulated clock: `GET /healthz` (after
   * `pongDelayMs`) and `GET /api/alerts?since=&epoch=&wait=&limit=` as the real route answers
   * it, long polls woken by `publish()`. Fails like a network error while `httpDown`, hangs
   * while `blackhole`.
   */
  readonly fetch: FetchLike = (url, init) => {
    const clock = this.#clock;
    const parsed = new URL(url);
    this.requests.push(parsed.pathname + parsed.search);
    const answer = (body: unknown, status = 200) => ({
      status,
      headers: { get: () => null },
      json: () => Promise.resolve(body),
      text: () => Promise.resolve(JSON.stringify(body)),
    });
    return new Promise((resolve, reject) => {
      const aborted = (): void =>
        reject(Object.assign(new Error('aborted'), { name: 'AbortError' }));
      if (this.httpDown) {
        reject(new TypeError('fetch failed'));
        return;
      }
      if (init.signal.aborted) return aborted();
      if (this.blackhole) {
        init.signal.addEventListener('abort', aborted);
        return;
      }
      if (parsed.pathname === '/healthz') {
        const timer = clock.setTimeout(() => resolve(answer({ status: 'ok' })), this.pongDelayMs);
        init.signal.addEventListener('abort', () => {
          clock.clearTimeout(timer);
          aborted();
        });
        return;
      }
      if (parsed.pathname !== '/api/alerts') {
        resolve(answer({ message: 'not found' }, 404));
        return;
      }
      const q = parsed.searchParams;
      const epoch = q.get('epoch');
      const same = epoch === null || epoch === this.epoch;
      const since = same ? Number(q.get('since') ?? 0) : 0;
      const limit = q.has('limit') ? Number(q.get('limit')) : Infinity;
      const reply = (): void => {
        const alerts = limit === 0 ? [] : this.alerts.filter((a) => a.seq > since).slice(0, limit);
        resolve(
          answer({ epoch: this.epoch, lastSeq: this.alerts.length, gap: !same, missed: 0, alerts }),
        );
      };
      const waitMs = Number(q.get('wait') ?? 0);
      if (waitMs <= 0 || limit === 0 || this.alerts.length > since) {
        reply();
        return;
      }
      const wake = (): void => {
        this.#waiting.delete(wake);
        clock.clearTimeout(timer);
        reply();
      };
      const timer = clock.setTimeout(wake, waitMs);
      this.#waiting.add(wake);
      init.signal.addEventListener('abort', () => {
        this.#waiting.delete(wake);
        clock.clearTimeout(timer);
        aborted();
      });
    });
  };

  /** Accepts a pending connection the way `admit` accepting would. */
  open(connection: MemoryConnection): void {
    connection.accept();
    connection.send({
      type: 'hello',
      connectionId: `c${connection.id}`,
      epoch: this.epoch,
      serverTime: this.#clock.now(),
      heartbeat: { intervalMs: 30_000, timeoutMs: 10_000 },
    });
  }

  #onConnection(connection: MemoryConnection): void {
    connection.onMessage((data) => this.#onFrame(connection, data));
    const admission = this.admit(connection);
    switch (admission.kind) {
      case 'accept':
        this.open(connection);
        return;
      case 'refuse':
        connection.refuse(admission.httpStatus, admission.retryAfterMs);
        return;
      case 'close':
        connection.accept();
        connection.close(admission.code, admission.reason ?? '');
        return;
      case 'pending':
        return;
    }
  }

  #onFrame(connection: MemoryConnection, data: string): void {
    const parsed = parseClientMessage(data);
    if (!parsed.ok) throw new Error(`client sent a bad frame: ${parsed.error.message}`);
    const message = parsed.value;
    const list = this.frames.get(connection.id) ?? [];
    list.push(message);
    this.frames.set(connection.id, list);
    if (this.blackhole) return;
    if (message.type === 'ping') {
      const reply = (): void => {
        if (this.blackhole) return;
        connection.send({
          type: 'pong',
          id: message.id,
          timestamp: new Date(this.#clock.now()).toISOString(),
          serverTime: this.#clock.now(),
        });
      };
      if (this.pongDelayMs > 0) this.#clock.setTimeout(reply, this.pongDelayMs);
      else reply();
    } else if (message.type === 'resume') {
      const from = message.epoch === this.epoch ? message.lastSeq : 0;
      const replay = this.alerts.filter((a) => a.seq > from);
      for (const alert of replay) connection.send(alert);
      connection.send({ type: 'resumed', replayed: replay.length, gap: false, missed: 0 });
    }
  }
}

/** A valid alert with the given seq. */
export function makeAlert(seq: number, at = new Date(T0).toISOString()): BreachAlertMessage {
  return {
    type: 'breach_alert',
    seq,
    id: `alert-${seq}`,
    userId: 'alice',
    severity: 'HIGH',
    title: `Breach ${seq}`,
    source: 'test',
    detectedAt: at,
    publishedAt: at,
  };
}

/** Every event a client emitted, by name, in order. */
export type Captured = { [K in keyof ClientEventMap]: ClientEventMap[K][] };

/** Records every event of `client`. */
export function capture(client: Client): Captured {
  const captured: Captured = {
    state: [],
    alert: [],
    pong: [],
    pongs: [],
    quality: [],
    gap: [],
    error: [],
    transport: [],
  };
  const listen = <K extends keyof Captured>(name: K): void => {
    client.on(name, (payload) => {
      (captured[name] as ClientEventMap[K][]).push(payload);
    });
  };
  for (const name of Object.keys(captured) as (keyof Captured)[]) listen(name);
  return captured;
}

/** A client on a simulated clock and a fake server, with `none` jitter unless overridden. */
export interface Harness {
  clock: SimulatedClock;
  server: FakeAlertServer;
  client: Client;
  events: Captured;
}

/** Builds a {@link Harness}. Remember to `client.dispose()`. */
export function createHarness(options: Partial<ClientOptions> = {}): Harness {
  const clock = new SimulatedClock(T0);
  const memory = createMemoryTransport();
  const server = new FakeAlertServer(clock, memory.server);
  const client = createClient({
    url: 'ws://alerts.test',
    userId: 'alice',
    clock,
    transport: memory.transport,
    environment: null,
    ...options,
    backoff: { jitter: 'none', ...options.backoff },
  });
  return { clock, server, client, events: capture(client) };
}

/** Lets promise callbacks (token providers) run. Not a sleep: no time passes. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Advances the simulated clock by `ms`, letting promises settle between timers. */
export async function advance(clock: SimulatedClock, ms: number): Promise<void> {
  const end = clock.now() + ms;
  for (;;) {
    await flush();
    const next = clock.nextTimerAt();
    if (next === undefined || next > end) break;
    clock.step();
  }
  clock.advanceTo(end);
  await flush();
}

/** Delays of every `reconnecting` state change, in order. */
export function retryDelays(events: Captured): number[] {
  return events.state.filter((s) => s.to === 'reconnecting').map((s) => s.delayMs ?? -1);
}
