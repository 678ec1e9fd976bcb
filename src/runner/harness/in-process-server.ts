import type { FastifyInstance } from 'fastify';
import { buildServer, type Broker, type ServerOptions } from '../../server/index.js';
import { MetricName } from '../../metrics/index.js';
import { RunnerError, RunnerErrorCode } from '../errors.js';
import { memoryRunBroker, type RunBroker } from './run-broker.js';
import type { ServerTarget } from './server-target.js';

/**
 * The alert server in this process. A restart builds a new app on the same port over the
 * run's broker: a stateless WebSocket tier over a durable store, so resume can recover every
 * alert. With Redis the restarted app opens a new connection, as a new process would.
 */
export class InProcessServer implements ServerTarget {
  readonly secret: string;
  readonly restartable = true;
  readonly #options: Omit<ServerOptions, 'auth' | 'broker'>;
  readonly #storage: RunBroker;
  #app: FastifyInstance | undefined;
  #broker: Broker | undefined;
  #port = 0;
  /** Closes by code counted by apps already stopped (a restarted app counts from zero). */
  readonly #closed = new Map<string, number>();

  constructor(
    secret: string,
    options: Omit<ServerOptions, 'auth' | 'broker'>,
    storage?: RunBroker,
  ) {
    this.secret = secret;
    this.#options = options;
    this.#storage = storage ?? memoryRunBroker(options.historySize ?? 1000);
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get upstream(): string {
    return `127.0.0.1:${this.#port}`;
  }

  async start(): Promise<void> {
    if (this.#app !== undefined) return;
    const broker = await this.#storage.open();
    const app = await buildServer({ ...this.#options, auth: { secret: this.secret }, broker });
    try {
      const address = await app.listen({ host: '127.0.0.1', port: this.#port });
      this.#port = Number(new URL(address).port);
    } catch (error) {
      await app.close();
      await this.#storage.release(broker);
      throw new RunnerError(
        RunnerErrorCode.SERVER_FAILED,
        `alert server could not listen on 127.0.0.1:${this.#port}: ${(error as Error).message}`,
      );
    }
    this.#app = app;
    this.#broker = broker;
  }

  async stop(graceful: boolean): Promise<void> {
    const app = this.#app;
    const broker = this.#broker;
    this.#app = undefined;
    this.#broker = undefined;
    if (app !== undefined) {
      await app.alertServer.shutdown(graceful ? 'restart' : 'kill');
      // Read after the shutdown, so the closes the restart itself caused are in.
      for (const [code, count] of await closesOf(app)) {
        this.#closed.set(code, (this.#closed.get(code) ?? 0) + count);
      }
    }
    if (broker !== undefined) await this.#storage.release(broker);
  }

  async closes(): Promise<Record<string, number>> {
    const total = new Map(this.#closed);
    if (this.#app !== undefined) {
      for (const [code, count] of await closesOf(this.#app)) {
        total.set(code, (total.get(code) ?? 0) + count);
      }
    }
    return Object.fromEntries([...total.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  async close(): Promise<void> {
    await this.stop(true);
    await this.#storage.close();
  }
}

/** `alert_server_ws_closes_total` of one app, by code. */
async function closesOf(app: FastifyInstance): Promise<Map<string, number>> {
  const metric = app.alertServer.registry.getSingleMetric(MetricName.serverCloses);
  const closes = new Map<string, number>();
  if (metric === undefined) return closes;
  for (const { labels, value } of (await metric.get()).values) {
    if (value > 0) closes.set(String(labels.code), value);
  }
  return closes;
}
