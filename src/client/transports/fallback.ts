import { encodeMessage, systemClock, type Clock, type TimerHandle } from '../../protocol/index.js';
import {
  createPollingTransport,
  type PollingSocket,
  type PollingTransport,
  type PollingTransportOptions,
} from './polling.js';
import type {
  CloseInfo,
  OpenRequest,
  SocketHandlers,
  Transport,
  TransportKind,
  TransportSocket,
} from './types.js';

/** When a client falls back to long polling and how it moves back. */
export interface FallbackOptions {
  /**
   * Attempts in a row whose WebSocket failed before opening (refused by something other than
   * the server's auth or rate limit, or cut) after which the next attempt polls. Default 2.
   */
  fallbackAfter: number;
  /** While polling, a WebSocket is tried this often; when one opens the stream moves to it, ms. Default 15000. */
  probeIntervalMs: number;
}

/** Defaults: fall back after 2 failed WebSocket attempts, probe every 15 s. */
export const DEFAULT_FALLBACK: Readonly<FallbackOptions> = {
  fallbackAfter: 2,
  probeIntervalMs: 15_000,
};

/** Options of {@link createFallbackTransport}. */
export interface FallbackTransportOptions extends Partial<FallbackOptions> {
  /** The preferred transport (browser or Node WebSocket). */
  websocket: Transport;
  /** The polling transport, or options for the default one over `fetch`. */
  polling?: PollingTransport | PollingTransportOptions;
  /** Source of time for the probes. Default: the system clock. */
  clock?: Clock;
  /** Told each time the mode for new attempts changes (for logs and tests). */
  onModeChange?: (mode: TransportKind) => void;
}

// Refusals that are the server's own answer, not a middlebox's: auth and rate limit.
const SERVER_DECISIONS = new Set([401, 403, 429]);

/**
 * A transport that prefers WebSocket and falls back to HTTP long polling when WebSocket cannot
 * get through (the upgrade is refused or stripped on the way, or fails repeatedly while HTTP
 * works), as mature real-time clients do. While polling it probes WebSocket in the background;
 * when a probe opens, the stream moves over without a disconnection: polling stops, the probe
 * resumes from the last alert delivered, and every frame after that comes from the WebSocket.
 * Sockets report their current `kind` and call `onTransport` when it changes.
 */
export function createFallbackTransport(options: FallbackTransportOptions): Transport {
  const settings: FallbackOptions = {
    fallbackAfter: options.fallbackAfter ?? DEFAULT_FALLBACK.fallbackAfter,
    probeIntervalMs: options.probeIntervalMs ?? DEFAULT_FALLBACK.probeIntervalMs,
  };
  const clock = options.clock ?? systemClock;
  const polling: PollingTransport =
    options.polling !== undefined && 'open' in options.polling
      ? options.polling
      : createPollingTransport({ clock, ...options.polling });
  const state = { mode: 'websocket' as TransportKind, failures: 0 };
  const setMode = (mode: TransportKind): void => {
    state.failures = 0;
    if (state.mode === mode) return;
    state.mode = mode;
    options.onModeChange?.(mode);
  };
  return {
    open(request, handlers) {
      if (state.mode === 'polling') {
        return openPolling(request, handlers, {
          polling,
          websocket: options.websocket,
          clock,
          probeIntervalMs: settings.probeIntervalMs,
          // Plain HTTP failed too: the next attempt tries WebSocket again, and one more failed
          // upgrade is enough to poll again (attempts alternate until one of them opens).
          onFailedBeforeOpen: () => {
            setMode('websocket');
            state.failures = settings.fallbackAfter - 1;
          },
          onUpgraded: () => setMode('websocket'),
        });
      }
      let opened = false;
      return options.websocket.open(request, {
        onOpen: () => {
          opened = true;
          state.failures = 0;
          handlers.onOpen();
        },
        onMessage: (data) => handlers.onMessage(data),
        onClose: (info) => {
          if (!opened && !SERVER_DECISIONS.has(info.httpStatus ?? 0)) {
            state.failures += 1;
            if (state.failures >= settings.fallbackAfter) setMode('polling');
          }
          handlers.onClose(info);
        },
      });
    },
  };
}

/** One WebSocket probe. */
interface ProbeAttempt {
  /** Set once `open` has returned. */
  socket: TransportSocket | undefined;
  helloSeen: boolean;
  /** The hello says the stream can move onto this socket. */
  ready: boolean;
  /** Abandoned before `open` returned: close it then. */
  closeWhenOpened?: boolean;
}

interface PollingContext {
  polling: PollingTransport;
  websocket: Transport;
  clock: Clock;
  probeIntervalMs: number;
  onFailedBeforeOpen: () => void;
  onUpgraded: () => void;
}

