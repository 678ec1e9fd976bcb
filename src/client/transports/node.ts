import { Buffer } from 'node:buffer';
import WebSocket, { type RawData } from 'ws';
import { CloseCode, SUBPROTOCOL, systemClock, type Clock } from '../../protocol/index.js';
import { parseRetryAfterHeader } from '../retry-after.js';
import { ABNORMAL_CLOSURE, type CloseInfo, type Transport } from './types.js';

/** Options of {@link createNodeTransport}. */
export interface NodeTransportOptions {
  /** Clock used to turn an HTTP-date `Retry-After` into a delay. Default: the system clock. */
  clock?: Clock;
  /** Extra upgrade request headers. */
  headers?: Record<string, string>;
  /** Largest frame accepted, bytes. Default: ws's 100 MiB. */
  maxPayload?: number;
}

/**
 * A transport over `ws` for Node. The token travels as `Authorization: Bearer <token>`; a refused
 * upgrade (ws's `unexpected-response`) reports its HTTP status and `Retry-After` in the close
 * info, so the client can tell 401, 403 and 429 apart.
 */
export function createNodeTransport(options: NodeTransportOptions = {}): Transport {
  const clock = options.clock ?? systemClock;
  return {
    open({ url, token, subprotocols, tokenHeader }, handlers) {
      const headers: Record<string, string> = { ...options.headers };
      if (token !== undefined) {
        const { name, prefix } = tokenHeader ?? { name: 'authorization', prefix: 'Bearer ' };
        headers[name.toLowerCase()] = prefix + token;
      }
      let ws: WebSocket;
      try {
        ws = new WebSocket(url, [...(subprotocols ?? [SUBPROTOCOL])], {
          headers,
          perMessageDeflate: false,
          ...(options.maxPayload === undefined ? {} : { maxPayload: options.maxPayload }),
        });
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        handlers.onClose({ code: ABNORMAL_CLOSURE, reason, wasClean: false });
        return { send() {}, close() {} };
      }
      let refused: Pick<CloseInfo, 'httpStatus' | 'retryAfterMs'> = {};
      ws.on('unexpected-response', (_request, response) => {
        refused = { httpStatus: response.statusCode ?? 0 };
        const retryAfterMs = parseRetryAfterHeader(response.headers['retry-after'], clock.now());
        if (retryAfterMs !== undefined) refused.retryAfterMs = retryAfterMs;
        response.resume();
        ws.terminate();
      });
      ws.on('open', () => handlers.onOpen());
      if (handlers.onPong !== undefined) {
        const onPong = handlers.onPong.bind(handlers);
        ws.on('pong', (data) => onPong(data.toString('utf8')));
      }
      ws.on('message', (data, isBinary) => {
        handlers.onMessage(isBinary ? data : rawDataToText(data));
      });
      // ws always follows 'error' with 'close', which is what the client acts on.
      ws.on('error', () => {});
      ws.on('close', (code, reason) => {
        handlers.onClose({
          code,
          reason: reason.toString(),
          wasClean: code !== ABNORMAL_CLOSURE,
          ...refused,
        });
      });
      return {
        send(data) {
          if (ws.readyState === WebSocket.OPEN) ws.send(data);
        },
        ping(data) {
          if (ws.readyState === WebSocket.OPEN) ws.ping(data);
        },
        close(code, reason) {
          if (ws.readyState === WebSocket.CONNECTING) {
            ws.terminate();
            return;
          }
          ws.close(code, reason);
          // A dead (half-open) peer will never answer the close frame; don't wait for it.
          if (code === CloseCode.HEARTBEAT_TIMEOUT) ws.terminate();
        },
      };
    },
  };
}

function rawDataToText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}
