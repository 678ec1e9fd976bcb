/**
 * The one source of time for every stormwatch component. Modules take a `Clock` instead of
 * calling `setTimeout` or `Date.now`, so tests and the simulator can drive time.
 */
export interface Clock {
  /** Current time in epoch milliseconds. */
  now(): number;
  /** Runs `callback` once after `delayMs` milliseconds; returns a handle for clearTimeout. */
  setTimeout(callback: () => void, delayMs: number): TimerHandle;
  /** Cancels a timer; unknown or fired handles are ignored. */
  clearTimeout(handle: TimerHandle): void;
}

/** Opaque timer handle; only the clock that made it understands it. */
export type TimerHandle = { readonly timer: unknown };

/**
 * The real clock: epoch milliseconds with sub-millisecond precision (the monotonic
 * `performance.now()` from `performance.timeOrigin`, so loopback round trips are not rounded
 * to 0) and the host's timers. Works in Node and browsers.
 */
export const systemClock: Clock = {
  now: () => globalThis.performance.timeOrigin + globalThis.performance.now(),
  setTimeout: (callback, delayMs) => ({ timer: globalThis.setTimeout(callback, delayMs) }),
  clearTimeout: (handle) => {
    globalThis.clearTimeout(handle.timer as ReturnType<typeof globalThis.setTimeout>);
  },
};

/** How far apart the order places {@link SimulatedClock.orderAfter} hands out are. */
export const VIRTUAL_ORDER_STEP = 1 / 32;

// A scheduled timer is its own handle: one allocation a timer. While it waits it holds a slot in
// the clock's table (fired, it holds none); the heap moves slot numbers, never the object.
class Scheduled implements TimerHandle {
  slot = -1;
  constructor(
    readonly at: number,
    readonly order: number,
    readonly callback: () => void,
  ) {}

  get timer(): unknown {
    return this;
  }
}

/** Timers {@link SimulatedClock.advanceTo} fires at one instant before it calls it a loop. */
export const MAX_TIMERS_AT_ONE_INSTANT = 10_000_000;

/**
 * A virtual clock. Timers fire only when the owner advances time; ties fire in the order they
 * were scheduled (by their order places, see {@link travel}; timers that share a place, in the
 * order they were set). Backed by a heap so millions of timers stay cheap.
 */
export class SimulatedClock implements Clock {
  #now: number;
  #order = 0;
  // A 4-ary heap of slot numbers, with the sort keys (time, then order place, then when the
  // timer was set, for timers that share a place) in parallel typed arrays: sifting
  // through tens of thousands of timers compares and moves numbers that share cache lines, with
  // no object loads and no write barriers. The timers themselves sit in #slots.
  #size = 0;
  #heapAt = new Float64Array(1024);
  #heapOrder = new Float64Array(1024);
  #heapSeq = new Float64Array(1024);
  #heapSlot = new Int32Array(1024);
  #slots: (Scheduled | undefined)[] = [];
  // 1 for a slot whose timer was cancelled while it waits (checked without loading the timer).
  #slotCancelled = new Uint8Array(1024);
  #freeSlots: number[] = [];
  #seq = 0;
  #live = 0;
  #fired = 0;
  // Order places advance by this much a timer (less than 1 while code travels to a moment it
  // skipped, so its timers fall between the places of the timers set around that moment).
  #orderStep = 1;
  // The order counter as each instant began, for the last #keepMs of time (a ring): where a
  // timer set at an earlier moment falls among the timers set since.
  #logAt = new Float64Array(256);
  #logOrder = new Float64Array(256);
  #logHead = 0;
  #logSize = 0;
  #keepMs = 0;
  #loggedAt = Number.NEGATIVE_INFINITY;
  // The timer firing now (or last fired): its place in the order of events.
  #firingAt = Number.NEGATIVE_INFINITY;
  #firingOrder = -1;

  /** @param startMs initial time in epoch milliseconds (default 0). */
  constructor(startMs = 0) {
    this.#now = startMs;
  }

  now(): number {
    return this.#now;
  }

  setTimeout(callback: () => void, delayMs: number): TimerHandle {
    return this.setTimeoutAt(this.dueAfter(delayMs), callback);
  }

  /**
   * The time a timer set at `fromMs` (default now) with `delayMs` fires at, computed exactly as
   * {@link setTimeout} does.
   */
  dueAfter(delayMs: number, fromMs = this.#now): number {
    return fromMs + (Number.isFinite(delayMs) && delayMs > 0 ? delayMs : 0);
  }

