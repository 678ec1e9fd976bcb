import { describe, expect, it } from 'vitest';
import { parseRetryAfterHeader } from '../../src/client/index.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);

describe('parseRetryAfterHeader', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfterHeader('120', NOW)).toBe(120_000);
    expect(parseRetryAfterHeader(' 0 ', NOW)).toBe(0);
    expect(parseRetryAfterHeader(['7'], NOW)).toBe(7000);
  });

  it('reads an HTTP-date relative to the clock', () => {
    expect(parseRetryAfterHeader('Thu, 01 Jan 2026 12:00:30 GMT', NOW)).toBe(30_000);
    expect(parseRetryAfterHeader('Thu, 01 Jan 2026 11:00:00 GMT', NOW)).toBe(0);
  });

  it.each([undefined, '', '-1', '1.5', 'soon', '12abc'])('ignores %j', (value) => {
    expect(parseRetryAfterHeader(value, NOW)).toBeUndefined();
  });
});
