import { EMBEDDED_ONLY_TOXICS } from '../scenario/toxics.js';
import { Toxiproxy, type Proxy, type Toxic } from 'toxiproxy-node-client';
import { createToxiproxyServer, type ToxiproxyServer } from '../../proxy/index.js';
import { RunnerError, RunnerErrorCode } from '../errors.js';
import type { FaultStep } from '../scenario/types.js';
import type { FaultHandle } from './types.js';

/** Name of the proxy a run creates in front of the alert server. */
export const PROXY_NAME = 'stormwatch-alerts';

const describe = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/**
 * Faults through Toxiproxy's HTTP API, driven by `toxiproxy-node-client` whether the proxy is
 * the embedded one or a real Toxiproxy (`--toxiproxy URL`).
 */
export class ProxyFaults {
  readonly #embedded: ToxiproxyServer | undefined;
  readonly #apiUrl: string;
  readonly #proxy: Proxy;
  readonly #name: string;
  #counter = 0;

  private constructor(
    embedded: ToxiproxyServer | undefined,
    apiUrl: string,
    proxy: Proxy,
    name: string,
  ) {
    this.#embedded = embedded;
    this.#apiUrl = apiUrl;
    this.#proxy = proxy;
    this.#name = name;
  }

  /**
   * Creates a proxy to `upstream` named `name` (default {@link PROXY_NAME}) listening on
   * `listen` (default `127.0.0.1:0`; a real Toxiproxy in another container needs e.g.
   * `0.0.0.0:20000`, and clients then dial the Toxiproxy host on that port), on the Toxiproxy
   * API at `toxiproxyUrl` — or, without one, on an embedded proxy of its own that `close()` stops.
   */
  static async create(
    upstream: string,
    options: { toxiproxyUrl?: string | undefined; listen?: string | undefined; name?: string } = {},
  ): Promise<ProxyFaults> {
    const name = options.name ?? PROXY_NAME;
    const listen = options.listen ?? '127.0.0.1:0';
    let embedded: ToxiproxyServer | undefined;
    let url = options.toxiproxyUrl;
    if (url === undefined) {
      embedded = createToxiproxyServer();
      url = (await embedded.listen({ host: '127.0.0.1', port: 0 })).url;
    }
    const api = new Toxiproxy(url);
    try {
      // A proxy left by an interrupted run would hold stale toxics.
      try {
        await (await api.get(name)).remove();
      } catch {
        // None there.
      }
      const proxy = await api.createProxy({ name, listen, upstream });
      return new ProxyFaults(embedded, url, proxy, name);
    } catch (error) {
      await embedded?.close();
      throw new RunnerError(
        RunnerErrorCode.START_FAILED,
        `cannot set up the fault proxy ${name} at ${url}: ${describe(error)}`,
      );
    }
  }

  /** The proxy's name on the Toxiproxy API. */
  get name(): string {
    return this.#name;
  }

  /** `ws://host:port` clients connect to. */
  get clientUrl(): string {
    const listen = this.#proxy.listen;
    const colon = listen.lastIndexOf(':');
    const host = listen.slice(0, colon);
    // A wildcard listen address is reached through the Toxiproxy host itself.
    if (host === '0.0.0.0' || host === '[::]' || host === '::' || host === '') {
      return `ws://${new URL(this.#apiUrl).hostname}:${listen.slice(colon + 1)}`;
    }
    return `ws://${listen}`;
  }

  /** Adds the step's toxic (both directions for `stream: both`). */
  async apply(step: FaultStep, attributes: Record<string, number>): Promise<FaultHandle> {
    const streams = step.stream === 'both' ? (['upstream', 'downstream'] as const) : [step.stream];
    const toxics: Toxic<Record<string, number>>[] = [];
    try {
      for (const stream of streams) {
        toxics.push(
          await this.#proxy.addToxic({
            name: `${step.toxic}_${stream}_${++this.#counter}`,
            // websocket_block is the embedded proxy's own: the client's type list lacks it.
            type: step.toxic as Toxic<Record<string, number>>['type'],
            stream,
            toxicity: step.toxicity,
            attributes,
          }),
        );
      }
    } catch (error) {
      for (const toxic of toxics) await toxic.remove().catch(() => undefined);
      throw new RunnerError(
        RunnerErrorCode.FAULT_FAILED,
        `fault.${step.toxic} (line ${step.line}) was refused by the proxy ${this.#name}: ${describe(error)}${EMBEDDED_ONLY_TOXICS.has(step.toxic) ? ` (${step.toxic} is a toxic of stormwatch's embedded proxy; Toxiproxy itself has none)` : ''}`,
      );
    }
    return async () => {
      for (const toxic of toxics) {
        // Already gone after a fault.reset.
        await toxic.remove().catch(() => undefined);
      }
    };
  }

  /** Disables the proxy; the handle enables it again. */
  async down(): Promise<FaultHandle> {
    await this.#setEnabled(false);
    return () => this.#setEnabled(true);
  }

  /** Removes every toxic of the run's proxy and enables it (other proxies are left alone). */
  async reset(): Promise<void> {
    for (const name of await this.#toxicNames()) {
      await (await this.#proxy.getToxic(name)).remove().catch(() => undefined);
    }
    await this.#setEnabled(true);
  }

  /** Toxics currently on the run's proxy (checked after rollbacks). */
  async activeToxics(): Promise<number> {
    return (await this.#toxicNames()).length;
  }

  // The client library has no call that lists toxics; GET /proxies/{name}/toxics is the API's.
  async #toxicNames(): Promise<string[]> {
    const response = await fetch(
      `${this.#apiUrl}/proxies/${encodeURIComponent(this.#name)}/toxics`,
    );
    if (!response.ok) {
      throw new RunnerError(RunnerErrorCode.FAULT_FAILED, `cannot list toxics: ${response.status}`);
    }
    return ((await response.json()) as Array<{ name: string }>).map((t) => t.name);
  }

  async #setEnabled(enabled: boolean): Promise<void> {
    await this.#proxy.update({
      enabled,
      listen: this.#proxy.listen,
      upstream: this.#proxy.upstream,
    });
  }

  /** Deletes the run's proxy and stops the embedded proxy. */
  async close(): Promise<void> {
    await this.#proxy.remove().catch(() => undefined);
    await this.#embedded?.close();
  }
}
