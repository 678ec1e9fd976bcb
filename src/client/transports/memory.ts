import { encodeMessage, type ServerMessage } from '../../protocol/index.js';
import { ABNORMAL_CLOSURE, type CloseInfo, type SocketHandlers, type Transport } from './types.js';

/** Life of an in-memory connection. */
export type MemoryConnectionState = 'pending' | 'open' | 'closed';

/** How an in-memory connection ended. */
export interface MemoryCloseRecord extends CloseInfo {
  /** Which side ended it. */
  by: 'client' | 'server';
}

/**
 * The server's end of one in-memory connection. Delivery is synchronous: `send` reaches the
 * client before it returns, so tests drive timing only through the clock.
 */
export class MemoryConnection {
  /** 1-based order of this connection on its transport. */
  readonly id: number;
  /** URL the client asked for. */
  readonly url: string;
  /** Token the client presented. */
  readonly token: string | undefined;
  /** Frames the client sent, in order. */
  readonly received: string[] = [];
  #state: MemoryConnectionState = 'pending';
  #closed: MemoryCloseRecord | undefined;
  readonly #handlers: SocketHandlers;
  readonly #listeners = new Set<(data: string) => void>();

  /** @internal made by the transport */
  constructor(id: number, url: string, token: string | undefined, handlers: SocketHandlers) {
    this.id = id;
    this.url = url;
    this.token = token;
    this.#handlers = handlers;
  }

  get state(): MemoryConnectionState {
    return this.#state;
  }

  /** How the connection ended, once it has. */
  get closed(): MemoryCloseRecord | undefined {
    return this.#closed;
  }

  /** Completes the upgrade: the client sees the socket open. */
  accept(): void {
    if (this.#state !== 'pending') return;
    this.#state = 'open';
    this.#handlers.onOpen();
  }

  /** Refuses the upgrade with an HTTP status (and optional Retry-After, ms). */
  refuse(httpStatus: number, retryAfterMs?: number): void {
    if (this.#state !== 'pending') return;
    const info: CloseInfo = { code: ABNORMAL_CLOSURE, reason: '', wasClean: false, httpStatus };
    if (retryAfterMs !== undefined) info.retryAfterMs = retryAfterMs;
    this.#finish({ ...info, by: 'server' });
  }

  /** Sends a frame to the client: a message (encoded as JSON) or raw data. */
  send(message: ServerMessage | string | Uint8Array): void {
    if (this.#state !== 'open') return;
    this.#handlers.onMessage(
      typeof message === 'string' || message instanceof Uint8Array
        ? message
        : encodeMessage(message),
    );
  }

  /** Closes from the server side with a close frame. */
  close(code: number, reason = ''): void {
    if (this.#state === 'closed') return;
    this.#finish({ code, reason, wasClean: true, by: 'server' });
  }

  /** Breaks the link without a close frame (the client sees 1006). */
  drop(): void {
    if (this.#state === 'closed') return;
    this.#finish({ code: ABNORMAL_CLOSURE, reason: '', wasClean: false, by: 'server' });
  }

  /** Calls `listener` with every frame the client sends from now on. */
  onMessage(listener: (data: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** @internal the client's send */
  deliverFromClient(data: string): void {
    if (this.#state !== 'open') return;
    this.received.push(data);
    for (const listener of [...this.#listeners]) listener(data);
  }

  /** @internal the client's close */
  closeFromClient(code: number, reason: string): void {
    if (this.#state === 'closed') return;
    this.#finish({ code, reason, wasClean: true, by: 'client' });
  }

  #finish(record: MemoryCloseRecord): void {
    this.#state = 'closed';
    this.#closed = record;
    this.#listeners.clear();
    const { by: _by, ...info } = record;
    this.#handlers.onClose(info);
  }
}

/** The server side of an in-memory transport. */
export interface MemoryServer {
  /** Every connection ever opened, in order. */
  readonly connections: readonly MemoryConnection[];
  /** Connections currently pending or open. */
  readonly live: readonly MemoryConnection[];
  /** Calls `listener` for each new connection; returns an unsubscribe function. */
  onConnection(listener: (connection: MemoryConnection) => void): () => void;
}

/**
 * An in-memory transport and the server end of its connections, for tests and simulation. New
 * connections wait in `pending` until the server side calls `accept()` or `refuse()`.
 */
export function createMemoryTransport(): { transport: Transport; server: MemoryServer } {
  const connections: MemoryConnection[] = [];
  const listeners = new Set<(connection: MemoryConnection) => void>();
  const transport: Transport = {
    open({ url, token }, handlers) {
      const connection = new MemoryConnection(connections.length + 1, url, token, handlers);
      connections.push(connection);
      for (const listener of [...listeners]) listener(connection);
      return {
        send: (data) => connection.deliverFromClient(data),
        close: (code, reason) => connection.closeFromClient(code, reason),
      };
    },
  };
  const server: MemoryServer = {
    get connections() {
      return connections;
    },
    get live() {
      return connections.filter((c) => c.state !== 'closed');
    },
    onConnection(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return { transport, server };
}
