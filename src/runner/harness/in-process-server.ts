import type { FastifyInstance } from 'fastify';
import {
  buildServer,
  createMemoryBroker,
  type Broker,
  type ServerOptions,
} from '../../server/index.js';
import { RunnerError, RunnerErrorCode } from '../errors.js';
import type { ServerTarget } from './server-target.js';

/**
 * The alert server in this process. A restart builds a new app on the same port over the same
 * broker: a stateless WebSocket tier over a durable store, so resume can recover every alert.
 */
export class InProcessServer implements ServerTarget {
  readonly secret: string;
  readonly restartable = true;
  readonly #options: Omit<ServerOptions, 'auth' | 'broker'>;
  readonly #broker: Broker;
  #app: FastifyInstance | undefined;
  #port = 0;

  constructor(secret: string, options: Omit<ServerOptions, 'auth' | 'broker'>, broker?: Broker) {
    this.secret = secret;
    this.#options = options;
    this.#broker = broker ?? createMemoryBroker({ historySize: options.historySize ?? 1000 });
  }

  get httpUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get upstream(): string {
    return `127.0.0.1:${this.#port}`;
  }

  async start(): Promise<void> {
    if (this.#app !== undefined) return;
    const app = await buildServer({
      ...this.#options,
      auth: { secret: this.secret },
      broker: this.#broker,
    });
    try {
      const address = await app.listen({ host: '127.0.0.1', port: this.#port });
      this.#port = Number(new URL(address).port);
    } catch (error) {
      await app.close();
      throw new RunnerError(
        RunnerErrorCode.SERVER_FAILED,
        `alert server could not listen on 127.0.0.1:${this.#port}: ${(error as Error).message}`,
      );
    }
    this.#app = app;
  }

  async stop(graceful: boolean): Promise<void> {
    const app = this.#app;
    this.#app = undefined;
    await app?.alertServer.shutdown(graceful ? 'restart' : 'kill');
  }

  async close(): Promise<void> {
    await this.stop(true);
    await this.#broker.close();
  }
}
