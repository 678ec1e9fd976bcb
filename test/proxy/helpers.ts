import { createServer, connect, type Server, type Socket } from 'node:net';
import { Toxiproxy } from 'toxiproxy-node-client';
import { createToxiproxyServer, type ToxiproxyServer } from '../../src/proxy/index.js';

/** A TCP server on 127.0.0.1:0 that tracks its sockets so tests can close them. */
export interface TestUpstream {
  readonly port: number;
  readonly sockets: Set<Socket>;
  /** Resolves with the next accepted server-side socket. */
  nextSocket(): Promise<Socket>;
  close(): Promise<void>;
}

/** Starts an upstream; `onSocket` defaults to echoing every byte back. */
export async function startUpstream(
  onSocket: (socket: Socket) => void = (socket) => socket.pipe(socket),
): Promise<TestUpstream> {
  const sockets = new Set<Socket>();
  const waiting: Array<(socket: Socket) => void> = [];
  const accepted: Socket[] = [];
  const server: Server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    onSocket(socket);
    const waiter = waiting.shift();
    if (waiter !== undefined) waiter(socket);
    else accepted.push(socket);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    sockets,
    nextSocket: () => {
      const ready = accepted.shift();
      return ready !== undefined
        ? Promise.resolve(ready)
        : new Promise((resolve) => waiting.push(resolve));
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A running API with a client, for one test. */
export interface TestApi {
  readonly server: ToxiproxyServer;
  readonly url: string;
  readonly client: Toxiproxy;
  close(): Promise<void>;
}

/** Starts the API on 127.0.0.1:0. */
export async function startApi(
  options: Parameters<typeof createToxiproxyServer>[0] = {},
): Promise<TestApi> {
  const server = createToxiproxyServer(options);
  const { url } = await server.listen({ host: '127.0.0.1', port: 0 });
  return { server, url, client: new Toxiproxy(url), close: () => server.close() };
}

/** Creates a proxy in-process to `upstreamPort`; returns its listening port. */
export async function addProxy(api: TestApi, upstreamPort: number, name = 'test'): Promise<number> {
  const proxy = await api.server.proxies.create({
    name,
    listen: '127.0.0.1:0',
    upstream: `127.0.0.1:${upstreamPort}`,
  });
  return Number(proxy.listen.split(':').pop());
}

/** Connects to 127.0.0.1:port; resolves once connected. */
export function connectTo(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host: '127.0.0.1', noDelay: true }, () => {
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** How a socket's stream ended, with everything it received and when. */
export interface Ending {
  /** 'end': FIN received; 'reset': ECONNRESET; 'error': another error; 'close': closed by us. */
  readonly kind: 'end' | 'reset' | 'error' | 'close';
  readonly data: Buffer;
  /** performance.now() when the ending was seen. */
  readonly at: number;
}

/** Collects a socket's data until it ends, errors or closes. */
export function ending(socket: Socket): Promise<Ending> {
  const parts: Buffer[] = [];
  socket.on('data', (part: Buffer) => parts.push(part));
  return new Promise((resolve) => {
    const done = (kind: Ending['kind']): void =>
      resolve({ kind, data: Buffer.concat(parts), at: performance.now() });
    socket.once('end', () => done('end'));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      done(error.code === 'ECONNRESET' ? 'reset' : 'error'),
    );
    socket.once('close', () => done('close'));
  });
}

/** Reads exactly `count` bytes (resolving with them and the time the last arrived). */
export function readBytes(socket: Socket, count: number): Promise<{ data: Buffer; at: number }> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let size = 0;
    const onData = (part: Buffer): void => {
      parts.push(part);
      size += part.length;
      if (size >= count) {
        cleanup();
        resolve({ data: Buffer.concat(parts), at: performance.now() });
      }
    };
    const onEnd = (): void => {
      cleanup();
      reject(new Error(`stream ended after ${size} of ${count} bytes`));
    };
    const cleanup = (): void => {
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('close', onEnd);
    };
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.once('close', onEnd);
  });
}

/** Waits for `ms` real milliseconds (only where the behaviour under test is "nothing happens"). */
export function quietPeriod(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A deterministic random source cycling through `values`. */
export function sequence(...values: number[]): () => number {
  let index = 0;
  return () => values[index++ % values.length]!;
}

/** A payload of `size` bytes with a recognisable pattern. */
export function payload(size: number): Buffer {
  const buffer = Buffer.alloc(size);
  for (let i = 0; i < size; i++) buffer[i] = i % 251;
  return buffer;
}

/** An API, an upstream and one proxy between them, with every socket closed on `close()`. */
export interface Fixture {
  readonly api: TestApi;
  readonly upstream: TestUpstream;
  /** Port of the proxy named `test`. */
  readonly port: number;
  /** Connects a client through the proxy; closed by `close()`. */
  connect(): Promise<Socket>;
  /** Adds a toxic to proxy `test` through the API client. */
  addToxic(body: Record<string, unknown>): Promise<void>;
  /** Removes a toxic from proxy `test`. */
  removeToxic(name: string): Promise<void>;
  close(): Promise<void>;
}

/** Builds a {@link Fixture}; the upstream echoes unless `onSocket` says otherwise. */
export async function createFixture(
  options: {
    onSocket?: (socket: Socket) => void;
    random?: () => number;
  } = {},
): Promise<Fixture> {
  const upstream = await startUpstream(options.onSocket);
  const api = await startApi(options.random === undefined ? {} : { random: options.random });
  const port = await addProxy(api, upstream.port);
  const clients: Socket[] = [];
  return {
    api,
    upstream,
    port,
    connect: async () => {
      const socket = await connectTo(port);
      socket.on('error', () => undefined);
      clients.push(socket);
      return socket;
    },
    addToxic: async (body) => {
      const proxy = await api.client.get('test');
      await proxy.addToxic(body as never);
    },
    removeToxic: async (name) => {
      const response = await fetch(`${api.url}/proxies/test/toxics/${name}`, { method: 'DELETE' });
      if (response.status !== 204) throw new Error(`delete toxic ${name}: ${response.status}`);
    },
    close: async () => {
      for (const socket of clients) socket.destroy();
      await api.close();
      await upstream.close();
    },
  };
}
