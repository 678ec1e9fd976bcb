/** One reconnect after a loss, and where to read what the client held. */
export interface CatchUpInput {
  /** Ids of the user's alerts, in the order they were published. */
  ids: readonly string[];
  /** When an alert was published (the publisher's view), clock ms; undefined: unknown. */
  publishedAt(id: string): number | undefined;
  /** When the client first held an alert, clock ms; undefined: never. */
  deliveredAt(id: string): number | undefined;
  /** When the connection was lost, and when the client was connected again. */
  lostAt: number;
  at: number;
  /** When the recording ended: the catch-up of a client that never caught up. */
  endAt: number;
}

/**
 * How long after the reconnect (`at`) the client held every alert of its user published
 * before it, ms; until `endAt` when one never arrived (it is lost, and the client never caught
 * up). A user's alerts reach a socket in seq order, so the walk goes back from the reconnect
 * and stops at the first alert delivered before the loss.
 */
export function catchUpMs(input: CatchUpInput): number {
  const { ids, lostAt, at, endAt } = input;
  let latest = at;
  for (let i = ids.length - 1; i >= 0; i--) {
    const id = ids[i]!;
    const publishedAt = input.publishedAt(id);
    if (publishedAt === undefined || publishedAt > at) continue;
    const deliveredAt = input.deliveredAt(id);
    if (deliveredAt === undefined) return endAt - at;
    if (deliveredAt <= lostAt) break;
    if (deliveredAt > latest) latest = deliveredAt;
  }
  return latest - at;
}

/** What {@link PendingCatchUps.drain} reads of a client and of the run's published alerts. */
export interface CatchUpSources {
  /** Ids of a user's alerts, in the order they were published. */
  idsOf(userId: string): readonly string[];
  /** When an alert was published, clock ms; undefined: unknown. */
  publishedAt(id: string): number | undefined;
}

/**
 * The reconnects whose catch-up is timed once the run ends (the publisher learns of some
 * alerts only after they were delivered): the client, when the loss began and when the
 * reconnect opened, in three parallel lists. A day of 100,000 clients makes millions of them,
 * and an object each would live the whole run.
 */
export class PendingCatchUps<C extends { userId: string; delivered: ReadonlyMap<string, number> }> {
  readonly #clients: C[] = [];
  readonly #lostAt: number[] = [];
  readonly #at: number[] = [];

  /** `client` lost its connection at `lostAt` and was connected again at `at`. */
  add(client: C, lostAt: number, at: number): void {
    this.#clients.push(client);
    this.#lostAt.push(lostAt);
    this.#at.push(at);
  }

  /** Times every reconnect added ({@link catchUpMs}), in order, and forgets them. */
  drain(sources: CatchUpSources, endAt: number, each: (lostAt: number, ms: number) => void): void {
    for (let i = 0; i < this.#clients.length; i++) {
      const client = this.#clients[i]!;
      const lostAt = this.#lostAt[i]!;
      each(
        lostAt,
        catchUpMs({
          ids: sources.idsOf(client.userId),
          publishedAt: (id) => sources.publishedAt(id),
          deliveredAt: (id) => client.delivered.get(id),
          lostAt,
          at: this.#at[i]!,
          endAt,
        }),
      );
    }
    this.#clients.length = 0;
    this.#lostAt.length = 0;
    this.#at.length = 0;
  }
}
