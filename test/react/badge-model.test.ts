import { describe, expect, it } from 'vitest';
import type { StateChange } from '../../src/client/index.js';
import { attemptText, badgeModel, type BadgeInput } from '../../src/react/badge-model.js';

const NOW = 1_700_000_000_000;

function badge(input: Partial<BadgeInput> & Pick<BadgeInput, 'state'>) {
  return badgeModel({ attempt: 0, maxAttempts: 10, ...input }, NOW);
}

describe('badgeModel', () => {
  it('is green and pulsing while connected, amber and still when the link is poor', () => {
    expect(badge({ state: 'connected', quality: 'good' })).toEqual({
      tone: 'connected',
      label: 'Connected',
      detail: 'Live',
      pulse: true,
      canReconnect: false,
    });
    expect(badge({ state: 'connected', quality: 'poor' })).toMatchObject({
      tone: 'poor',
      label: 'Connected · Poor',
      pulse: false,
    });
  });

  it('says when the live connection runs on the long-polling fallback', () => {
    const model = badgeModel(
      { state: 'connected', quality: 'good', attempt: 0, maxAttempts: 10, transport: 'polling' },
      0,
    );
    expect(model).toMatchObject({ tone: 'connected', detail: 'Live · via long polling' });
  });

  it('counts the attempt against the budget and the next retry down in whole seconds', () => {
    const waiting = badge({ state: 'reconnecting', attempt: 2, nextRetryAt: NOW + 2_100 });
    expect(waiting).toMatchObject({
      tone: 'reconnecting',
      label: 'Reconnecting · attempt 2 of 10',
      detail: 'next retry in 3s',
      canReconnect: false,
    });
    expect(badge({ state: 'reconnecting', attempt: 2, nextRetryAt: NOW - 5 }).detail).toBe(
      'trying now',
    );
    expect(badge({ state: 'connecting', attempt: 3 })).toMatchObject({
      label: 'Reconnecting · attempt 3 of 10',
      detail: 'trying now',
    });
  });

  it('reads Connecting… for the first attempt', () => {
    expect(badge({ state: 'connecting', attempt: 0 })).toMatchObject({
      tone: 'reconnecting',
      label: 'Connecting…',
      detail: '',
    });
  });

  it('drops "of max" past the count (a time budget) and for a client that never gives up', () => {
    expect(attemptText(12, 10)).toBe('attempt 12');
    expect(attemptText(4, Number.POSITIVE_INFINITY)).toBe('attempt 4');
    expect(attemptText(10, 10)).toBe('attempt 10 of 10');
  });

  it('is red with a Reconnect button when failed or disconnected, saying why', () => {
    const gaveUp: StateChange = {
      from: 'reconnecting',
      to: 'failed',
      reason: 'max-attempts',
      attempt: 4,
      at: NOW,
    };
    expect(badge({ state: 'failed', attempt: 4, lastChange: gaveUp })).toEqual({
      tone: 'failed',
      label: 'Failed',
      detail: 'Gave up after 4 attempts',
      pulse: false,
      canReconnect: true,
    });
    expect(badge({ state: 'failed' }).detail).toBe('Reconnecting stopped');
    const closed: StateChange = { ...gaveUp, to: 'disconnected', reason: 'client', attempt: 0 };
    expect(badge({ state: 'disconnected', lastChange: closed })).toMatchObject({
      tone: 'disconnected',
      label: 'Disconnected',
      detail: 'Closed by this page',
      canReconnect: true,
    });
  });
});
