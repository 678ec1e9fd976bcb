// The run's own alerts as the publisher saw them acknowledged: by id and by user, in publish
// order. What the recorder measures deliveries against (latency, loss, catch-up).

/** One acknowledged alert. */
export interface Published {
  id: string;
  userId: string;
  /** When the publish was acknowledged, clock ms. */
  publishedAt: number;
  /** When the acknowledged request was sent, clock ms. */
  sentAt: number;
}

const NO_IDS: readonly string[] = [];
const NO_TIMES: readonly number[] = [];

/**
 * Acknowledged alerts, and deliveries of a foreign service's alert that arrived before its
 * publish was answered (they can be timed only once the request's send time is known).
 */
export class PublishedAlerts {
  readonly #byId = new Map<string, Published>();
  readonly #byUser = new Map<string, string[]>();
  /** Foreign alerts delivered before their publish was answered: id → when they arrived. */
  readonly #early = new Map<string, number[]>();

  /** Records an acknowledged alert; returns the arrival times held for it until now. */
  add(published: Published): readonly number[] {
    const { id, userId } = published;
    this.#byId.set(id, published);
    let list = this.#byUser.get(userId);
    if (list === undefined) this.#byUser.set(userId, (list = []));
    list.push(id);
    const early = this.#early.get(id);
    if (early === undefined) return NO_TIMES;
    this.#early.delete(id);
    return early;
  }

  /** Holds the arrival of an alert not acknowledged yet, to time once it is. */
  holdEarly(id: string, receivedAt: number): void {
    const early = this.#early.get(id);
    if (early === undefined) this.#early.set(id, [receivedAt]);
    else early.push(receivedAt);
  }

  /** Every acknowledged alert in order, and the early arrivals held (for {@link merge}). */
  export(): PublishedState {
    return { alerts: [...this.#byId.values()], early: [...this.#early] };
  }

  /**
   * Adds alerts another recorder saw acknowledged ({@link export}): a fleet split by user, so
   * no alert is in both.
   */
  merge(state: PublishedState): void {
    for (const published of state.alerts) this.add(published);
    for (const [id, times] of state.early) for (const at of times) this.holdEarly(id, at);
  }

  get(id: string): Published | undefined {
    return this.#byId.get(id);
  }

  has(id: string): boolean {
    return this.#byId.has(id);
  }

  /** Alerts acknowledged so far. */
  get size(): number {
    return this.#byId.size;
  }

  /** Ids of `userId`'s alerts, in publish order. */
  idsOf(userId: string): readonly string[] {
    return this.#byUser.get(userId) ?? NO_IDS;
  }
}

/** {@link PublishedAlerts} as plain data (structured-cloneable). */
export interface PublishedState {
  alerts: Published[];
  early: Array<[id: string, receivedAt: number[]]>;
}
