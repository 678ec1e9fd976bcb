import WebSocket from 'ws';

/** A raw WebSocket peer for tests: buffers parsed frames and awaits the ones asked for. */
export interface WsPeer {
  socket: WebSocket;
  /** Resolves with the next frame (parsed JSON) matching `predicate`, in arrival order. */
  next<T = Record<string, unknown>>(
    predicate?: (m: Record<string, unknown>) => boolean,
    timeoutMs?: number,
  ): Promise<T>;
  /** Every frame received so far. */
  received: Record<string, unknown>[];
  send(value: unknown): void;
  closed: Promise<{ code: number; reason: string }>;
  close(): Promise<void>;
}

/** The server answered the upgrade with an HTTP status instead of 101. */
export class UpgradeRefusal extends Error {
  constructor(
    readonly status: number,
    readonly headers: Record<string, string | string[] | undefined>,
    readonly body: string,
  ) {
    super(`upgrade refused with ${status}`);
  }
}

/** Opens a WebSocket and resolves once open; rejects with an UpgradeRefusal on a non-101. */
export function openPeer(
  url: string,
  options: { token?: string; protocols?: string[]; origin?: string } = {},
): Promise<WsPeer> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  const socket = new WebSocket(url, options.protocols ?? [], {
    headers,
    ...(options.origin === undefined ? {} : { origin: options.origin }),
  });
  const received: Record<string, unknown>[] = [];
  let cursor = 0;
  const waiters: Array<() => void> = [];
  socket.on('message', (data, isBinary) => {
    received.push(
      isBinary
        ? { binary: true }
        : (JSON.parse((data as Buffer).toString()) as Record<string, unknown>),
    );
    for (const wake of waiters.splice(0)) wake();
  });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.on('close', (code, reason) => {
      resolve({ code, reason: reason.toString() });
      for (const wake of waiters.splice(0)) wake();
    });
  });
  const peer: WsPeer = {
    socket,
    received,
    closed,
    send: (value) => socket.send(typeof value === 'string' ? value : JSON.stringify(value)),
    next<T>(predicate: (m: Record<string, unknown>) => boolean = () => true, timeoutMs = 5000) {
      return new Promise<T>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no matching frame within ${timeoutMs} ms; got ${JSON.stringify(received.slice(cursor))}`,
              ),
            ),
          timeoutMs,
        );
        const check = () => {
          while (cursor < received.length) {
            const frame = received[cursor++]!;
            if (predicate(frame)) {
              clearTimeout(timer);
              resolve(frame as T);
              return;
            }
          }
          if (socket.readyState === WebSocket.CLOSED) {
            clearTimeout(timer);
            reject(
              new Error(`socket closed before a matching frame; got ${JSON.stringify(received)}`),
            );
            return;
          }
          waiters.push(check);
        };
        check();
      });
    },
    async close() {
      if (socket.readyState === WebSocket.CLOSED) return;
      socket.close();
      await closed;
    },
  };
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve(peer));
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => reject(new UpgradeRefusal(res.statusCode ?? 0, res.headers, body)));
    });
    socket.once('error', (error) => reject(error));
  });
}

/** Expects the upgrade to be refused; returns the refusal. */
export async function expectRefused(
  url: string,
  options: { token?: string; protocols?: string[] } = {},
): Promise<UpgradeRefusal> {
  try {
    const peer = await openPeer(url, options);
    await peer.close();
  } catch (refusal) {
    if (refusal instanceof UpgradeRefusal) return refusal;
    throw refusal;
  }
  throw new Error('expected the upgrade to be refused, but it was accepted');
}
