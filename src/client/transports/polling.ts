import { systemClock, type Clock, type TimerHandle } from '../../protocol/index.js';
import type { BreachAlertMessage, ClientMessage, ServerMessage } from '../../protocol/index.js';
import { parseRetryAfterHeader } from '../retry-after.js';
import { BREACH_ALERTS_PATH } from '../url.js';
import {
  ABNORMAL_CLOSURE,
  type CloseInfo,
  type OpenRequest,
  type SocketHandlers,
  type Transport,
  type TransportSocket,
} from './types.js';

/** The part of the WHATWG `fetch` the polling transport uses. */
export type FetchLike = (
  url: string,
  init: { headers: Record<string, string>; signal: AbortSignal },
) => Promise<{
  status: number;
  headers: { get(name: string): string | null };
  json(): Promise<unknown>;
  text(): Promise<string>;
}>;

/** Options of {@link createPollingTransport}. */
export interface PollingTransportOptions {
  /** Default: `globalThis.fetch`. */
  fetch?: FetchLike;
  /** Longest a poll waits on the server for the next alert, ms (the server allows ≤ 30000). Default 25000. */
  waitMs?: number;
  /** Most alerts one request asks for (the server allows ≤ 1000). Default 500. */
  pageSize?: number;
  /** A request not answered this long after its wait is abandoned (the connection closes 1006), ms. Default 15000. */
  graceMs?: number;
  /** Source of time. Default: the system clock. */
  clock?: Clock;
}

/** A polling socket that can step aside for a WebSocket without ending the stream. */
export interface PollingSocket extends TransportSocket {
  readonly kind: 'polling';
  /**
   * Stops polling and reports nothing more except the pongs of pings already sent; never
   * reports `onClose`. For a fallback socket that moves the stream onto a WebSocket.
   */
  handOver(): void;
}

/** A {@link Transport} whose sockets are {@link PollingSocket}s. */
export interface PollingTransport extends Transport {
  open(request: OpenRequest, handlers: SocketHandlers): PollingSocket;
}

/** What `GET /api/alerts` answers. */
interface PollAnswer {
  epoch: string;
  lastSeq: number;
  gap: boolean;
  missed: number;
  alerts: BreachAlertMessage[];
}

/** HTTP base of the server behind a WebSocket endpoint URL (`ws://h/p/ws/breach-alerts/u` → `http://h/p`). */
export function httpBaseOf(endpointUrl: string): string {
  const url = new URL(endpointUrl);
  url.protocol =
    url.protocol === 'wss:' ? 'https:' : url.protocol === 'ws:' ? 'http:' : url.protocol;
  const at = url.pathname.lastIndexOf(BREACH_ALERTS_PATH);
  url.pathname = at >= 0 ? url.pathname.slice(0, at) : url.pathname.replace(/\/+$/, '');
  url.search = '';
  url.hash = '';
  return url.toString().replace(/\/+$/, '');
}

/** A refused request as a close: the status and `Retry-After` go where the client reads them. */
class Refused extends Error {
  constructor(readonly info: CloseInfo) {
    super(info.reason);
  }
}

/**
 * A transport that speaks the WebSocket protocol's messages over HTTP long polling
 * (`GET /api/alerts?since=&epoch=&wait=`), for networks where WebSocket cannot get through.
 * Each socket opens with a handshake that asks where the stream stands (and checks the token),
 * greets the client with a `hello`, answers `resume` with the replay (pages of `limit`) and a
 * `resumed`, then long-polls for live alerts. A `ping` is a round trip to `/healthz`; acks are
 * implied by the next poll's `since`. The client's machine sees one connection, with the same
 * exactly-once, in-order delivery as on a WebSocket.
 */
