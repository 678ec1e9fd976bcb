import { buildServer, createMemoryBroker, signToken, type Broker } from '../../src/server/index.js';

type App = Awaited<ReturnType<typeof buildServer>>;
type MetricsRegistry = App['alertServer']['registry'];

const FLOOD_METRIC = 'alert_server_ws_disconnections_total';

/**
 * The alert server in this process with library defaults (history 1000, heartbeat 30 s/10 s,
 * flood guard 20 frames/s), on 127.0.0.1. A hard restart drops every socket without a close
 * frame, as a crash does, and builds a new app on the same port over the same memory broker:
 * the history survives, so resume can bring back what the client missed while it was down.
 */
export class RestartableServer {
  readonly #secret: string;
  readonly #broker: Broker;
  // Every app's registry, kept after the app is gone: a restart must not forget flood closes.
  readonly #registries: MetricsRegistry[] = [];
  #app: App | undefined;
  #port = 0;

  private constructor(secret: string) {
    this.#secret = secret;
    this.#broker = createMemoryBroker({});
  }

  /** Starts a server that verifies HS256 tokens signed with `secret`. */
  static async start(secret: string): Promise<RestartableServer> {
    const server = new RestartableServer(secret);
    await server.start();
    return server;
  }

  /** `http://127.0.0.1:<port>` for publishing. */
  get httpUrl(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** `127.0.0.1:<port>`, the proxy's upstream. */
  get upstream(): string {
    return `127.0.0.1:${this.#port}`;
  }

  /** A token for `sub` with `role`, valid for an hour. */
  token(sub: string, role: 'user' | 'publisher' = 'user'): Promise<string> {
    return signToken({ sub, role }, this.#secret);
  }

  /** Listens again on the same port (the first time: a free one). No-op when running. */
  async start(): Promise<void> {
    if (this.#app !== undefined) return;
    const app = await buildServer({
      auth: { secret: this.#secret },
      broker: this.#broker,
      logger: false,
      defaultMetrics: false,
    });
    try {
      const address = await app.listen({ host: '127.0.0.1', port: this.#port });
      this.#port = Number(new URL(address).port);
    } catch (error) {
      await app.close();
      throw error;
    }
    this.#registries.push(app.alertServer.registry);
    this.#app = app;
  }

  /** Drops every socket without a close frame and stops listening; the broker is kept. */
  async kill(): Promise<void> {
    const app = this.#app;
    this.#app = undefined;
    await app?.alertServer.shutdown('kill');
  }

  /** Sockets the server closed with 1008 for flooding, summed over every app so far. */
  async floodCloses(): Promise<number> {
    let total = 0;
    for (const registry of this.#registries) {
      for (const metric of await registry.getMetricsAsJSON()) {
        if (metric.name !== FLOOD_METRIC) continue;
        for (const sample of metric.values) {
          if (sample.labels.reason === 'flood') total += sample.value;
        }
      }
    }
    return total;
  }

  /** Stops the server and the broker. */
  async close(): Promise<void> {
    await this.kill();
    await this.#broker.close();
  }
}
