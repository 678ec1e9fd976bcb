import { fork, type ChildProcess } from 'node:child_process';
import type {
  ClientEventName,
  ClientStateName,
  Listener,
  StateChange,
} from '../../client/index.js';
import { systemClock } from '../../protocol/index.js';
import { userOf } from './fleet.js';
import type { FromWorker, ToWorker } from './fleet-protocol.js';
import type { RecordedClient } from '../measure/recorder.js';
import type { ScenarioConfig } from '../scenario/types.js';
import { RunnerError, RunnerErrorCode } from '../errors.js';

/** The compiled worker entry, from `src/` (tests) and `dist/` (the CLI) alike. */
const WORKER_ENTRY = new URL('../../../dist/runner/harness/fleet-worker.js', import.meta.url);

/**
 * A client that lives in a worker process, as this process sees it: its state follows the
 * forwarded `state` events, and every forwarded event reaches its listeners (an alert with the
 * time it arrived in the worker).
 */
class ForwardedClient implements RecordedClient {
  state: ClientStateName;
  readonly #listeners = new Map<ClientEventName, Array<(payload: unknown, at?: number) => void>>();

  constructor(state: ClientStateName) {
    this.state = state;
  }

  on<K extends ClientEventName>(event: K, listener: Listener<K>): () => void {
    const entry = listener as (payload: unknown, at?: number) => void;
    const list = this.#listeners.get(event) ?? [];
    this.#listeners.set(event, [...list, entry]);
    return () => {
      this.#listeners.set(
        event,
        (this.#listeners.get(event) ?? []).filter((l) => l !== entry),
      );
    };
  }

  emit(event: ClientEventName, payload: unknown, at: number | undefined): void {
    if (event === 'state') this.state = (payload as StateChange).to;
    for (const listener of this.#listeners.get(event) ?? []) listener(payload, at);
  }
}

/** Options of {@link RemoteFleet.start}. */
export interface RemoteFleetOptions {
  config: ScenarioConfig;
  urls: string[][];
  secret: string;
  ttlS: number;
  workers: number;
  /** The recorder's attach, called for every client before any event of it. */
  attach: (index: number, userId: string, client: RecordedClient) => void;
  /** The worker entry (tests). Default: the compiled `fleet-worker.js`. */
  entry?: URL | undefined;
}

/**
 * The fleet spread over worker processes, each holding `clients / workers` real clients and
 * their sockets (so no process nears its file-descriptor limit), forwarding every client event
 * here. The recorder follows one {@link ForwardedClient} per client and sees the raw events,
 * so counts, timelines and percentiles are exactly those of one process: nothing is averaged.
 */
export class RemoteFleet {
  readonly #workers: ChildProcess[];
  readonly #clients: ForwardedClient[];
  #closing = false;