export function createPollingTransport(options: PollingTransportOptions = {}): PollingTransport {
  const fetchImpl = options.fetch ?? (globalThis as { fetch?: FetchLike }).fetch?.bind(globalThis);
  const settings = {
    waitMs: options.waitMs ?? 25_000,
    pageSize: options.pageSize ?? 500,
    graceMs: options.graceMs ?? 15_000,
    clock: options.clock ?? systemClock,
  };
  let sockets = 0;
  return {
    open(request, handlers) {
      sockets += 1;
      const socket = new HttpPollingSocket(
        request,
        handlers,
        fetchImpl,
        settings,
        `poll-${sockets}`,
      );
      socket.start();
      return socket;
    },
  };
}

class HttpPollingSocket implements PollingSocket {
  readonly kind = 'polling' as const;
  readonly #handlers: SocketHandlers;
  readonly #fetch: FetchLike | undefined;
  readonly #settings: Required<Omit<PollingTransportOptions, 'fetch'>>;
  readonly #base: string;
  readonly #token: string | undefined;
  readonly #id: string;
  /** Aborts the handshake and the polls (pings keep their own, see handOver). */
  readonly #polls = new AbortController();
  readonly #pings = new AbortController();
  #open = false;
  #done = false;
  #handedOver = false;
  #started = false;
  #cursor = 0;
  #epoch = '';

  constructor(
    request: OpenRequest,
    handlers: SocketHandlers,
    fetchImpl: FetchLike | undefined,
    settings: Required<Omit<PollingTransportOptions, 'fetch'>>,
    id: string,
  ) {
    this.#handlers = handlers;
    this.#fetch = fetchImpl;
    this.#settings = settings;
    this.#token = request.token;
    this.#id = id;
    let base = '';
    try {
      base = httpBaseOf(request.url);
    } catch {
      // Reported by start(): an unusable URL fails the handshake.
    }
    this.#base = base;
  }

  start(): void {
    void this.#handshake();
  }

