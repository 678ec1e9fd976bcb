import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { TargetError, TargetErrorCode } from './errors.js';

/** Sends `body` as JSON with `status`. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    ...headers,
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
  });
  res.end(text);
}

/** Sends `error` as its status with `{"error": message, "code": code}`. */
export function sendError(
  res: ServerResponse,
  error: TargetError,
  headers: Record<string, string> = {},
): void {
  sendJson(res, error.status, { error: error.message, code: error.code }, headers);
}

/**
 * Answers an upgrade request with `error` instead of switching protocols, then closes the
 * connection (RFC 6455 §4.2.2: the server may answer the handshake with any HTTP status).
 */
export function rejectUpgrade(socket: Duplex, error: TargetError): void {
  if (socket.destroyed) return;
  const text = JSON.stringify({ error: error.message, code: error.code });
  socket.end(
    `HTTP/1.1 ${error.status} ${error.reason}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json; charset=utf-8\r\n' +
      `Content-Length: ${Buffer.byteLength(text)}\r\n` +
      '\r\n' +
      text,
  );
}

/**
 * Reads the whole request body. A body over `limitBytes` rejects with `PAYLOAD_TOO_LARGE` once
 * the rest has been drained (not kept), so the client reads the 413 instead of a reset.
 */
export function readBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let receivedBytes = 0;
    req.on('data', (chunk: Buffer) => {
      receivedBytes += chunk.length;
      if (receivedBytes <= limitBytes) chunks.push(chunk);
    });
    req.on('error', reject);
    req.on('end', () => {
      if (receivedBytes > limitBytes) {
        reject(
          new TargetError(
            TargetErrorCode.PAYLOAD_TOO_LARGE,
            `expected a body of at most ${limitBytes} bytes, got ${receivedBytes}`,
          ),
        );
      } else {
        resolve(Buffer.concat(chunks));
      }
    });
  });
}

/** Starts `server` on `host:port` and resolves with the port it got (`port` 0 picks one). */
export function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting connections, drops the open ones and resolves once the server is closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close((error) => (error === undefined ? resolve() : reject(error)));
    server.closeAllConnections();
  });
}

/** `host:port`, with an IPv6 literal in brackets (RFC 3986 §3.2.2). */
export function formatHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}