  private constructor(workers: ChildProcess[], clients: ForwardedClient[]) {
    this.#workers = workers;
    this.#clients = clients;
    workers.forEach((child, w) => {
      // Its clients' last states stand as they were: the run's probes and figures show it, and
      // this line says why.
      child.once('exit', (code, signal) => {
        if (this.#closing) return;
        process.stderr.write(
          `stormwatch: fleet worker ${w + 1} of ${workers.length} ended (${signal ?? `exit ${code}`}) during the run; its clients are gone\n`,
        );
      });
    });
  }

  static async start(options: RemoteFleetOptions): Promise<RemoteFleet> {
    const { config } = options;
    const n = Math.max(1, Math.min(options.workers, config.clients));
    const clients: ForwardedClient[] = [];
    const workers: ChildProcess[] = [];
    // Set once every worker is ready; `lag` answers arrive only after that.
    const made: { fleet?: RemoteFleet } = {};
    try {
      const ready: Array<Promise<void>> = [];
      for (let w = 0; w < n; w++) {
        const from = Math.floor((w * config.clients) / n);
        const to = Math.floor(((w + 1) * config.clients) / n);
        const child = fork(options.entry ?? WORKER_ENTRY, [], {
          serialization: 'advanced',
          execArgv: [],
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        });
        workers.push(child);
        ready.push(
          new Promise<void>((resolve, reject) => {
            child.once('error', reject);
            child.once('exit', (code) =>
              reject(new Error(`fleet worker ${w + 1} exited with ${code} before it was ready`)),
            );
            child.on('message', (message: FromWorker) => {
              switch (message.type) {
                case 'ready':
                  message.states.forEach((state, k) => {
                    const client = new ForwardedClient(state);
                    clients[from + k] = client;
                    options.attach(from + k, userOf(from + k, config.users), client);
                  });
                  resolve();
                  return;
                case 'events':
                  for (const [index, event, payload, at] of message.events) {
                    clients[index]?.emit(event, payload, at);
                  }
                  return;
                case 'failed':
                  reject(new Error(`fleet worker ${w + 1}: ${message.message}`));
                  return;
                case 'disposed':
                  return;
                case 'lag':
                  made.fleet?.onLag(w, message.p99Ms);
                  return;
              }
            });
          }),
        );
        child.send({
          type: 'init',
          config,
          urls: options.urls,
          secret: options.secret,
          ttlS: options.ttlS,
          from,
          to,
        } satisfies ToWorker);
      }
      await Promise.all(ready);
    } catch (error) {
      for (const child of workers) child.kill('SIGKILL');
      throw new RunnerError(
        RunnerErrorCode.START_FAILED,
        `cannot start the fleet's worker processes: ${(error as Error).message}`,
      );
    }
    made.fleet = new RemoteFleet(workers, clients);
    return made.fleet;
  }

  /** Who waits for each worker's answer to `lag`. */
  readonly #lagWaiters = new Map<number, (p99Ms: number) => void>();

  /** A worker's answer to `lag`. */
  onLag(worker: number, p99Ms: number): void {
    const waiter = this.#lagWaiters.get(worker);
    this.#lagWaiters.delete(worker);
    waiter?.(p99Ms);
  }

  /** The worst event-loop p99 of the workers since they started, ms; undefined if none answers. */
  async loopP99Ms(): Promise<number | undefined> {
    const answers = await Promise.all(
      this.#workers.map(
        (child, w) =>
          new Promise<number | undefined>((resolve) => {
            if (!child.connected) {
              resolve(undefined);
              return;
            }
            const timer = systemClock.setTimeout(() => {
              this.#lagWaiters.delete(w);
              resolve(undefined);
            }, 2000);
            this.#lagWaiters.set(w, (p99Ms) => {
              systemClock.clearTimeout(timer);
              resolve(p99Ms);
            });
            child.send({ type: 'lag' } satisfies ToWorker);
          }),
      ),
    );
    const known = answers.filter((n): n is number => n !== undefined);
    return known.length === 0 ? undefined : Math.max(...known);
  }

  /** Worker processes. */
  get workers(): number {
    return this.#workers.length;
  }

  #broadcast(message: ToWorker): void {
    for (const child of this.#workers) {
      if (child.connected) child.send(message);
    }
  }

  connect(): void {
    this.#broadcast({ type: 'connect' });
  }

  /** Asks every worker for the app's `reconnect()`; returns how many clients were stopped. */
  reconnectStopped(): number {
    const stopped = this.#clients.filter(
      (c) => c.state === 'failed' || c.state === 'disconnected',
    ).length;
    this.#broadcast({ type: 'reconnect' });
    return stopped;
  }

  /** Disposes every client (their last events arrive first) and ends the workers. */
  async close(): Promise<void> {
    this.#closing = true;
    await Promise.all(
      this.#workers.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (!child.connected) {
              resolve();
              return;
            }
            const timer = systemClock.setTimeout(() => {
              child.kill('SIGKILL');
              resolve();
            }, 10_000);
            child.once('exit', () => {
              systemClock.clearTimeout(timer);
              resolve();
            });
            child.send({ type: 'dispose' } satisfies ToWorker);
          }),
      ),
    );
  }
}
