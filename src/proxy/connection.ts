import { connect, type Socket } from 'node:net';
import type { Clock, RandomSource } from './clock.js';
import { Link, type TrafficCounter } from './link.js';
import type { Direction, ToxicEntry } from './toxic-entry.js';

/** What a {@link Connection} needs from its proxy. */
export interface ConnectionOptions {
  readonly client: Socket;
  readonly upstreamHost: string;
  readonly upstreamPort: number;
  readonly clock: Clock;
  readonly random: RandomSource;
  /** The proxy's toxics for a direction, read once the upstream connects. */
  readonly toxics: (direction: Direction) => readonly ToxicEntry[];
  readonly counter: (direction: Direction) => TrafficCounter;
  /** Called once, when both sockets are gone. */
  readonly onClosed: (connection: Connection) => void;
}

type ConnectionState = 'connecting' | 'open' | 'closing' | 'closed';

/**
 * A client socket joined to its upstream socket by two {@link Link}s. Closing follows
 * Toxiproxy: when one direction's stream ends, its destination is closed and the other
 * direction stops reading, flushes what it holds, and closes its own destination. So a FIN from
 * either peer closes the whole connection (no half-close), gracefully.
 */
export class Connection {
  readonly #options: ConnectionOptions;
  readonly #client: Socket;
  readonly #upstream: Socket;
  #state: ConnectionState = 'connecting';
  #links: { upstream: Link; downstream: Link } | undefined;
  #closedSockets = 0;

  constructor(options: ConnectionOptions) {
    this.#options = options;
    this.#client = options.client;
    this.#client.setNoDelay(true);
    this.#upstream = connect({
      host: options.upstreamHost,
      port: options.upstreamPort,
      allowHalfOpen: true,
      noDelay: true,
    });
    this.#upstream.once('connect', () => this.#open());
    for (const socket of [this.#client, this.#upstream]) {
      // Errors end a socket's part in the connection; 'close' below does the bookkeeping.
      socket.on('error', () => undefined);
      socket.once('close', () => this.#onSocketClosed(socket));
    }
  }

  /** Links, once the upstream is connected; for the owner to apply toxic changes. */
  link(direction: Direction): Link | undefined {
    return this.#links?.[direction];
  }

  /** Closes both sockets now (proxy disabled, deleted or shut down). */
  destroy(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closing';
    this.#abortLinks();
    this.#client.destroy();
    this.#upstream.destroy();
  }

  /** Aborts both sockets with a TCP reset (the `reset_peer` toxic). */
  reset(): void {
    if (this.#state === 'closed') return;
    this.#state = 'closing';
    this.#abortLinks();
    for (const socket of [this.#client, this.#upstream]) {
      if (socket.destroyed) continue;
      try {
        socket.resetAndDestroy();
      } catch {
        socket.destroy();
      }
    }
  }

  #open(): void {
    if (this.#state !== 'connecting') return;
    this.#state = 'open';
    const { clock, random } = this.#options;
    const upstream = new Link({
      direction: 'upstream',
      source: this.#client,
      dest: this.#upstream,
      toxics: this.#options.toxics('upstream'),
      clock,
      random,
      counter: this.#options.counter('upstream'),
      onFinish: () => this.#onLinkFinished('upstream'),
      onReset: () => this.reset(),
    });
    const downstream = new Link({
      direction: 'downstream',
      source: this.#upstream,
      dest: this.#client,
      toxics: this.#options.toxics('downstream'),
      clock,
      random,
      counter: this.#options.counter('downstream'),
      onFinish: () => this.#onLinkFinished('downstream'),
      onReset: () => this.reset(),
    });
    this.#links = { upstream, downstream };
    this.#client.once('end', () => upstream.endInput());
    this.#upstream.once('end', () => downstream.endInput());
    upstream.start();
    downstream.start();
  }

  #onLinkFinished(direction: Direction): void {
    const links = this.#links;
    if (links === undefined || this.#state !== 'open') return;
    const [dest, other] =
      direction === 'upstream'
        ? [this.#upstream, links.downstream]
        : [this.#client, links.upstream];
    // Toxiproxy closes the destination outright; the other direction then reads EOF.
    dest.end();
    other.endInput();
    if (links.upstream.finished && links.downstream.finished) this.#closeSockets();
  }

  #closeSockets(): void {
    this.#state = 'closing';
    for (const socket of [this.#client, this.#upstream]) {
      if (socket.destroyed) continue;
      if (socket.writableFinished) socket.destroy();
      else socket.once('finish', () => socket.destroy());
    }
  }

  #onSocketClosed(socket: Socket): void {
    this.#closedSockets += 1;
    const links = this.#links;
    if (this.#state === 'connecting') {
      // Upstream unreachable (Toxiproxy closes the client) or the client left early.
      this.destroy();
    } else if (links !== undefined && this.#state === 'open') {
      const [reading, writing] =
        socket === this.#client
          ? [links.upstream, links.downstream]
          : [links.downstream, links.upstream];
      reading.endInput();
      writing.destinationClosed();
    }
    if (this.#closedSockets === 2) {
      this.#state = 'closed';
      this.#abortLinks();
      this.#options.onClosed(this);
    }
  }

  #abortLinks(): void {
    this.#links?.upstream.abort();
    this.#links?.downstream.abort();
  }
}
