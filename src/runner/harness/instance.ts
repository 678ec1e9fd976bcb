import { InProcessServer } from './in-process-server.js';
import type { ProxyFaults } from './proxy-faults.js';
import type { ServerTarget } from './server-target.js';

const CLOSES_LINE = /^alert_server_ws_closes_total\{code="([^"]+)"\} (\d+)$/gm;
const LOOP_P99_LINE = /^nodejs_eventloop_lag_p99_seconds (\S+)$/m;

/** The text of `httpUrl/metrics`, or undefined when the server does not answer. */
async function scrape(httpUrl: string): Promise<string | undefined> {
  try {
    const response = await fetch(`${httpUrl}/metrics`, { signal: AbortSignal.timeout(2000) });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined;
  }
}

/** `alert_server_ws_closes_total` by code in a scrape. */
function closesIn(text: string): Map<string, number> {
  const closes = new Map<string, number>();
  for (const [, code, count] of text.matchAll(CLOSES_LINE)) closes.set(code!, Number(count));
  return closes;
}

/** Adds `closes` less what `baseline` had already counted. */
function addCloses(
  into: Map<string, number>,
  closes: Map<string, number>,
  baseline: Map<string, number>,
): void {
  for (const [code, count] of closes) {
    const added = count - (baseline.get(code) ?? 0);
    if (added > 0 || into.has(code)) into.set(code, (into.get(code) ?? 0) + Math.max(0, added));
  }
}

/**
 * One server instance of a run and the fault proxy in front of it, with what the run needs to
 * know of it across restarts: whether it is up, the connections it closed by code (a restarted
 * process counts from zero), and its worst event-loop p99.
 */
export class Instance {
  /** 1-based, as scenarios name instances. */
  readonly index: number;
  readonly server: ServerTarget;
  /**
   * The fault proxies in front of it: one, or several shards (each in a process of its own)
   * when one proxy would hold more sockets than a process may have.
   */
  readonly shards: readonly ProxyFaults[];
  #up = false;
  /** Closes counted by starts of this instance already stopped. */
  readonly #closesBefore = new Map<string, number>();
  /** What a server that was already running (`--server-url`) had counted before this run. */
  #closesAtStart = new Map<string, number>();
  #loopP99Ms: number | undefined;
  /** The most sockets any start of this instance held at once; undefined when it cannot tell. */
  #peak: number | undefined;

  constructor(index: number, server: ServerTarget, shards: readonly ProxyFaults[]) {
    this.index = index;
    this.server = server;
    this.shards = shards;
  }

  /** `ws://host:port` of each shard, as clients dial them. */
  get clientUrls(): string[] {
    return this.shards.map((shard) => shard.clientUrl);
  }

  get up(): boolean {
    return this.#up;
  }

  /** Marks the (already started) server up and takes its counts as the baseline. */
  async started(): Promise<void> {
    this.#up = true;
    const text = await scrape(this.server.httpUrl);
    this.#closesAtStart = text === undefined ? new Map<string, number>() : closesIn(text);
  }

  async start(): Promise<void> {
    if (this.#up) return;
    await this.server.start();
    this.#up = true;
    this.#closesAtStart = new Map();
  }

  async stop(graceful: boolean): Promise<void> {
    if (!this.#up) return;
    await this.#notePeak();
    if (!(this.server instanceof InProcessServer)) {
      const text = await scrape(this.server.httpUrl);
      if (text !== undefined) {
        this.#noteLoopLag(text);
        // A restarted process counts from zero: keep what this one counted (the in-process
        // server keeps its own count, closes of the restart included).
        addCloses(this.#closesBefore, closesIn(text), this.#closesAtStart);
      }
    }
    this.#closesAtStart = new Map();
    this.#up = false;
    await this.server.stop(graceful);
  }

  /** Connections this instance closed, by code, over every start; undefined when unknown. */
  async closes(): Promise<Map<string, number> | undefined> {
    if (this.server.closes !== undefined) {
      return new Map(Object.entries(await this.server.closes()));
    }
    const text = this.#up ? await scrape(this.server.httpUrl) : undefined;
    if (text === undefined && this.#closesBefore.size === 0) return undefined;
    const total = new Map(this.#closesBefore);
    if (text !== undefined) addCloses(total, closesIn(text), this.#closesAtStart);
    return total;
  }

  /** The most sockets this instance held at once over every start (its `/healthz`). */
  async peakConnections(): Promise<number | undefined> {
    if (this.#up) await this.#notePeak();
    return this.#peak;
  }

  async #notePeak(): Promise<void> {
    try {
      const response = await fetch(`${this.server.httpUrl}/healthz`, {
        signal: AbortSignal.timeout(2000),
      });
      const body = (await response.json()) as { peakConnections?: unknown };
      if (typeof body.peakConnections === 'number') {
        this.#peak = Math.max(this.#peak ?? 0, body.peakConnections);
      }
    } catch {
      // Down, or a server without the count: nothing to add.
    }
  }

  /** The worst event-loop p99 of the server process seen so far (not in-process), ms. */
  async loopP99Ms(): Promise<number | undefined> {
    if (!(this.server instanceof InProcessServer) && this.#up) {
      const text = await scrape(this.server.httpUrl);
      if (text !== undefined) this.#noteLoopLag(text);
    }
    return this.#loopP99Ms;
  }

  #noteLoopLag(text: string): void {
    const p99Ms = Number(LOOP_P99_LINE.exec(text)?.[1]) * 1000;
    if (Number.isFinite(p99Ms)) this.#loopP99Ms = Math.max(this.#loopP99Ms ?? 0, p99Ms);
  }
}
