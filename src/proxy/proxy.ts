import { createServer, type Server, type Socket } from 'node:net';
import { bindHost, formatAddress, parseHostPort } from './address.js';
import type { Clock, RandomSource } from './clock.js';
import { Connection } from './connection.js';
import { listenFailed } from './errors.js';
import type { Link } from './link.js';
import { ToxicCollection } from './toxic-collection.js';
import { toxicToJson, type Direction, type ToxicJson } from './toxic-entry.js';
import type { TrafficMeter } from './traffic.js';
import { ProxyWarningCode, type WarningSink } from './warnings.js';

/** The JSON Toxiproxy returns for a proxy, in its field order. */
export interface ProxyJson {
  name: string;
  listen: string;
  upstream: string;
  enabled: boolean;
  toxics: ToxicJson[];
}

/** A proxy's address settings; `enabled` is separate since it needs a listener. */
export interface ProxyAddresses {
  /**
   * `host:port` to listen on; port 0 picks a free port, reported back in `listen`. Empty binds
   * 127.0.0.1 on a free port, with a warning (Toxiproxy binds every interface).
   */
  readonly listen: string;
  /** `host:port` each accepted connection is forwarded to. */
  readonly upstream: string;
}

/** Shared services a proxy runs on. */
export interface ProxyServices {
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly traffic: TrafficMeter;
  /** Receives the warning for a proxy started without a listen address. */
  readonly warn: WarningSink;
}

/**
 * Where a proxy without `listen` listens. Toxiproxy hands "" to Go's net.Listen, which takes it
 * as ":0": a free port on every interface. stormwatch keeps its traffic on loopback instead.
 */
const DEFAULT_LISTEN = '127.0.0.1:0';

/**
 * One named TCP proxy: a listener, its live connections and its toxics. Disabling closes the
 * listener and every open connection; enabling listens again.
 */
export class Proxy {
  readonly name: string;
  /** This proxy's toxics; changes apply to open connections immediately. */
  readonly toxics: ToxicCollection;
  readonly #services: ProxyServices;
  readonly #connections = new Set<Connection>();
  #listen: string;
  #upstream: string;
  #server: Server | undefined;

  constructor(name: string, addresses: ProxyAddresses, services: ProxyServices) {
    this.name = name;
    this.#listen = addresses.listen;
    this.#upstream = addresses.upstream;
    this.#services = services;
    this.toxics = new ToxicCollection((direction) => this.#links(direction));
  }

  /** The listen address; once started, the bound address (`127.0.0.1:41234`). */
  get listen(): string {
    return this.#listen;
  }

  get upstream(): string {
    return this.#upstream;
  }

  /** True while the proxy accepts connections. */
  get enabled(): boolean {
    return this.#server !== undefined;
  }

  /** Connections currently open through this proxy. */
  get connectionCount(): number {
    return this.#connections.size;
  }

  /**
   * Starts listening; no-op when enabled. Rejects with a 500 error when binding fails. Without
   * a listen address, binds 127.0.0.1 on a free port and warns that Toxiproxy would bind every
   * interface.
   */
  async start(): Promise<void> {
    if (this.#server !== undefined) return;
    const defaulted = this.#listen === '';
    const listen = defaulted ? DEFAULT_LISTEN : this.#listen;
    const address = parseHostPort(listen);
    if (typeof address === 'string') throw listenFailed(listen, address);
    const server = createServer({ allowHalfOpen: true, pauseOnConnect: true, noDelay: true });
    server.on('connection', (socket) => this.#accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        reject(listenFailed(listen, describeListenError(error)));
      });
      server.listen({ host: bindHost(address.host), port: address.port }, resolve);
    });
    server.on('error', () => undefined);
    const bound = server.address();
    if (bound !== null && typeof bound === 'object') this.#listen = formatAddress(bound);
    this.#server = server;
    if (defaulted) {
      this.#services.warn({
        code: ProxyWarningCode.LISTEN,
        message:
          `proxy ${this.name}: no listen address; listening on ${this.#listen} ` +
          '(loopback only, where Toxiproxy 2.12 would listen on every interface)',
      });
    }
  }

  /** Stops listening and closes every open connection; no-op when disabled. */
  async stop(): Promise<void> {
    const server = this.#server;
    if (server === undefined) return;
    this.#server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const connection of this.#connections) connection.destroy();
    await closed;
  }

  /**
   * Applies Toxiproxy's update rules: a changed listen or upstream restarts the proxy (closing
   * its connections); then `enabled` starts or stops it.
   */
  async update(addresses: ProxyAddresses, enabled: boolean): Promise<void> {
    if (addresses.listen !== this.#listen || addresses.upstream !== this.#upstream) {
      await this.stop();
      this.#listen = addresses.listen;
      this.#upstream = addresses.upstream;
    }
    if (enabled) await this.start();
    else await this.stop();
  }

  /** The proxy as the API shows it. */
  toJSON(): ProxyJson {
    return {
      name: this.name,
      listen: this.#listen,
      upstream: this.#upstream,
      enabled: this.enabled,
      toxics: this.toxics.list().map(toxicToJson),
    };
  }

  *#links(direction: Direction): Iterable<Link> {
    for (const connection of this.#connections) {
      const link = connection.link(direction);
      if (link !== undefined) yield link;
    }
  }

  #accept(client: Socket): void {
    const upstream = parseHostPort(this.#upstream);
    if (this.#server === undefined || typeof upstream === 'string') {
      client.destroy();
      return;
    }
    const { clock, random, traffic } = this.#services;
    const labels = { proxy: this.name, listener: this.#listen, upstream: this.#upstream };
    const connection = new Connection({
      client,
      upstreamHost: upstream.host === '' ? 'localhost' : upstream.host,
      upstreamPort: upstream.port,
      clock,
      random,
      toxics: (direction) => this.toxics.chain(direction),
      counter: (direction) => traffic.counter({ direction, ...labels }),
      onClosed: (closed) => this.#connections.delete(closed),
    });
    this.#connections.add(connection);
  }
}

// Worded like Go's net.Listen errors, which Toxiproxy passes through.
function describeListenError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'EADDRINUSE':
      return 'bind: address already in use';
    case 'EACCES':
      return 'bind: permission denied';
    case 'EADDRNOTAVAIL':
      return 'bind: cannot assign requested address';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'lookup: no such host';
    default:
      return error.message;
  }
}