/** A polling connection that probes WebSocket and moves onto the first probe that opens. */
function openPolling(
  request: OpenRequest,
  handlers: SocketHandlers,
  context: PollingContext,
): TransportSocket {
  let opened = false;
  let closed = false;
  let lastSeq: number | undefined;
  let epoch: string | undefined;
  let probeTimer: TimerHandle | undefined;
  let probe: ProbeAttempt | undefined;
  let upgraded: TransportSocket | undefined;

  const observe = (data: unknown): void => {
    if (typeof data !== 'string') return;
    // Where the stream stands, to resume the WebSocket from it.
    if (data.includes('"breach_alert"') || data.includes('"hello"')) {
      try {
        const message = JSON.parse(data) as { type?: string; seq?: number; epoch?: string };
        if (message.type === 'breach_alert' && typeof message.seq === 'number') {
          lastSeq = Math.max(lastSeq ?? 0, message.seq);
        } else if (message.type === 'hello' && typeof message.epoch === 'string') {
          epoch = message.epoch;
        }
      } catch {
        // The client reports bad frames itself.
      }
    }
  };

  const stopProbing = (): void => {
    if (probeTimer !== undefined) context.clock.clearTimeout(probeTimer);
    probeTimer = undefined;
    const pending = probe;
    probe = undefined;
    if (pending !== undefined) pending.closeWhenOpened = true;
    pending?.socket?.close(1000, 'probe abandoned');
  };

  const scheduleProbe = (): void => {
    if (closed || upgraded !== undefined) return;
    probeTimer = context.clock.setTimeout(startProbe, context.probeIntervalMs);
  };

  const startProbe = (): void => {
    probeTimer = undefined;
    if (closed || upgraded !== undefined) return;
    // Handlers may run inside `open` (a synchronous transport): they find the socket here once
    // `open` has returned, and a hello that came first is acted on then.
    const attempt: ProbeAttempt = { socket: undefined, helloSeen: false, ready: false };
    probe = attempt;
    const onHello = (data: unknown): void => {
      let hello: { type?: string; epoch?: string } = {};
      try {
        if (typeof data === 'string') hello = JSON.parse(data) as typeof hello;
      } catch {
        // Not a hello: judged below.
      }
      if (
        hello.type !== 'hello' ||
        epoch === undefined ||
        hello.epoch !== epoch ||
        lastSeq === undefined
      ) {
        // Another history (or nowhere to resume from yet): try again later.
        probe = undefined;
        attempt.socket?.close(1000, 'probe');
        attempt.closeWhenOpened = true;
        scheduleProbe();
        return;
      }
      attempt.ready = true;
      if (attempt.socket !== undefined) moveTo(attempt.socket, epoch);
    };
    const socket = context.websocket.open(request, {
      onOpen: () => {},
      onMessage: (data) => {
        if (upgraded !== undefined && upgraded === attempt.socket) {
          // After the move: the connection's frames, passed on untouched (no further move
          // needs to know where the stream stands, so nothing is parsed here).
          if (!closed) handlers.onMessage(data);
          return;
        }
        if (probe !== attempt || attempt.helloSeen) return;
        attempt.helloSeen = true;
        onHello(data);
      },
      onClose: (info: CloseInfo) => {
        if (upgraded !== undefined && upgraded === attempt.socket) {
          if (!closed) {
            closed = true;
            handlers.onClose(info);
          }
          return;
        }
        if (probe !== attempt) return;
        probe = undefined;
        scheduleProbe();
      },
    });
    attempt.socket = socket;
    if (attempt.closeWhenOpened === true || closed || upgraded !== undefined) {
      socket.close(1000, 'probe abandoned');
    } else if (attempt.ready && probe === attempt) moveTo(socket, epoch!);
  };

  // The probe opened in the same history: polling stops, the WebSocket resumes after the last
  // alert delivered and carries the connection from now on (the client dedupes any overlap).
  const moveTo = (socket: TransportSocket, streamEpoch: string): void => {
    probe = undefined;
    upgraded = socket;
    pollingSocket.handOver();
    socket.send(encodeMessage({ type: 'resume', lastSeq: lastSeq ?? 0, epoch: streamEpoch }));
    context.onUpgraded();
    handlers.onTransport?.('websocket');
  };

  const pollingSocket: PollingSocket = context.polling.open(request, {
    onOpen: () => {
      opened = true;
      handlers.onOpen();
      scheduleProbe();
    },
    onMessage: (data) => {
      if (upgraded !== undefined) {
        // A pong for a ping sent before the move still counts.
        if (typeof data === 'string' && data.includes('"pong"')) handlers.onMessage(data);
        return;
      }
      observe(data);
      handlers.onMessage(data);
    },
    onClose: (info) => {
      if (closed || upgraded !== undefined) return;
      closed = true;
      stopProbing();
      if (!opened) context.onFailedBeforeOpen();
      handlers.onClose(info);
    },
  });

  return {
    get kind(): TransportKind {
      return upgraded === undefined ? 'polling' : 'websocket';
    },
    send(data) {
      if (upgraded !== undefined) {
        upgraded.send(data);
        return;
      }
      // The client's resume says where it stands before any alert arrives.
      if (data.includes('"type":"resume"')) {
        try {
          const resume = JSON.parse(data) as { lastSeq?: number };
          if (typeof resume.lastSeq === 'number') lastSeq = Math.max(lastSeq ?? 0, resume.lastSeq);
        } catch {
          // Not ours to judge.
        }
      }
      pollingSocket.send(data);
    },
    close(code, reason) {
      stopProbing();
      if (upgraded !== undefined) upgraded.close(code, reason);
      else pollingSocket.close(code, reason);
    },
  };
}