  /** Runs `callback` at clock time `atMs` (not before now). */
  setTimeoutAt(atMs: number, callback: () => void): TimerHandle {
    const entry = new Scheduled(Math.max(atMs, this.#now), this.#order, callback);
    this.#order += this.#orderStep;
    this.#push(entry);
    this.#live++;
    return entry;
  }

  /**
   * Sets aside `count` places in the order of equal-time timers and returns the first: code
   * that later runs in {@link travel} with them sets its timers where it would have, had it run
   * now.
   */
  reserveOrder(count: number): number {
    const first = this.#order;
    this.#order += count;
    return first;
  }

  /**
   * Runs `fn` as of an earlier moment: `now()` reads `atMs` and timers it sets take the order
   * places from `order` on (reserved with {@link reserveOrder}). The simulator uses it to play
   * steps it had skipped, at the times they belong to. Time does not move.
   */
  travel<T>(atMs: number, order: number, fn: () => T, step = 1): T {
    const now = this.#now;
    const next = this.#order;
    const nextStep = this.#orderStep;
    this.#now = atMs;
    this.#order = order;
    this.#orderStep = step;
    try {
      return fn();
    } finally {
      this.#now = now;
      this.#order = next;
      this.#orderStep = nextStep;
    }
  }

  /** Remembers, for at least `ms` of clock time, where each instant began in the order. */
  keepOrderHistory(ms: number): void {
    if (ms > this.#keepMs) this.#keepMs = ms;
  }

  /**
   * The first of the order places for timers set at the earlier moment `atMs` by a step the
   * simulator skipped: after every timer set at or before that moment, before every timer set
   * since. Places go up by {@link VIRTUAL_ORDER_STEP} (pass it to {@link travel}); there are 31.
   * Needs `atMs` within the history kept ({@link keepOrderHistory}).
   */
  orderAfter(atMs: number): number {
    // The order counter as the first instant after atMs began (now's, when none has yet).
    let next = this.#order;
    const size = this.#logSize;
    const capacity = this.#logAt.length;
    let lo = 0;
    let hi = size;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.#logAt[(this.#logHead + mid) % capacity]! > atMs) hi = mid;
      else lo = mid + 1;
    }
    if (lo < size) next = this.#logOrder[(this.#logHead + lo) % capacity]!;
    return next - 1 + VIRTUAL_ORDER_STEP;
  }

  /** The place in the order of equal-time timers of a timer this clock set. */
  orderOf(handle: TimerHandle): number {
    return handle.timer instanceof Scheduled ? handle.timer.order : Number.NaN;
  }

  /** Time of the timer firing now (or fired last). */
  get firingAt(): number {
    return this.#firingAt;
  }

  /** True when an event at (`atMs`, `order`) comes before the timer firing now. */
  precedesCurrent(atMs: number, order: number): boolean {
    return atMs < this.#firingAt || (atMs === this.#firingAt && order < this.#firingOrder);
  }

  clearTimeout(handle: TimerHandle): void {
    const entry = handle.timer as Scheduled;
    // Only a timer that waits in this clock's slot and was not cancelled yet: a fired one has
    // left its slot, and a handle of another clock names a slot of that one.
    if (
      entry instanceof Scheduled &&
      this.#slots[entry.slot] === entry &&
      this.#slotCancelled[entry.slot] === 0
    ) {
      this.#slotCancelled[entry.slot] = 1;
      this.#live--;
    }
  }

  /** Timers scheduled and neither fired nor cancelled. */
  get pendingTimers(): number {
    return this.#live;
  }

  /** Timers fired since the clock was made. */
  get firedTimers(): number {
    return this.#fired;
  }

  /** Time of the next live timer, or undefined when none is pending. */
  nextTimerAt(): number | undefined {
    this.#dropCancelled();
    return this.#size > 0 ? this.#heapAt[0] : undefined;
  }

  /** Fires the next live timer, moving time to it. Returns false when none is pending. */
  step(): boolean {
    this.#dropCancelled();
    const entry = this.#pop();
    if (entry === undefined) return false;
    this.#now = Math.max(this.#now, entry.at);
    if (this.#keepMs > 0 && entry.at > this.#loggedAt) this.#logInstant(entry.at);
    this.#firingAt = entry.at;
    this.#firingOrder = entry.order;
    this.#live--;
    this.#fired++;
    entry.callback();
    return true;
  }

  /** Fires every timer due up to `now + ms` in order, then sets time to `now + ms`. */
  advance(ms: number): void {
    this.advanceTo(this.#now + ms);
  }

  /**
   * Fires every timer due up to `timeMs` in order, then sets time to `timeMs`. Throws when
   * {@link MAX_TIMERS_AT_ONE_INSTANT} timers fire without time moving: a timer that re-arms
   * itself for now would otherwise spin forever.
   */
  advanceTo(timeMs: number): void {
    let instant = Number.NaN;
    let firedAtInstant = 0;
    for (;;) {
      const next = this.nextTimerAt();
      if (next === undefined || next > timeMs) break;
      if (next === instant) {
        if (++firedAtInstant > MAX_TIMERS_AT_ONE_INSTANT) {
          throw new Error(
            `SimulatedClock: over ${MAX_TIMERS_AT_ONE_INSTANT} timers fired at ${next} ms without time moving: a timer re-arms itself for the same instant`,
          );
        }
      } else {
        instant = next;
        firedAtInstant = 1;
      }
      this.step();
    }
    if (timeMs > this.#now) this.#now = timeMs;
  }

  /**
   * Fires timers until none is pending or `limit` have fired (a guard against timers that
   * reschedule themselves forever). Returns the number fired.
   */
  runAll(limit = 100_000): number {
    let fired = 0;
    while (fired < limit && this.step()) fired++;
    return fired;
  }

  #logInstant(at: number): void {
    let capacity = this.#logAt.length;
    // Forget instants older than the history kept, but always keep the newest.
    const horizon = at - this.#keepMs;
    while (this.#logSize > 0 && this.#logAt[this.#logHead]! < horizon) {
      this.#logHead = (this.#logHead + 1) % capacity;
      this.#logSize--;
    }
    if (this.#logSize === capacity) {
      const at2 = new Float64Array(capacity * 2);
      const order2 = new Float64Array(capacity * 2);
      for (let i = 0; i < capacity; i++) {
        at2[i] = this.#logAt[(this.#logHead + i) % capacity]!;
        order2[i] = this.#logOrder[(this.#logHead + i) % capacity]!;
      }
      this.#logAt = at2;
      this.#logOrder = order2;
      this.#logHead = 0;
      capacity *= 2;
    }
    const slot = (this.#logHead + this.#logSize) % capacity;
    this.#logAt[slot] = at;
    this.#logOrder[slot] = this.#order;
    this.#logSize++;
    this.#loggedAt = at;
  }

  #dropCancelled(): void {
    while (this.#size > 0 && this.#slotCancelled[this.#heapSlot[0]!] === 1) this.#pop();
  }

  #push(entry: Scheduled): void {
    let slot = this.#freeSlots.pop();
    if (slot === undefined) {
      slot = this.#slots.length;
      this.#slots.push(entry);
    } else {
      this.#slots[slot] = entry;
    }
    if (slot >= this.#slotCancelled.length) {
      const flags = new Uint8Array(this.#slotCancelled.length * 2);
      flags.set(this.#slotCancelled);
      this.#slotCancelled = flags;
    }
    this.#slotCancelled[slot] = 0;
    entry.slot = slot;
    if (this.#size === this.#heapAt.length) this.#grow();
    const keyAt = this.#heapAt;
    const keyOrder = this.#heapOrder;
    const keySeq = this.#heapSeq;
    const { at, order } = entry;
    const seq = this.#seq++;
    // Sift up with a hole: one write per level.
    let i = this.#size++;
    while (i > 0) {
      const parent = (i - 1) >> 2;
      const pAt = keyAt[parent]!;
      if (
        pAt < at ||
        (pAt === at &&
          (keyOrder[parent]! < order || (keyOrder[parent] === order && keySeq[parent]! < seq)))
      ) {
        break;
      }
      this.#move(parent, i);
      i = parent;
    }
    keyAt[i] = at;
    keyOrder[i] = order;
    keySeq[i] = seq;
    this.#heapSlot[i] = slot;
  }

  #pop(): Scheduled | undefined {
    if (this.#size === 0) return undefined;
    const slot = this.#heapSlot[0]!;
    const top = this.#slots[slot];
    this.#slots[slot] = undefined;
    this.#freeSlots.push(slot);
    const n = --this.#size;
    if (n > 0) this.#siftDown(n);
    return top;
  }

  // Puts the last element (index n, now outside the heap) in the hole at the root.
  #siftDown(n: number): void {
    const keyAt = this.#heapAt;
    const keyOrder = this.#heapOrder;
    const keySeq = this.#heapSeq;
    const at = keyAt[n]!;
    const order = keyOrder[n]!;
    const seq = keySeq[n]!;
    const slot = this.#heapSlot[n]!;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      // The least of up to four children.
      let child = first;
      let cAt = keyAt[first]!;
      const last = first + 4 < n ? first + 4 : n;
      for (let c = first + 1; c < last; c++) {
        const a = keyAt[c]!;
        if (
          a < cAt ||
          (a === cAt &&
            (keyOrder[c]! < keyOrder[child]! ||
              (keyOrder[c] === keyOrder[child] && keySeq[c]! < keySeq[child]!)))
        ) {
          child = c;
          cAt = a;
        }
      }
      if (
        at < cAt ||
        (at === cAt &&
          (order < keyOrder[child]! || (order === keyOrder[child] && seq < keySeq[child]!)))
      ) {
        break;
      }
      this.#move(child, i);
      i = child;
    }
    keyAt[i] = at;
    keyOrder[i] = order;
    keySeq[i] = seq;
    this.#heapSlot[i] = slot;
  }

  // Slot `to` takes what slot `from` holds.
  #move(from: number, to: number): void {
    this.#heapAt[to] = this.#heapAt[from]!;
    this.#heapOrder[to] = this.#heapOrder[from]!;
    this.#heapSeq[to] = this.#heapSeq[from]!;
    this.#heapSlot[to] = this.#heapSlot[from]!;
  }

  #grow(): void {
    const size = this.#heapAt.length * 2;
    const at = new Float64Array(size);
    const order = new Float64Array(size);
    const seq = new Float64Array(size);
    const slot = new Int32Array(size);
    at.set(this.#heapAt);
    order.set(this.#heapOrder);
    seq.set(this.#heapSeq);
    slot.set(this.#heapSlot);
    this.#heapAt = at;
    this.#heapOrder = order;
    this.#heapSeq = seq;
    this.#heapSlot = slot;
  }
}
