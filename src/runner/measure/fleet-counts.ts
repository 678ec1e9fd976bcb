import type { ClientStateName } from '../../client/index.js';

/** Live view of the fleet, for probes, the progress line and gauges. */
export interface FleetSnapshot {
  total: number;
  byState: Record<ClientStateName, number>;
  poor: number;
  /** Connected clients whose connection travels by long polling. */
  polling: number;
}

/** What a client's part in the counts depends on. */
export interface CountedClient {
  state: ClientStateName;
  poor: boolean;
  transport: string | undefined;
}

/**
 * The fleet by state, kept as clients change: a snapshot is read at every timeline sample and
 * probe, and counting 10 000 clients each time was a tenth of a simulated day. A change is
 * `remove(client)`, the change, then `add(client)`.
 */
export class FleetCounts {
  readonly #byState: Record<ClientStateName, number> = {
    connecting: 0,
    connected: 0,
    reconnecting: 0,
    disconnected: 0,
    failed: 0,
  };
  #total = 0;
  #poor = 0;
  #polling = 0;

  /** A new client (`joined`), or one whose change is done. */
  add(client: CountedClient, joined = false): void {
    if (joined) this.#total += 1;
    this.#tally(client, 1);
  }

  /** A client about to change. */
  remove(client: CountedClient): void {
    this.#tally(client, -1);
  }

  /** Clients in `state` now. */
  inState(state: ClientStateName): number {
    return this.#byState[state];
  }

  snapshot(): FleetSnapshot {
    return {
      total: this.#total,
      byState: { ...this.#byState },
      poor: this.#poor,
      polling: this.#polling,
    };
  }

  #tally(client: CountedClient, sign: 1 | -1): void {
    this.#byState[client.state] += sign;
    if (client.state !== 'connected') return;
    if (client.poor) this.#poor += sign;
    if (client.transport === 'polling') this.#polling += sign;
  }
}
