import { describe, expect, it } from 'vitest';
import {
  encodeMessage,
  parseServerMessage,
  type AlertInput,
  type BreachAlertMessage,
} from '../../../src/protocol/index.js';
import { createMemoryBroker } from '../../../src/server/broker/memory.js';
import { AlertFrames } from '../../../src/server/core/alert-frame.js';

const PUBLISHED = '2026-01-02T03:04:05.678Z';
const input = (userId: string, title: string, severity: AlertInput['severity'] = 'HIGH') => ({
  userId,
  severity,
  title,
  source: 'scanner "north"',
  detectedAt: '2026-01-02T03:04:00.000Z',
});

async function batch(title: string, userIds: string[], publishedAt = PUBLISHED) {
  const broker = createMemoryBroker({ epoch: 'e' });
  return broker.publishBatch(
    userIds.map((userId) => input(userId, title)),
    publishedAt,
    userIds.map((_, i) => `id-${title}-${i}`),
  );
}

describe('AlertFrames', () => {
  it("writes the text encodeMessage writes for the brokers' alerts, batch after batch", async () => {
    const frames = new AlertFrames();
    const users = ['u-1', 'ü "quoted" \\ user', 'line\nbreak', 'emoji 🚨'];
    const first = await batch('Breach "A"\u2028', users);
    const second = await batch('Breach B', users, '2026-01-02T03:04:06.000Z');
    // Alternating batches: the shared fields are encoded again whenever they change.
    for (const alert of [...first, ...second, first[2]!, second[0]!, ...first]) {
      expect(frames.encode(alert)).toBe(encodeMessage(alert));
    }
    // Every field that differs from the last alert's is taken into account.
    const base = first[0]!;
    const variants: BreachAlertMessage[] = [
      { ...base, severity: 'LOW' },
      { ...base, source: 'other' },
      { ...base, detectedAt: '2026-01-01T00:00:00.000Z' },
      { ...base, publishedAt: '2026-01-03T00:00:00.000Z' },
      { ...base, title: 'another' },
      { ...base, seq: 987_654_321_012 },
    ];
    for (const alert of variants) {
      frames.encode(base);
      expect(frames.encode(alert)).toBe(encodeMessage(alert));
    }
  });

  it('encodes one alert once however many sockets it goes to', async () => {
    const frames = new AlertFrames();
    const [alert] = await batch('hot user', ['u-1']);
    const frame = frames.encode(alert!);
    expect(frames.encode(alert!)).toBe(frame);
    expect(parseServerMessage(frame)).toEqual({ ok: true, value: alert });
  });

  it('sends the same fields for an alert built in another field order (the Redis broker)', () => {
    const frames = new AlertFrames();
    const { userId, ...rest } = input('u-9', 'reordered');
    const alert = {
      publishedAt: PUBLISHED,
      ...rest,
      id: 'id-9',
      userId,
      seq: 12,
      type: 'breach_alert',
    } as BreachAlertMessage;
    const frame = frames.encode(alert);
    expect(JSON.parse(frame)).toEqual(JSON.parse(encodeMessage(alert)));
    expect(frame.startsWith('{"type":"breach_alert","seq":12,"id":"id-9"')).toBe(true);
  });

  it('encodes an alert with a payload, or a seq past safe integers, whole', () => {
    const frames = new AlertFrames();
    const withPayload: BreachAlertMessage = {
      type: 'breach_alert',
      seq: 1,
      id: 'p',
      ...input('u-1', 'foreign'),
      publishedAt: PUBLISHED,
      payload: { kind: 'raw', nested: [1, 2] },
    };
    expect(frames.encode(withPayload)).toBe(encodeMessage(withPayload));
    const { payload: _payload, ...plain } = withPayload;
    const huge: BreachAlertMessage = { ...plain, seq: 2 ** 60 };
    expect(frames.encode(huge)).toBe(encodeMessage(huge));
  });
});
