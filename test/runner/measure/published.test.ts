import { describe, expect, it } from 'vitest';
import { PublishedAlerts } from '../../../src/runner/measure/published.js';

describe('PublishedAlerts', () => {
  it('keeps each user’s alerts in publish order, by id too', () => {
    const alerts = new PublishedAlerts();
    alerts.add({ id: 'a1', userId: 'u', publishedAt: 10, sentAt: 5 });
    alerts.add({ id: 'b1', userId: 'v', publishedAt: 11, sentAt: 6 });
    alerts.add({ id: 'a2', userId: 'u', publishedAt: 12, sentAt: 7 });
    expect(alerts.idsOf('u')).toEqual(['a1', 'a2']);
    expect(alerts.idsOf('nobody')).toEqual([]);
    expect(alerts.get('a2')).toEqual({ id: 'a2', userId: 'u', publishedAt: 12, sentAt: 7 });
    expect(alerts.has('b1')).toBe(true);
    expect(alerts.has('zz')).toBe(false);
    expect(alerts.size).toBe(3);
  });

  it('hands back arrivals held before the publish was answered, once', () => {
    const alerts = new PublishedAlerts();
    alerts.holdEarly('f1', 100);
    alerts.holdEarly('f1', 104);
    expect(alerts.has('f1')).toBe(false);
    expect(alerts.add({ id: 'f1', userId: 'u', publishedAt: 120, sentAt: 90 })).toEqual([100, 104]);
    expect(alerts.idsOf('u')).toEqual(['f1']);
    // Another alert's arrivals are its own.
    alerts.holdEarly('f2', 130);
    expect(alerts.add({ id: 'f3', userId: 'u', publishedAt: 140, sentAt: 135 })).toEqual([]);
    expect(alerts.add({ id: 'f2', userId: 'u', publishedAt: 141, sentAt: 125 })).toEqual([130]);
  });
});
