import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeMessage, type BreachAlertMessage } from '../../../src/protocol/index.js';
import { AlertWireFrames } from '../../../src/server/routes/alert-wire.js';
import { textFrame } from '../../../src/server/routes/text-frame.js';

const SEVERITIES = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'] as const;

// Alerts as the brokers build them (fields in the protocol's order), with ids, user ids and
// texts from plain ASCII to strings JSON escapes and multibyte ones, and seqs across the digit
// counts up to the largest safe integer.
const text = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.stringMatching(/^[A-Za-z0-9._~-]{1,40}$/),
);
const alert: fc.Arbitrary<BreachAlertMessage> = fc
  .record({
    seq: fc.oneof(fc.nat(1000), fc.maxSafeNat(), fc.constantFrom(9, 10, 99, 100, 1e15, 1e15 - 1)),
    id: fc.oneof(fc.uuid(), text),
    userId: text,
    severity: fc.constantFrom(...SEVERITIES),
    title: fc.oneof(text, fc.string({ minLength: 100, maxLength: 70_000 })),
    source: text,
    detectedAt: fc.constantFrom('2026-01-02T03:04:00.000Z', '2026-01-02T03:04:01.500Z'),
    publishedAt: fc.constantFrom('2026-01-02T03:04:05.678Z', '2026-01-02T03:04:06.000Z'),
  })
  .map((fields) => ({
    type: 'breach_alert' as const,
    seq: fields.seq,
    id: fields.id,
    userId: fields.userId,
    severity: fields.severity,
    title: fields.title,
    source: fields.source,
    detectedAt: fields.detectedAt,
    publishedAt: fields.publishedAt,
  }));

// An alert framed byte by byte; the cases below vary it.
const PLAIN: BreachAlertMessage = {
  type: 'breach_alert',
  seq: 7,
  id: 'a',
  userId: 'u',
  severity: 'HIGH',
  title: 't',
  source: 's',
  detectedAt: '2026-01-02T03:04:00.000Z',
  publishedAt: '2026-01-02T03:04:05.678Z',
};

describe('AlertWireFrames', () => {
  it('frames the bytes of the text encodeMessage writes, alert after alert', () => {
    const frames = new AlertWireFrames();
    fc.assert(
      fc.property(fc.array(alert, { minLength: 1, maxLength: 8 }), (alerts) => {
        // Batches share their fields: the same alert again with another seq, id and user.
        const batch = alerts.flatMap((a, i) => [
          a,
          { ...a, seq: a.seq + 1, id: `id-${i}`, userId: `u-${i}` },
        ]);
        for (const a of batch) {
          expect(frames.frame(a).equals(textFrame(encodeMessage(a)))).toBe(true);
          expect(frames.text(a)).toBe(encodeMessage(a));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('frames an alert of another shape from its text', () => {
    const frames = new AlertWireFrames();
    const base = PLAIN;
    const others: BreachAlertMessage[] = [
      { ...base, payload: { detail: 'x' } },
      { ...base, seq: 2 ** 53 },
      { ...base, seq: -1 },
      { ...base, seq: 1.5 },
      { ...base, userId: 'line\nbreak' },
      { ...base, id: 'back\\slash' },
      { ...base, userId: '\u007f' },
    ];
    for (const a of others) expect(frames.frame(a).equals(textFrame(encodeMessage(a)))).toBe(true);
  });

  it('frames one alert once however many sockets it goes to', () => {
    const frames = new AlertWireFrames();
    const a = PLAIN;
    const frame = frames.frame(a);
    expect(frames.frame(a)).toBe(frame);
    expect(frames.frame({ ...a })).not.toBe(frame);
  });
});
