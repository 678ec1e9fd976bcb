import type { AlertInput, Clock, Severity } from '../../protocol/index.js';
import { SEVERITIES } from '../../protocol/index.js';
import type { FleetRecorder } from '../measure/recorder.js';

/**
 * Sends one alert; resolves with the id the server assigned, rejects when refused. Every try of
 * one alert carries the same `idempotencyKey`, so a retry after a lost answer (a server that
 * stored the alert and crashed before replying) cannot publish it twice.
 */
export type PublishFn = (input: AlertInput, idempotencyKey: string) => Promise<{ id: string }>;

/** Options of {@link Publisher}. */
export interface PublisherOptions {
  clock: Clock;
  random: () => number;
  users: readonly string[];
  publish: PublishFn;
  recorder: FleetRecorder;
  /** Wait before retrying a refused publish, ms. */
  retryDelayMs: number;
  /**
   * Whether this publisher sends `userId`'s alerts (default: every user's). A shard of a
   * simulated fleet draws every alert as the whole fleet's publisher would, so every shard draws
   * the same users at the same times, and sends only its own users'.
   */
  owns?: ((userId: string) => boolean) | undefined;
}

/**
 * Publishes alerts to random users at a steady rate. An alert counts as published only once
 * the server acknowledged it; refused publishes (server down, 5xx) are retried until they are
 * acknowledged or the publisher stops.
 */
export class Publisher {
  readonly #o: PublisherOptions;
  readonly #inFlight = new Set<Promise<void>>();
  #timer: ReturnType<Clock['setTimeout']> | undefined;
  #stopped = true;
  #sent = 0;
  // Idempotency keys are `<this run's random prefix>-<n>`: unique across runs on one server.
  readonly #keyPrefix = globalThis.crypto.randomUUID();
  /** Publishes that were refused at least once. */
  retries = 0;

  constructor(options: PublisherOptions) {
    this.#o = options;
  }

  /** Starts publishing `ratePerSecond` alerts a second (in clock time). */
  start(ratePerSecond: number): void {
    if (ratePerSecond <= 0 || !this.#stopped) return;
    this.#stopped = false;
    const intervalMs = 1000 / ratePerSecond;
    let next = this.#o.clock.now();
    const tick = () => {
      if (this.#stopped) return;
      void this.#spawn();
      next += intervalMs;
      this.#timer = this.#o.clock.setTimeout(tick, Math.max(0, next - this.#o.clock.now()));
    };
    tick();
  }

  /** Stops the schedule and waits for every in-flight publish to settle. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#o.clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    while (this.#inFlight.size > 0) await Promise.all([...this.#inFlight]);
  }

  /** Publishes `count` alerts at once and waits for all of them to be acknowledged. */
  async burst(count: number): Promise<void> {
    const wasStopped = this.#stopped;
    this.#stopped = false;
    const all: Promise<void>[] = [];
    for (let i = 0; i < count; i++) all.push(this.#spawn());
    await Promise.all(all);
    if (wasStopped) this.#stopped = true;
  }

  #spawn(): Promise<void> {
    const { users, random } = this.#o;
    const userId = users[Math.floor(random() * users.length)] ?? users[0] ?? 'user-0';
    const severity: Severity = SEVERITIES[Math.floor(random() * SEVERITIES.length)] ?? 'HIGH';
    this.#sent += 1;
    if (this.#o.owns?.(userId) === false) return Promise.resolve();
    const input: AlertInput = {
      userId,
      severity,
      title: `Credentials for account ${this.#sent} found in a breach`,
      source: 'stormwatch-publisher',
      detectedAt: new Date(this.#o.clock.now()).toISOString(),
    };
    const key = `${this.#keyPrefix}-${this.#sent}`;
    const task = this.#deliver(input, key).finally(() => this.#inFlight.delete(task));
    this.#inFlight.add(task);
    return task;
  }

  async #deliver(input: AlertInput, idempotencyKey: string): Promise<void> {
    let refused = false;
    // Keep trying while running; after stop() one last try per pending alert.
    for (;;) {
      const sentAt = this.#o.clock.now();
      try {
        const { id } = await this.#o.publish(input, idempotencyKey);
        this.#o.recorder.recordPublished(id, input.userId, this.#o.clock.now(), sentAt);
        return;
      } catch {
        if (!refused) this.retries += 1;
        refused = true;
        if (this.#stopped) return;
        await new Promise<void>((resolve) =>
          this.#o.clock.setTimeout(resolve, this.#o.retryDelayMs),
        );
      }
    }
  }
}
