import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatAddress } from './address.js';
import { createApiHandler, type RequestHandler } from './api.js';
import type { Clock, RandomSource } from './clock.js';
import { ProxyRegistry, type PopulateResult } from './registry.js';

/** Options of {@link createToxiproxyServer}. */
export interface ToxiproxyServerOptions {
  /** Time source for every toxic timer; default the system clock. */
  readonly clock?: Clock;
  /** Random source for toxicity, jitter and slicing; default `Math.random`. */
  readonly random?: RandomSource;
  /**
   * Called with a one-line warning when the server accepts what Toxiproxy accepts but is likely
   * a mistake (a toxicity outside 0..1, slicer sizes Toxiproxy mishandles) or binds a proxy
   * without `listen` to 127.0.0.1; default `process.emitWarning`.
   */
  readonly onWarning?: (message: string) => void;
}

/** Where the API listens. */
export interface ListenOptions {
  /** Interface to bind; default `127.0.0.1`. */
  readonly host?: string;
  /** TCP port; default 8474 (Toxiproxy's), 0 for an ephemeral port. */
  readonly port?: number;
}

/** The bound API address. */
export interface ServerAddress {
  readonly host: string;
  readonly port: number;
  /** Base URL for clients, e.g. `http://127.0.0.1:8474`. */
  readonly url: string;
}

/** A Toxiproxy-compatible server: the HTTP API plus the proxies it manages. */
export interface ToxiproxyServer {
  /** The proxies, for in-process use (same operations as the API). */
  readonly proxies: ProxyRegistry;
  /** The API's node:http handler, to mount it on another server. */
  readonly handler: RequestHandler;
  /** The bound address once listening, else undefined. */
  readonly address: ServerAddress | undefined;
  /** Starts the HTTP API. Rejects when the address cannot be bound. */
  listen(options?: ListenOptions): Promise<ServerAddress>;
  /** Creates or replaces proxies from a JSON array, as POST /populate and `-config` do. */
  populate(config: unknown): Promise<PopulateResult>;
  /** Stops the API and every proxy, closing all their connections. Idempotent. */
  close(): Promise<void>;
}

/** Default API port, as Toxiproxy's. */
export const DEFAULT_API_PORT = 8474;

/**
 * Creates a Toxiproxy 2.12-compatible server. Nothing listens until `listen()`; proxies can be
 * managed in-process through `proxies` or over HTTP once listening.
 */
export function createToxiproxyServer(options: ToxiproxyServerOptions = {}): ToxiproxyServer {
  return new EmbeddedToxiproxy(options);
}

class EmbeddedToxiproxy implements ToxiproxyServer {
  readonly proxies: ProxyRegistry;
  readonly handler: RequestHandler;
  #http: Server | undefined;
  #address: ServerAddress | undefined;

  constructor(options: ToxiproxyServerOptions) {
    this.proxies = new ProxyRegistry({
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.random === undefined ? {} : { random: options.random }),
      ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
    });
    this.handler = createApiHandler(
      this.proxies,
      options.onWarning === undefined ? {} : { onWarning: options.onWarning },
    );
  }

  get address(): ServerAddress | undefined {
    return this.#address;
  }

  async listen(options: ListenOptions = {}): Promise<ServerAddress> {
    if (this.#http !== undefined) throw new Error('toxiproxy server: already listening');
    const http = createServer({ keepAliveTimeout: 60_000 }, this.handler);
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(
        { host: options.host ?? '127.0.0.1', port: options.port ?? DEFAULT_API_PORT },
        () => {
          http.off('error', reject);
          resolve();
        },
      );
    });
    const info = http.address() as AddressInfo;
    const hostPort = formatAddress(info);
    this.#http = http;
    this.#address = { host: info.address, port: info.port, url: `http://${hostPort}` };
    return this.#address;
  }

  populate(config: unknown): Promise<PopulateResult> {
    return this.proxies.populate(config);
  }

  async close(): Promise<void> {
    const http = this.#http;
    this.#http = undefined;
    this.#address = undefined;
    if (http !== undefined) {
      const closed = new Promise<void>((resolve) => http.close(() => resolve()));
      http.closeAllConnections();
      await closed;
    }
    await this.proxies.clear();
  }
}
