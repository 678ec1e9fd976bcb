import { readPointer } from './json-pointer.js';
import type { FrameMatch } from './types.js';

/** True when every pointer of `match` holds exactly its expected scalar in `frame`. */
export function matchesFrame(frame: unknown, match: FrameMatch): boolean {
  for (const [pointer, expected] of Object.entries(match)) {
    if (readPointer(frame, pointer) !== expected) return false;
  }
  return true;
}

/** Quotes a frame for an error message: at most `max` characters, cut with an ellipsis. */
export function quoteFrame(text: string, max = 100): string {
  const quoted = JSON.stringify(text.length > max ? text.slice(0, max) : text);
  return text.length > max ? `${quoted}… (${text.length} chars)` : quoted;
}
