// Properties of the client's pure core over many generated cases (fast-check), where examples
// alone would pick the cases the author thought of.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelayMs, nominalDelayMs } from '../../src/client/backoff.js';
import { readPointer, writePointer } from '../../src/client/profiles/json-pointer.js';
import { applyAlert, MAX_HOLES, type SequenceState } from '../../src/client/resume.js';
import { DEFAULT_BACKOFF, type JitterMode } from '../../src/client/index.js';
import type { BreachAlertMessage } from '../../src/protocol/index.js';

const alert = (seq: number): BreachAlertMessage => ({
  type: 'breach_alert',
  seq,
  id: `a${seq}`,
  userId: 'u',
  severity: 'HIGH',
  title: 't',
  source: 's',
  detectedAt: '2026-01-01T00:00:00.000Z',
  publishedAt: '2026-01-01T00:00:00.000Z',
});

const fresh: SequenceState = {
  epoch: 'e',
  lastSeq: 0,
  missedSinceResume: 0,
  holes: [],
  reasked: 0,
};

function deliver(arrivals: readonly number[]): number[] {
  let state = fresh;
  const delivered: number[] = [];
  for (const seq of arrivals) {
    const outcome = applyAlert(state, alert(seq));
    state = outcome.state;
    if (!outcome.duplicate) delivered.push(seq);
  }
  return delivered;
}

describe('dedupe by seq', () => {
  it('never delivers a seq twice, whatever arrives in whatever order', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 400 }), (arrivals) => {
        const delivered = deliver(arrivals);
        expect(new Set(delivered).size).toBe(delivered.length);
      }),
      { numRuns: 500 },
    );
  });

  it('delivers every seq exactly once when each arrives at least once (holes within bounds)', () => {
    // At most 2 × MAX_HOLES seqs: their missing ones form at most MAX_HOLES ranges.
    const n = 2 * MAX_HOLES;
    const everyOnceThenRepeats = fc
      .tuple(
        fc.shuffledSubarray(
          Array.from({ length: n }, (_, i) => i + 1),
          { minLength: n, maxLength: n },
        ),
        fc.array(fc.integer({ min: 1, max: n }), { maxLength: 100 }),
        fc.array(fc.nat(), { maxLength: 100 }),
      )
      .map(([order, repeats, positions]) => {
        const arrivals = [...order];
        repeats.forEach((seq, i) => {
          arrivals.splice((positions[i] ?? 0) % (arrivals.length + 1), 0, seq);
        });
        return arrivals;
      });
    fc.assert(
      fc.property(everyOnceThenRepeats, (arrivals) => {
        expect(deliver(arrivals).sort((a, b) => a - b)).toEqual(
          Array.from({ length: n }, (_, i) => i + 1),
        );
      }),
      { numRuns: 500 },
    );
  });
});

describe('backoff delays', () => {
  const modes: JitterMode[] = ['none', 'full', 'equal', 'decorrelated'];
  it('stay within their mode’s bounds and never exceed the cap', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...modes),
        fc.integer({ min: 1, max: 60 }),
        fc.double({ min: 0, max: 0.999_999, noNaN: true }),
        fc.integer({ min: 1, max: 60_000 }),
        (jitter, attempt, draw, previous) => {
          const options = { ...DEFAULT_BACKOFF, jitter };
          const delay = backoffDelayMs(attempt, options, () => draw, previous);
          const nominal = nominalDelayMs(attempt, options);
          expect(Number.isInteger(delay)).toBe(true);
          expect(delay).toBeGreaterThanOrEqual(0);
          expect(delay).toBeLessThanOrEqual(options.maxDelayMs);
          if (jitter === 'none') expect(delay).toBe(nominal);
          if (jitter === 'full') expect(delay).toBeLessThan(nominal);
          if (jitter === 'equal') {
            expect(delay).toBeGreaterThanOrEqual(Math.floor(nominal / 2));
            expect(delay).toBeLessThan(nominal);
          }
          if (jitter === 'decorrelated') {
            expect(delay).toBeGreaterThanOrEqual(
              Math.min(options.maxDelayMs, options.initialDelayMs),
            );
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('JSON pointers', () => {
  const key = fc.oneof(
    fc.string({ minLength: 1, maxLength: 6 }),
    fc.constantFrom('__proto__', 'constructor', 'toString', '~', '/', '0'),
  );
  it('read back what they wrote, through any key (with / and ~ escaped)', () => {
    fc.assert(
      fc.property(fc.array(key, { minLength: 1, maxLength: 4 }), fc.jsonValue(), (keys, value) => {
        const pointer = keys
          .map((k) => '/' + k.replaceAll('~', '~0').replaceAll('/', '~1'))
          .join('');
        const written = writePointer({}, pointer, value);
        expect(readPointer(written, pointer)).toEqual(value);
      }),
      { numRuns: 500 },
    );
  });
});
