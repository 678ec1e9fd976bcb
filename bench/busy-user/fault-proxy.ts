import { createToxiproxyServer, type ToxiproxyServer } from '../../src/proxy/index.js';

const PROXY = 'busy-user';

/** A toxic as Toxiproxy's API takes it. */
export interface ToxicSpec {
  type: string;
  stream: 'upstream' | 'downstream';
  attributes: Record<string, number>;
}

/**
 * The embedded fault proxy in front of the alert server, driven through its Toxiproxy HTTP API
 * (the compatibility contract, so the bench means the same against any build of the proxy).
 */
export class FaultProxy {
  readonly #server: ToxiproxyServer;
  readonly #apiUrl: string;
  readonly #upstream: string;
  readonly #listen: string;
  #counter = 0;

  private constructor(server: ToxiproxyServer, apiUrl: string, upstream: string, listen: string) {
    this.#server = server;
    this.#apiUrl = apiUrl;
    this.#upstream = upstream;
    this.#listen = listen;
  }

  /** Starts the proxy API and one proxy from 127.0.0.1 (free port) to `upstream`. */
  static async start(upstream: string): Promise<FaultProxy> {
    const server = createToxiproxyServer();
    const { url } = await server.listen({ host: '127.0.0.1', port: 0 });
    try {
      const created = (await call(url, 'POST', '/proxies', {
        name: PROXY,
        listen: '127.0.0.1:0',
        upstream,
        enabled: true,
      })) as { listen: string };
      return new FaultProxy(server, url, upstream, created.listen);
    } catch (error) {
      await server.close();
      throw error;
    }
  }

  /** `ws://127.0.0.1:<port>`, the base URL the client dials. */
  get clientUrl(): string {
    return `ws://${this.#listen}`;
  }

  /** Adds a toxic on every connection, now and future; returns its name. */
  async addToxic(spec: ToxicSpec): Promise<string> {
    const name = `${spec.type}_${spec.stream}_${++this.#counter}`;
    await call(this.#apiUrl, 'POST', `/proxies/${PROXY}/toxics`, { name, toxicity: 1, ...spec });
    return name;
  }

  /** Removes a toxic added by {@link addToxic}. */
  async removeToxic(name: string): Promise<void> {
    await call(this.#apiUrl, 'DELETE', `/proxies/${PROXY}/toxics/${name}`);
  }

  /** Disables (closing every connection and the listener) or enables the proxy. */
  async setEnabled(enabled: boolean): Promise<void> {
    await call(this.#apiUrl, 'POST', `/proxies/${PROXY}`, {
      enabled,
      listen: this.#listen,
      upstream: this.#upstream,
    });
  }

  /** Stops the proxy and its API. */
  close(): Promise<void> {
    return this.#server.close();
  }
}

async function call(base: string, method: string, path: string, body?: object): Promise<unknown> {
  const response = await fetch(`${base}${path}`, {
    method,
    ...(body === undefined
      ? {}
      : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(5000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`proxy API ${method} ${path}: ${response.status} ${text}`);
  return text === '' ? undefined : JSON.parse(text);
}