  send(data: string): void {
    if (!this.#open || this.#done || this.#handedOver) return;
    let message: ClientMessage;
    try {
      message = JSON.parse(data) as ClientMessage;
    } catch {
      return;
    }
    switch (message.type) {
      case 'resume':
        if (this.#started) return;
        this.#started = true;
        this.#cursor = message.lastSeq;
        this.#epoch = message.epoch;
        void this.#run();
        return;
      case 'ping':
        void this.#ping(message.id);
        return;
      case 'ack':
        // The next poll's `since` tells the server as much.
        return;
    }
  }

  close(code: number, reason: string): void {
    this.#pings.abort();
    this.#finish({ code, reason, wasClean: true });
  }

  handOver(): void {
    if (this.#done) return;
    this.#handedOver = true;
    this.#done = true;
    this.#polls.abort();
  }

  async #handshake(): Promise<void> {
    try {
      const head = await this.#get(`since=0&limit=0`, 0);
      this.#epoch = head.epoch;
      if (this.#done) return;
      this.#open = true;
      this.#handlers.onOpen();
      if (this.#done) return;
      const { clock } = this.#settings;
      this.#deliver({
        type: 'hello',
        connectionId: this.#id,
        epoch: head.epoch,
        serverTime: clock.now(),
        heartbeat: { intervalMs: 30_000, timeoutMs: 10_000 },
      });
    } catch (error) {
      this.#fail(error);
    }
  }

  // The resume replay in pages, then live alerts by long polling, until closed.
  async #run(): Promise<void> {
    try {
      let replayed = 0;
      let first: PollAnswer | undefined;
      for (;;) {
        const page = await this.#get(this.#query(0), 0);
        first ??= page;
        if (this.#done) return;
        this.#epoch = page.epoch;
        for (const alert of page.alerts) this.#alert(alert);
        replayed += page.alerts.length;
        if (page.alerts.length < this.#settings.pageSize || this.#cursor >= page.lastSeq) break;
      }
      this.#deliver({ type: 'resumed', replayed, gap: first.gap, missed: first.missed });
      while (!this.#done) {
        const answer = await this.#get(this.#query(this.#settings.waitMs), this.#settings.waitMs);
        if (this.#done) return;
        if (answer.gap && answer.epoch !== this.#epoch) {
          // The history was lost while polling: as a WebSocket session would, end the connection
          // so the client's next hello starts over in the new epoch.
          this.close(1012, 'history reset');
          return;
        }
        for (const alert of answer.alerts) this.#alert(alert);
      }
    } catch (error) {
      this.#fail(error);
    }
  }

  #query(waitMs: number): string {
    const epoch = this.#epoch === '' ? '' : `&epoch=${encodeURIComponent(this.#epoch)}`;
    return `since=${this.#cursor}${epoch}&limit=${this.#settings.pageSize}&wait=${waitMs}`;
  }

  #alert(alert: BreachAlertMessage): void {
    if (this.#done || alert.seq <= this.#cursor) return;
    this.#cursor = alert.seq;
    this.#deliver({ ...alert, type: 'breach_alert' });
  }

  async #ping(id: string): Promise<void> {
    const fetchImpl = this.#fetch;
    if (fetchImpl === undefined) return;
    try {
      const response = await fetchImpl(`${this.#base}/healthz`, {
        headers: {},
        signal: this.#pings.signal,
      });
      await response.text();
    } catch {
      // No pong: the heartbeat judges the silence.
      return;
    }
    if (this.#done && !this.#handedOver) return;
    const now = this.#settings.clock.now();
    const pong: ServerMessage = {
      type: 'pong',
      id,
      timestamp: new Date(now).toISOString(),
      serverTime: now,
    };
    this.#handlers.onMessage(JSON.stringify(pong));
  }

  async #get(query: string, waitMs: number): Promise<PollAnswer> {
    const fetchImpl = this.#fetch;
    if (fetchImpl === undefined) throw new Error('no fetch here: pass options.fetch');
    if (this.#base === '') throw new Error('unusable endpoint URL');
    const headers: Record<string, string> = {};
    if (this.#token !== undefined) headers.authorization = `Bearer ${this.#token}`;
    // One request at a time: a request that outlives its wait by graceMs is abandoned.
    const request = new AbortController();
    const abort = (): void => request.abort();
    this.#polls.signal.addEventListener('abort', abort);
    const { clock } = this.#settings;
    let timedOut = false;
    const timer: TimerHandle = clock.setTimeout(() => {
      timedOut = true;
      request.abort();
    }, waitMs + this.#settings.graceMs);
    try {
      const response = await fetchImpl(`${this.#base}/api/alerts?${query}`, {
        headers,
        signal: request.signal,
      });
      if (response.status !== 200) {
        await response.text().catch(() => '');
        const info: CloseInfo = {
          code: ABNORMAL_CLOSURE,
          reason: `poll refused with HTTP ${response.status}`,
          wasClean: false,
          httpStatus: response.status,
        };
        const retryAfterMs = parseRetryAfterHeader(
          response.headers.get('retry-after') ?? undefined,
          clock.now(),
        );
        if (retryAfterMs !== undefined) info.retryAfterMs = retryAfterMs;
        throw new Refused(info);
      }
      return (await response.json()) as PollAnswer;
    } catch (error) {
      if (timedOut) throw new Error('poll timed out', { cause: error });
      throw error;
    } finally {
      clock.clearTimeout(timer);
      this.#polls.signal.removeEventListener('abort', abort);
    }
  }

  #deliver(message: ServerMessage): void {
    if (this.#done) return;
    this.#handlers.onMessage(JSON.stringify(message));
  }

  #fail(error: unknown): void {
    if (this.#done) return;
    if (error instanceof Refused) {
      this.#finish(error.info);
      return;
    }
    const reason = error instanceof Error ? error.message : String(error);
    this.#pings.abort();
    this.#finish({ code: ABNORMAL_CLOSURE, reason, wasClean: false });
  }

  #finish(info: CloseInfo): void {
    if (this.#done) return;
    this.#done = true;
    this.#polls.abort();
    // Reported after the caller's turn, as a WebSocket's close event would be.
    void Promise.resolve().then(() => this.#handlers.onClose(info));
  }
}
