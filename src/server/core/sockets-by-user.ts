/**
 * Each user's open sessions (one per tab). Most users have one: it is held as itself, and only a
 * user with several gets an array (at 10,000 connections an array each costs about 0.5 MiB).
 */
export class SocketsByUser<T> {
  readonly #byUser = new Map<string, T | T[]>();

  /** Users with at least one session. */
  get users(): number {
    return this.#byUser.size;
  }

  add(userId: string, item: T): void {
    const held = this.#byUser.get(userId);
    if (held === undefined) this.#byUser.set(userId, item);
    else if (Array.isArray(held)) held.push(item);
    else this.#byUser.set(userId, [held, item]);
  }

  /** Removes `item`; false when it was not there. */
  remove(userId: string, item: T): boolean {
    const held = this.#byUser.get(userId);
    if (held === undefined) return false;
    if (!Array.isArray(held)) {
      if (held !== item) return false;
      this.#byUser.delete(userId);
      return true;
    }
    const index = held.indexOf(item);
    if (index < 0) return false;
    held.splice(index, 1);
    if (held.length === 1) this.#byUser.set(userId, held[0]!);
    return true;
  }

  /**
   * Calls `fn` once with each session the user held when the call began, newest first (one that
   * closes meanwhile too: `fn` must tolerate a closed session).
   */
  forEachOf<A, B>(userId: string, fn: (item: T, a: A, b: B) => void, a: A, b: B): void {
    const held = this.#byUser.get(userId);
    if (held === undefined) return;
    if (!Array.isArray(held)) {
      fn(held, a, b);
      return;
    }
    const items = held.slice();
    for (let i = items.length - 1; i >= 0; i--) fn(items[i]!, a, b);
  }

  /** Every session, as a new array. */
  all(): T[] {
    const out: T[] = [];
    for (const held of this.#byUser.values()) {
      if (Array.isArray(held)) out.push(...held);
      else out.push(held);
    }
    return out;
  }
}
