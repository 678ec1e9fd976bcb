// Acks are cumulative and coalesced: the first alert after a quiet spell is acked at once, a
// catch-up of hundreds sends one ack per 100 alerts or per 250 ms window.
import { describe, expect, it } from 'vitest';
import { afterAlert, flush, FRESH_ACK } from '../../src/client/ack.js';
import { createSequenceState } from '../../src/client/resume.js';
import { createHarness, makeAlert } from './helpers.js';

describe('coalesced cumulative acks', () => {
  it('acks a quiet user’s every alert at once', () => {
    const { clock, server, client } = createHarness();
    client.connect();
    for (let i = 0; i < 3; i++) {
      server.publish();
      clock.advance(1000);
    }
    expect(server.sent('ack').map((a) => a.seq)).toEqual([1, 2, 3]);
    client.dispose();
  });

  it('acks a burst of 1,000 alerts with 11 frames: the first, one per 100, the rest after 250 ms', () => {
    const { clock, server, client, events } = createHarness();
    client.connect();
    for (let i = 0; i < 1000; i++) server.publish();
    expect(events.alert).toHaveLength(1000);
    expect(server.sent('ack').map((a) => a.seq)).toEqual([
      1, 101, 201, 301, 401, 501, 601, 701, 801, 901,
    ]);
    clock.advance(249);
    expect(server.sent('ack')).toHaveLength(10);
    clock.advance(1);
    expect(server.sent('ack').at(-1)).toEqual({ type: 'ack', seq: 1000 });
    // The window closes with nothing owed: no timer keeps ticking.
    clock.advance(250);
    expect(server.sent('ack')).toHaveLength(11);
    client.dispose();
  });

  it('sends at most one ack per window to a steady 40 alerts/s, and honours custom settings', () => {
    const { clock, server, client } = createHarness({
      resume: { ackIntervalMs: 500, ackEvery: 1000 },
    });
    client.connect();
    for (let i = 0; i < 400; i++) {
      server.publish();
      clock.advance(25);
    }
    const acks = server.sent('ack').map((a) => a.seq);
    // 10 s of alerts: one ack at the start and one per 500 ms window after it.
    expect(acks.length).toBeGreaterThanOrEqual(20);
    expect(acks.length).toBeLessThanOrEqual(21);
    expect(acks.at(-1)).toBe(400);
    expect([...acks].sort((a, b) => a - b)).toEqual(acks);
    client.dispose();
  });

  it('never claims a seq across a hole: the ack waits for the replay to fill it', () => {
    const { clock, server, client } = createHarness();
    client.connect();
    const link = server.last;
    link.send(makeAlert(1));
    link.send(makeAlert(5)); // 2..4 are missing: a live alert overtook the replay
    clock.advance(1000);
    expect(server.sent('ack').map((a) => a.seq)).toEqual([1]);
    link.send(makeAlert(2));
    link.send(makeAlert(3));
    link.send(makeAlert(4));
    clock.advance(1000);
    // 2 is acked at once (everything up to it arrived); 3, 4 and with them 5 when the window
    // closes. 5 was never claimed while 2..4 were missing.
    expect(server.sent('ack').map((a) => a.seq)).toEqual([1, 2, 5]);
    client.dispose();
  });

  it('sends nothing with resume.ack false', () => {
    const { clock, server, client } = createHarness({ resume: { ack: false } });
    client.connect();
    server.publish();
    clock.advance(1000);
    expect(server.sent('ack')).toEqual([]);
    client.dispose();
  });

  it('flush keeps what is owed while a hole holds the point back', () => {
    const holed = { ...createSequenceState({ epoch: 'e', lastSeq: 5 }), holes: [[3, 4] as const] };
    const owed = afterAlert({ sentSeq: 2, owed: 0, windowOpen: true }, holed, 100);
    expect(owed).toEqual({ send: undefined, state: { sentSeq: 2, owed: 1, windowOpen: true } });
    expect(flush(owed.state, holed)).toEqual({
      send: undefined,
      state: { sentSeq: 2, owed: 1, windowOpen: false },
    });
    const filled = { ...holed, holes: [] };
    expect(flush(owed.state, filled).send).toBe(5);
    expect(afterAlert(FRESH_ACK, filled, 100).send).toBe(5);
  });
});
