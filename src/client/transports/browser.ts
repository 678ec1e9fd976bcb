import { BEARER_SUBPROTOCOL_PREFIX, SUBPROTOCOL } from '../../protocol/index.js';
import { ClientError, ClientErrorCode } from '../errors.js';
import { ABNORMAL_CLOSURE, type Transport } from './types.js';

/** The part of the WHATWG WebSocket this transport uses. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null;
  onerror: ((event: unknown) => void) | null;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/** A WebSocket constructor (the global one, or a stand-in in tests). */
export type WebSocketConstructor = new (url: string, protocols?: string[]) => WebSocketLike;

/** Options of {@link createBrowserTransport}. */
export interface BrowserTransportOptions {
  /** The WebSocket implementation. Default: `globalThis.WebSocket`. */
  WebSocket?: WebSocketConstructor;
}

const OPEN = 1;

/**
 * A transport over the WHATWG WebSocket (browsers, Deno, Node ≥ 22). Browsers cannot set
 * headers on the upgrade, so the token travels as subprotocols `["stormwatch.v1", "bearer.<jwt>"]`.
 * The browser hides the HTTP status of a refused upgrade (it reports close 1006), so a server
 * should prefer accepting and closing with 4401/4403 for browser clients.
 *
 * @throws ClientError CLIENT_INVALID_OPTIONS when no WebSocket implementation is available
 */
export function createBrowserTransport(options: BrowserTransportOptions = {}): Transport {
  const Ctor = options.WebSocket ?? (globalThis as { WebSocket?: WebSocketConstructor }).WebSocket;
  if (Ctor === undefined) {
    throw new ClientError(
      ClientErrorCode.INVALID_OPTIONS,
      'transport: no global WebSocket here; in Node pass createNodeTransport() from stormwatch/client/node',
    );
  }
  return {
    open({ url, token, subprotocols, tokenHeader }, handlers) {
      if (tokenHeader !== undefined && token !== undefined) {
        handlers.onClose({
          code: ABNORMAL_CLOSURE,
          reason: `browsers cannot set the ${tokenHeader.name} header on an upgrade: carry the token in the query or a subprotocol`,
          wasClean: false,
        });
        return { send() {}, close() {} };
      }
      const protocols = [...(subprotocols ?? [SUBPROTOCOL])];
      if (token !== undefined && tokenHeader === undefined && subprotocols === undefined) {
        protocols.push(BEARER_SUBPROTOCOL_PREFIX + token);
      }
      let closed = false;
      let ws: WebSocketLike;
      try {
        ws = new Ctor(url, protocols);
      } catch (error) {
        closed = true;
        const reason = error instanceof Error ? error.message : String(error);
        handlers.onClose({ code: ABNORMAL_CLOSURE, reason, wasClean: false });
        return { send() {}, close() {} };
      }
      ws.onopen = () => handlers.onOpen();
      ws.onmessage = (event) => handlers.onMessage(event.data);
      // An error event is always followed by a close event, which carries what we need.
      ws.onerror = () => {};
      ws.onclose = (event) => {
        if (closed) return;
        closed = true;
        handlers.onClose({ code: event.code, reason: event.reason, wasClean: event.wasClean });
      };
      return {
        send(data) {
          if (ws.readyState === OPEN) ws.send(data);
        },
        close(code, reason) {
          ws.close(code, reason);
        },
      };
    },
  };
}
