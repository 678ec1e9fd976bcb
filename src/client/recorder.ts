import type { PongEvent, QualityChange, StateChange } from './events.js';
import { SampleLog } from './sample-log.js';
import { computeStats, isStateEntry, type ClientStats } from './stats.js';
import { BoundedLog, type TimelineEntry, type TimelineOptions } from './timeline.js';

/** Keeps the bounded timeline and RTT samples of one client, fed from its events. */
export class Recorder {
  readonly #timeline: BoundedLog<TimelineEntry>;
  readonly #rtt: SampleLog;
  /** False with `maxEntries` 0: nothing is kept, so nothing is built. */
  readonly #keeps: boolean;

  constructor(options: TimelineOptions) {
    this.#timeline = new BoundedLog(options, isStateEntry);
    this.#rtt = new SampleLog(options);
    this.#keeps = options.maxEntries >= 1;
  }

  /** Records a state change. */
  onState(change: StateChange): void {
    if (!this.#keeps) return;
    const entry: TimelineEntry = { at: change.at, kind: change.to, reason: change.reason };
    entry.attempt = change.attempt;
    if (change.closeCode !== undefined) entry.closeCode = change.closeCode;
    if (change.httpStatus !== undefined) entry.httpStatus = change.httpStatus;
    if (change.delayMs !== undefined) entry.delayMs = change.delayMs;
    if (change.detectionMs !== undefined) entry.detectionMs = change.detectionMs;
    this.#timeline.push(entry);
  }

  /** Records a quality change. */
  onQuality(change: QualityChange): void {
    if (!this.#keeps) return;
    this.#timeline.push({ at: change.at, kind: change.to });
  }

  /** Records a pong's RTT unless it was measured in a hidden tab. */
  onPong(pong: PongEvent): void {
    if (this.#keeps && !pong.throttled) this.#rtt.push(pong.at, pong.rttMs);
  }

  /** Records pongs measured in a visible tab: `rttMs[i]` at `at[i]`. */
  onPongs(at: readonly number[], rttMs: readonly number[]): void {
    if (!this.#keeps) return;
    for (let i = 0; i < at.length; i++) this.#rtt.push(at[i]!, rttMs[i]!);
  }

  /** The kept timeline, oldest first. */
  timeline(): TimelineEntry[] {
    return this.#timeline.items();
  }

  /** Stats over the `windowMs` ending at `now`. */
  stats(windowMs: number, now: number): ClientStats {
    return computeStats(
      {
        entries: this.#timeline.items(),
        baseline: this.#timeline.baseline,
        rtt: this.#rtt.items(),
      },
      windowMs,
      now,
    );
  }
}
