import { setTimeout as sleep } from 'node:timers/promises';

/** One alert the server accepted: its `{seq, id}` answer and when it arrived (performance.now). */
export interface Published {
  seq: number;
  id: string;
  atMs: number;
}

/**
 * Posts one alert to one user every `intervalMs` straight to the server (not through the
 * proxy), whether or not the client is connected: what the client misses must come back by
 * resume. Posts do not wait for each other, so a slow answer does not slow the rate.
 */
export class Publisher {
  /** Every accepted alert, in answer order. */
  readonly published: Published[] = [];
  /** Posts refused or failed (e.g. the server was down); such alerts do not exist. */
  failures = 0;
  readonly #url: string;
  readonly #token: string;
  readonly #userId: string;
  readonly #intervalMs: number;
  readonly #inFlight = new Set<Promise<void>>();
  #loop: Promise<void> | undefined;
  #stopping = false;

  constructor(httpUrl: string, token: string, userId: string, intervalMs = 100) {
    this.#url = `${httpUrl}/api/alerts`;
    this.#token = token;
    this.#userId = userId;
    this.#intervalMs = intervalMs;
  }

  /** Starts posting. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops posting and waits for the posts in flight to be answered. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#loop;
    await Promise.all(this.#inFlight);
  }

  async #run(): Promise<void> {
    // Paced against a fixed schedule so timer lateness on a loaded host does not lower the rate.
    let due = performance.now();
    let n = 0;
    while (!this.#stopping) {
      const post = this.#post(++n).finally(() => this.#inFlight.delete(post));
      this.#inFlight.add(post);
      due += this.#intervalMs;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
    }
  }

  async #post(n: number): Promise<void> {
    try {
      const response = await fetch(this.#url, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.#token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          userId: this.#userId,
          severity: 'HIGH',
          title: `busy-user alert ${n}`,
          source: 'bench',
        }),
        signal: AbortSignal.timeout(5000),
      });
      if (response.status !== 201) {
        this.failures++;
        await response.body?.cancel();
        return;
      }
      const { seq, id } = (await response.json()) as { seq: number; id: string };
      this.published.push({ seq, id, atMs: performance.now() });
    } catch {
      this.failures++;
    }
  }
}
