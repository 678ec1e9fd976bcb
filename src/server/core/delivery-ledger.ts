// Unacknowledged alerts remembered per socket for delivery timing; beyond, the oldest go.
const MAX_PENDING_ACKS = 1000;

/**
 * What one socket carried and what its client acknowledged: which seqs went out (a user's
 * alerts come in order, so a range), when each unacknowledged one was published (to time its
 * delivery), and how far cumulative acks reached (so the flood guard can tell the acks a
 * correct client owes from others).
 */
export class DeliveryLedger {
  // The seqs carried: all of lowest..highest.
  #highest = 0;
  #lowest = Infinity;
  // Highest seq a cumulative ack covered (0: none).
  #ackedThrough = 0;
  // The unacknowledged alerts, oldest first from #head: seq, publish time (epoch ms), seq, ...
  // Plain numbers in one array, so recording an alert allocates nothing once the array has
  // grown to the socket's usual backlog; made on the first alert (a quiet user's sockets never
  // need it).
  #unacked: number[] | undefined;
  #head = 0;

  /** The range carried so far, as `[lowest, highest]` (empty: `[Infinity, 0]`). */
  get carried(): readonly [lowest: number, highest: number] {
    return [this.#lowest, this.#highest];
  }

  /** True when `seq` lies in `[from, to]`, a range {@link carried} returned. */
  static within(seq: number, [from, to]: readonly [number, number]): boolean {
    return seq >= from && seq <= to;
  }

  /** True when this socket carried `seq` (it lies within {@link carried}). */
  carries(seq: number): boolean {
    return seq >= this.#lowest && seq <= this.#highest;
  }

  /** Records `seq`, published at `publishedAtMs`, as sent on this socket. */
  record(seq: number, publishedAtMs: number): void {
    if (seq > this.#highest) this.#highest = seq;
    if (seq < this.#lowest) this.#lowest = seq;
    const unacked = (this.#unacked ??= []);
    if (unacked.length - this.#head >= 2 * MAX_PENDING_ACKS) {
      // Full: the oldest is forgotten (and the forgotten ones dropped once they are half).
      this.#head += 2;
      if (this.#head >= MAX_PENDING_ACKS) {
        unacked.splice(0, this.#head);
        this.#head = 0;
      }
    }
    unacked.push(seq, publishedAtMs);
  }

  /**
   * True when an ack for `seq` is one a correct client owes: it moves the acknowledged point
   * over alerts this socket carried (so such acks never outnumber the alerts sent).
   */
  owes(seq: number): boolean {
    return seq > this.#ackedThrough && seq <= this.#highest;
  }

  /**
   * A cumulative ack: every alert carried with a seq up to `seq` was delivered. Calls
   * `delivered` with the publish time of each one not acknowledged before, oldest first, and
   * forgets it.
   */
  acknowledge(seq: number, delivered: (publishedAtMs: number) => void): void {
    if (seq <= this.#ackedThrough) return;
    this.#ackedThrough = Math.min(seq, this.#highest);
    const unacked = this.#unacked;
    if (unacked === undefined) return;
    // Mostly in seq order, but a late resume's replay follows newer live alerts: look at all,
    // and keep the ones not covered in their order.
    let kept = this.#head;
    for (let i = this.#head; i < unacked.length; i += 2) {
      const sent = unacked[i]!;
      if (sent > seq) {
        unacked[kept] = sent;
        unacked[kept + 1] = unacked[i + 1]!;
        kept += 2;
      } else {
        delivered(unacked[i + 1]!);
      }
    }
    unacked.length = kept;
    if (kept === this.#head) {
      unacked.length = 0;
      this.#head = 0;
    }
  }
}
