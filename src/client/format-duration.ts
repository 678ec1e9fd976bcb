/**
 * Durations as people read them, for the health view and the React components alike. Pure and
 * English, so both read the same and tests pin exact text.
 */

const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/**
 * A duration for people: `0 s`, `850 ms`, `3.2 s`, `45 s`, `4 min 5 s`, `2 h 3 min`,
 * `1 d 2 h`. Below 10 s one decimal is kept; negative or non-finite input reads `0 s`.
 */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms <= 0) return '0 s';
  // 999.6 ms reads `1.0 s`, not `1000 ms`.
  if (ms < SECOND_MS - 0.5) return `${Math.round(ms)} ms`;
  if (ms < 10 * SECOND_MS)
    return `${(Math.floor(Math.max(ms, SECOND_MS) / 100) / 10).toFixed(1)} s`;
  if (ms < MINUTE_MS) return `${Math.floor(ms / SECOND_MS)} s`;
  if (ms < HOUR_MS) {
    const s = Math.floor((ms % MINUTE_MS) / SECOND_MS);
    return `${Math.floor(ms / MINUTE_MS)} min${s > 0 ? ` ${s} s` : ''}`;
  }
  if (ms < DAY_MS) {
    const min = Math.floor((ms % HOUR_MS) / MINUTE_MS);
    return `${Math.floor(ms / HOUR_MS)} h${min > 0 ? ` ${min} min` : ''}`;
  }
  const h = Math.floor((ms % DAY_MS) / HOUR_MS);
  return `${Math.floor(ms / DAY_MS)} d${h > 0 ? ` ${h} h` : ''}`;
}
