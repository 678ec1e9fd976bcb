import type { Client } from '../../src/client/node.js';

/** Close code of a policy violation (RFC 6455 §7.4.1): the server's flood guard. */
export const POLICY_CLOSE = 1008;

/** One state change, for the timeline in the JSON. */
export interface StateEvent {
  /** performance.now() of the change. */
  atMs: number;
  from: string;
  to: string;
  reason: string;
  closeCode?: number;
  httpStatus?: number;
  delayMs?: number;
}

/** State changes kept per run; a reconnect loop must not grow the JSON without bound. */
const MAX_EVENTS = 500;

/**
 * What the app behind one client saw: alerts by seq (duplicates included), closes by code,
 * refused upgrades by HTTP status, disconnections, and when it caught up after a fault.
 */
export class ClientObserver {
  /** Distinct seqs delivered to the app. */
  readonly delivered = new Set<number>();
  /** Alerts delivered to the app with a seq it had already seen. */
  duplicated = 0;
  /** Falls out of `connected`. */
  disconnects = 0;
  /** Closes seen by the client, by close code (1006 for a drop without a close frame). */
  readonly closeCodes = new Map<number, number>();
  /** Refused upgrades, by HTTP status (429 once the connect rate limit bites). */
  readonly httpRefusals = new Map<number, number>();
  /** Gaps the client reported (alerts it knows it will never get). */
  gaps = 0;
  /** Longest time from publication to delivery seen, ms (shows a latency toxic took hold). */
  maxLagMs = 0;
  /** The first {@link MAX_EVENTS} state changes. */
  readonly events: StateEvent[] = [];
  /** performance.now() of the latest move into `connected`. */
  lastConnectedAtMs: number | undefined;
  /** performance.now() when the client was connected and held every awaited seq. */
  caughtUpAtMs: number | undefined;
  readonly #client: Client;
  #awaited: Set<number> | undefined;

  constructor(client: Client) {
    this.#client = client;
    client.on('alert', (alert) => {
      if (this.delivered.has(alert.seq)) this.duplicated++;
      // Same host, same clock: wall time is comparable with the server's publishedAt.
      this.maxLagMs = Math.max(this.maxLagMs, Date.now() - Date.parse(alert.publishedAt));
      this.delivered.add(alert.seq);
      this.#awaited?.delete(alert.seq);
      this.#checkCaughtUp();
    });
    client.on('state', (change) => {
      if (change.from === 'connected' && change.to !== 'connected') this.disconnects++;
      const atMs = performance.now();
      if (change.to === 'connected') this.lastConnectedAtMs = atMs;
      if (this.events.length < MAX_EVENTS) {
        this.events.push({
          atMs,
          from: change.from,
          to: change.to,
          reason: change.reason,
          ...(change.closeCode === undefined ? {} : { closeCode: change.closeCode }),
          ...(change.httpStatus === undefined ? {} : { httpStatus: change.httpStatus }),
          ...(change.delayMs === undefined ? {} : { delayMs: change.delayMs }),
        });
      }
      if (change.closeCode !== undefined) bump(this.closeCodes, change.closeCode);
      if (change.httpStatus !== undefined) bump(this.httpRefusals, change.httpStatus);
      this.#checkCaughtUp();
    });
    client.on('gap', () => this.gaps++);
  }

  /** The client's current state. */
  get state(): string {
    return this.#client.state;
  }

  /** Closes with 1008 the client saw. */
  get policyCloses(): number {
    return this.closeCodes.get(POLICY_CLOSE) ?? 0;
  }

  /**
   * From now on, watches for the moment the client is connected and has every seq in `seqs`
   * (what was published up to a fault's end); it may already be so.
   */
  awaitCatchUp(seqs: Iterable<number>): void {
    this.caughtUpAtMs = undefined;
    this.#awaited = new Set([...seqs].filter((seq) => !this.delivered.has(seq)));
    this.#checkCaughtUp();
  }

  /** True when connected and every seq in `seqs` was delivered. */
  holdsAll(seqs: Iterable<number>): boolean {
    if (this.#client.state !== 'connected') return false;
    for (const seq of seqs) if (!this.delivered.has(seq)) return false;
    return true;
  }

  #checkCaughtUp(): void {
    if (this.#awaited === undefined || this.caughtUpAtMs !== undefined) return;
    if (this.#awaited.size === 0 && this.#client.state === 'connected') {
      this.caughtUpAtMs = performance.now();
    }
  }
}

function bump(counts: Map<number, number>, key: number): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}
