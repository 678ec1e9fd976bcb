/** Units a duration string may use, in milliseconds. */
const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * The longest duration a scenario may give, in ms (7 days): longer ones are typos ("600h" for
 * "600s"), and past 2^31 - 1 ms (24.8 days) Node fires a timer at once.
 */
export const MAX_SCENARIO_DURATION_MS = 7 * 86_400_000;

/**
 * Parses a duration: `"500ms"`, `"10s"`, `"1m30s"`, `"1.5h"`, `"24h"`. Returns milliseconds,
 * or undefined when the text is not a duration. Bare numbers are refused: a unit must be said.
 */
export function parseDuration(text: string): number | undefined {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;
  let total = 0;
  let index = 0;
  while (index < trimmed.length) {
    part.lastIndex = index;
    const match = part.exec(trimmed);
    if (match === null) return undefined;
    total += Number(match[1]) * UNITS[match[2]!]!;
    index = part.lastIndex;
  }
  return total;
}

/** Formats milliseconds compactly: 1500 → "1.5s", 90000 → "1m30s", 250 → "250ms". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(2))}s`;
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return `${h > 0 ? `${h}h` : ''}${m > 0 ? `${m}m` : ''}${s > 0 ? `${s}s` : ''}` || '0s';
}
