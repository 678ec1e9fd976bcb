import type { Socket } from 'node:net';
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import { CloseCode } from '../../protocol/index.js';
import type { Session } from '../core/session.js';
import type { SessionTransport } from '../core/types.js';
import type { BreachAlertMessage } from '../../protocol/index.js';
import type { AlertWireFrames } from './alert-wire.js';
import type { TextFrames } from './text-frame.js';

// A replay sends its next batch only once the TCP socket holds less than this unsent.
const REPLAY_LOW_WATER_BYTES = 64 * 1024;

// The link rides on its socket under this key, so the socket's listeners can be shared by every
// connection instead of being closures made for each (memory per socket).
const kLink = Symbol('stormwatch.link');
type LinkedSocket = WebSocket & { [kLink]?: SocketLink };

/**
 * One ws socket as a session's transport: frames in, frames out, back-pressure for replays. A
 * plain object with its methods on the prototype and listeners shared by every socket, because
 * the server holds one per open connection and every closure per connection counts at 10,000.
 */
export class SocketLink implements SessionTransport {
  readonly #socket: WebSocket;
  readonly #raw: Socket;
  readonly #log: FastifyBaseLogger;
  /** The server's open sockets: this one is in it until it closed. */
  readonly #sockets: Set<WebSocket>;
  /**
   * Frames text for a write of its own to the TCP socket, past ws's sender; undefined when the
   * socket negotiated an extension (permessage-deflate), whose frames only ws can build.
   */
  #frames: TextFrames | undefined;
  /** Frames alerts byte by byte; shared by every socket, like `#frames`. */
  readonly #alerts: AlertWireFrames;
  #session: Session | undefined;
  /**
   * The code ws closed with after a bad frame. Its 'close' event reports the peer's code, and a
   * peer's close frame cannot be read after a frame error, so that event says 1006.
   */
  #sentCode: number | undefined;

  constructor(
    socket: WebSocket,
    raw: Socket,
    log: FastifyBaseLogger,
    sockets: Set<WebSocket>,
    frames: TextFrames,
    alerts: AlertWireFrames,
  ) {
    this.#socket = socket;
    this.#raw = raw;
    this.#log = log;
    this.#sockets = sockets;
    this.#frames = socket.extensions === '' ? frames : undefined;
    this.#alerts = alerts;
  }

  /** Feeds `session` the socket's frames and its end; call once, right after it opened. */
  attach(session: Session): void {
    this.#session = session;
    const socket = this.#socket as LinkedSocket;
    this.#sockets.add(socket);
    socket[kLink] = this;
    socket.on('message', onMessage);
    socket.on('close', onClose);
    socket.on('error', onError);
  }

  send(text: string): void {
    const socket = this.#socket;
    if (socket.readyState !== socket.OPEN) return;
    const frames = this.#frames;
    // ws's sender writes each frame at once (no extension, no Blob ever sent here), so a frame
    // written here keeps its place among ws's own (pongs, the close frame).
    if (frames !== undefined) this.#raw.write(frames.frame(text));
    else socket.send(text);
    // The upgrade fast path corks the socket across the 101: the hello goes out with it.
    if (this.#raw.writableCorked !== 0) this.#raw.uncork();
  }

  sendAlert(alert: BreachAlertMessage): void {
    const socket = this.#socket;
    if (socket.readyState !== socket.OPEN) return;
    if (this.#frames !== undefined) this.#raw.write(this.#alerts.frame(alert));
    else socket.send(this.#alerts.text(alert));
    if (this.#raw.writableCorked !== 0) this.#raw.uncork();
  }

  drained(): Promise<void> | undefined {
    const socket = this.#socket;
    if (socket.readyState !== socket.OPEN || socket.bufferedAmount < REPLAY_LOW_WATER_BYTES) {
      return undefined;
    }
    const raw = this.#raw;
    return new Promise<void>((resolve) => {
      const done = (): void => {
        raw.off('drain', done);
        raw.off('close', done);
        resolve();
      };
      raw.on('drain', done);
      raw.on('close', done);
    });
  }

  close(code: number, reason: string): void {
    this.#socket.close(code, reason);
  }

  terminate(): void {
    this.#socket.terminate();
  }

  /** A frame from the peer. */
  received(data: RawData, isBinary: boolean): void {
    const bytes = Array.isArray(data)
      ? Buffer.concat(data)
      : Buffer.isBuffer(data)
        ? data
        : Buffer.from(data);
    // Binary frames reach the session as bytes so it can refuse them with an error frame.
    void this.#session?.receive(isBinary ? bytes : bytes.toString('utf8'), bytes.length);
  }

  /** The socket closed, with the peer's `code` (or 1006). */
  closed(code: number): void {
    this.#sockets.delete(this.#socket);
    this.#session?.handleTransportClosed(this.#sentCode ?? code);
  }

  /** ws closes the socket itself after an error; the 'close' event that follows ends the session. */
  failed(error: Error): void {
    this.#sentCode ??= closeCodeOfFrameError(error);
    this.#log.debug(
      { connectionId: this.#session?.connectionId, err: error.message },
      'socket error',
    );
  }
}

function onMessage(this: LinkedSocket, data: RawData, isBinary: boolean): void {
  this[kLink]?.received(data, isBinary);
}
function onClose(this: LinkedSocket, code: number): void {
  this[kLink]?.closed(code);
}
function onError(this: LinkedSocket, error: Error): void {
  this[kLink]?.failed(error);
}

/**
 * The close code ws sends after a frame error, from the error's documented `code`
 * (ws `doc/ws.md`, "Error codes"); undefined for errors of the TCP socket itself.
 */
export function closeCodeOfFrameError(error: Error): number | undefined {
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !code.startsWith('WS_ERR_')) return undefined;
  if (
    code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ||
    code === 'WS_ERR_UNSUPPORTED_DATA_PAYLOAD_LENGTH'
  ) {
    return CloseCode.TOO_BIG;
  }
  // RFC 6455 §7.4.1: 1007 is for data that does not match its type (text that is not UTF-8).
  if (code === 'WS_ERR_INVALID_UTF8') return 1007;
  if (code === 'WS_ERR_TOO_MANY_BUFFERED_PARTS') return CloseCode.POLICY;
  return 1002;
}
