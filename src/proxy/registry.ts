import { systemClock, type Clock, type RandomSource } from './clock.js';
import { proxyAlreadyExists, proxyNotFound, type ToxiproxyApiError } from './errors.js';
import { Proxy } from './proxy.js';
import { parsePopulate, parseProxyInput, parseProxyUpdate, type ProxyInput } from './proxy-json.js';
import { TrafficMeter } from './traffic.js';
import { createWarningSink, type WarningSink } from './warnings.js';

/** Options of a {@link ProxyRegistry}. */
export interface ProxyRegistryOptions {
  /** Time source for every toxic; default the system clock. */
  readonly clock?: Clock;
  /** Random source for toxicity, jitter and slicing; default `Math.random`. */
  readonly random?: RandomSource;
  /**
   * Called with a one-line warning when a proxy without `listen` is bound to 127.0.0.1 where
   * Toxiproxy would bind every interface; default `process.emitWarning`.
   */
  readonly onWarning?: (message: string) => void;
}

/** Outcome of {@link ProxyRegistry.populate}: proxies applied, and the error that stopped it. */
export interface PopulateResult {
  readonly proxies: readonly Proxy[];
  readonly error?: ToxiproxyApiError;
}

/**
 * Every proxy of one server, by name (Toxiproxy's `ProxyCollection`). Changes that await a
 * listener run one at a time, so concurrent API calls see each other's effects in order.
 */
export class ProxyRegistry {
  /** Byte counters per proxy and direction (for /metrics). */
  readonly traffic = new TrafficMeter();
  readonly #proxies = new Map<string, Proxy>();
  readonly #clock: Clock;
  readonly #random: RandomSource;
  readonly #warn: WarningSink;
  #tail: Promise<unknown> = Promise.resolve();

  constructor(options: ProxyRegistryOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.#random = options.random ?? Math.random;
    this.#warn = createWarningSink(options.onWarning);
  }

  /** Every proxy, in creation order. */
  list(): Proxy[] {
    return [...this.#proxies.values()];
  }

  /** The proxy named `name`; throws a 404 error when there is none. */
  get(name: string): Proxy {
    const proxy = this.#proxies.get(name);
    if (proxy === undefined) throw proxyNotFound();
    return proxy;
  }

  /** Creates a proxy from an API body (enabled by default). 400, 409, or 500 on listen failure. */
  async create(body: unknown): Promise<Proxy> {
    const input = parseProxyInput(body);
    return this.#exclusive(async () => {
      if (this.#proxies.has(input.name)) throw proxyAlreadyExists();
      const proxy = this.#build(input);
      if (input.enabled) await proxy.start();
      this.#proxies.set(input.name, proxy);
      return proxy;
    });
  }

  /**
   * Creates or replaces proxies from a JSON array (POST /populate, `--config`). A proxy with the
   * same name, listen and upstream is kept as is; otherwise the old one is stopped and replaced.
   * Stops at the first failure and reports what was applied before it.
   */
  async populate(body: unknown): Promise<PopulateResult> {
    const inputs = parsePopulate(body);
    return this.#exclusive(async () => {
      const proxies: Proxy[] = [];
      for (const input of inputs) {
        try {
          proxies.push(await this.#addOrReplace(input));
        } catch (error) {
          return { proxies, error: error as ToxiproxyApiError };
        }
      }
      return { proxies };
    });
  }

  /** Updates a proxy from an API body; absent fields keep their values. */
  update(name: string, body: unknown): Promise<Proxy> {
    return this.#exclusive(async () => {
      const proxy = this.get(name);
      const change = parseProxyUpdate(body);
      await proxy.update(
        { listen: change.listen ?? proxy.listen, upstream: change.upstream ?? proxy.upstream },
        change.enabled ?? proxy.enabled,
      );
      return proxy;
    });
  }

  /** Stops and removes a proxy and its byte counters; 404 when absent. */
  remove(name: string): Promise<void> {
    return this.#exclusive(async () => {
      const proxy = this.get(name);
      await proxy.stop();
      this.#proxies.delete(name);
      this.traffic.forget(name);
    });
  }

  /** POST /reset: enables every proxy and removes every toxic. */
  reset(): Promise<void> {
    return this.#exclusive(async () => {
      for (const proxy of this.#proxies.values()) {
        await proxy.start();
        proxy.toxics.clear();
      }
    });
  }

  /** Stops every proxy and forgets them (server shutdown). */
  clear(): Promise<void> {
    return this.#exclusive(async () => {
      await Promise.all([...this.#proxies.values()].map((proxy) => proxy.stop()));
      this.#proxies.clear();
    });
  }

  async #addOrReplace(input: ProxyInput): Promise<Proxy> {
    const existing = this.#proxies.get(input.name);
    if (existing !== undefined) {
      if (existing.listen === input.listen && existing.upstream === input.upstream) return existing;
      await existing.stop();
      // A replacement is a new proxy: the old one's series (other listener labels) go with it.
      this.traffic.forget(input.name);
    }
    const proxy = this.#build(input);
    if (input.enabled) await proxy.start();
    this.#proxies.set(input.name, proxy);
    return proxy;
  }

  #build(input: ProxyInput): Proxy {
    return new Proxy(
      input.name,
      { listen: input.listen, upstream: input.upstream },
      { clock: this.#clock, random: this.#random, traffic: this.traffic, warn: this.#warn },
    );
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task, task);
    this.#tail = run.catch(() => undefined);
    return run;
  }
}
