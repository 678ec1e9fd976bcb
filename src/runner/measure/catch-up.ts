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
