// What a correct client must send never trips the flood guard: cumulative acks that move the
// acknowledged point and the connection's one resume are free. Floods still close with 1008.
import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { CloseCode, SimulatedClock, type AlertInput } from '../../../src/protocol/index.js';
import { createServerMetrics } from '../../../src/metrics/index.js';
import {
  createAlertService,
  createMemoryBroker,
  type SessionTransport,
} from '../../../src/server/index.js';

interface Recorded {
  transport: SessionTransport;
  frames: Record<string, unknown>[];
  closes: Array<{ code: number; reason: string }>;
}

function recordingTransport(extra: Partial<SessionTransport> = {}): Recorded {
  const frames: Record<string, unknown>[] = [];
  const closes: Array<{ code: number; reason: string }> = [];
  return {
    frames,
    closes,
    transport: {
      send: (text) => frames.push(JSON.parse(text) as Record<string, unknown>),
      close: (code, reason) => closes.push({ code, reason }),
      terminate: () => undefined,
      ...extra,
    },
  };
}

const alert = (userId: string): AlertInput => ({
  userId,
  severity: 'LOW',
  title: 't',
  source: 'unit',
  detectedAt: '2026-01-01T00:00:00Z',
});

const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await Promise.resolve();
};

function setup(historySize = 1000, heartbeatIntervalMs = 30_000) {
  const clock = new SimulatedClock(Date.parse('2026-01-01T00:00:00Z'));
  const registry = new Registry();
  const metrics = createServerMetrics(registry, 'test');
  let id = 0;
  const service = createAlertService({
    broker: createMemoryBroker({ epoch: 'epoch-1', historySize }),
    clock,
    createId: () => `id-${++id}`,
    metrics,
    heartbeat: { intervalMs: heartbeatIntervalMs, timeoutMs: heartbeatIntervalMs / 3 },
  });
  const count = async (name: string, labels: Record<string, string>): Promise<number> => {
    const metric = (await registry.getMetricsAsJSON()).find((m) => m.name === name);
    const values = (metric?.values ?? []) as Array<{
      labels: Record<string, string | number>;
      value: number;
    }>;
    return values
      .filter((v) => Object.entries(labels).every(([k, l]) => String(v.labels[k]) === l))
      .reduce((sum, v) => sum + v.value, 0);
  };
  return { clock, service, count };
}

const frame = (value: unknown): string => JSON.stringify(value);
const seqs = (frames: Record<string, unknown>[]): unknown[] =>
  frames.filter((f) => f.type === 'breach_alert').map((f) => f.seq);

describe('Session flood guard and cumulative acks', () => {
  it('replays the whole 1,000-alert history to a client that acks every alert at once: no 1008', async () => {
    const { service, count } = setup();
    for (let i = 0; i < 1000; i++) await service.publish(alert('u'));
    const t = recordingTransport();
    const session = service.open(t.transport, { userId: 'u' });
    await settle();
    session.receive(frame({ type: 'resume', lastSeq: 0, epoch: 'epoch-1' }), 50);
    await settle();
    expect(seqs(t.frames)).toHaveLength(1000);
    // The old client's behaviour: one ack per alert, all in the same instant. Each moves the
    // acknowledged point over an alert this socket sent, so none is counted.
    for (let seq = 1; seq <= 1000; seq++) session.receive(frame({ type: 'ack', seq }), 20);
    expect(t.closes).toEqual([]);
    expect(await count('alert_server_alert_deliveries_total', { outcome: 'acked' })).toBe(1000);
    expect(await count('alert_server_ws_closes_total', { code: '1008' })).toBe(0);
  });

  it('counts one cumulative ack for every alert up to its seq, each once', async () => {
    const { service, count } = setup();
    const t = recordingTransport();
    const session = service.open(t.transport, { userId: 'u' });
    await settle();
    session.receive(frame({ type: 'resume', lastSeq: 0, epoch: 'epoch-1' }), 50);
    await settle();
    for (let i = 0; i < 250; i++) await service.publish(alert('u'));
    session.receive(frame({ type: 'ack', seq: 100 }), 20);
    expect(await count('alert_server_alert_deliveries_total', { outcome: 'acked' })).toBe(100);
    session.receive(frame({ type: 'ack', seq: 100 }), 20); // a repeat acks nothing more
    session.receive(frame({ type: 'ack', seq: 250 }), 20);
    expect(await count('alert_server_alert_deliveries_total', { outcome: 'acked' })).toBe(250);
    const durations = await count('alert_server_alert_delivery_duration_seconds', {});
    expect(durations).toBeGreaterThan(0); // histogram series exist
  });

  it('still closes a ping flood with 1008, and acks for alerts never sent are no free pass', async () => {
    const { service, count } = setup();
    const pings = recordingTransport();
    const acks = recordingTransport();
    const a = service.open(pings.transport, { userId: 'a' });
    const b = service.open(acks.transport, { userId: 'b' });
    await settle();
    for (let i = 0; i < 50; i++) a.receive(frame({ type: 'ping', id: String(i) }), 20);
    // b was sent nothing: acks that claim seqs it never carried are counted like any frame.
    for (let i = 1; i <= 45; i++) b.receive(frame({ type: 'ack', seq: i }), 20);
    expect(pings.closes).toEqual([{ code: CloseCode.POLICY, reason: 'too many messages' }]);
    expect(acks.closes).toEqual([{ code: CloseCode.POLICY, reason: 'too many messages' }]);
    expect(await count('alert_server_ws_closes_total', { code: '1008' })).toBe(2);
    expect(await count('alert_server_ws_disconnections_total', { reason: 'flood' })).toBe(2);
  });

  it('takes a minute of a 1 s heartbeat held by a slow link and released at once, but not a ping flood', async () => {
    const { clock, service } = setup(1000, 1000);
    const held = recordingTransport();
    const flood = recordingTransport();
    const a = service.open(held.transport, { userId: 'a' });
    await settle();
    clock.advance(60_000);
    // 60 pings and a probe for each, all arriving in the same instant.
    for (let i = 0; i < 120; i++) a.receive(frame({ type: 'ping', id: String(i) }), 20);
    expect(held.closes).toEqual([]);
    expect(held.frames.filter((f) => f.type === 'pong')).toHaveLength(120);
    // The minute's allowance (4 + 2 × 60) has 4 pings left; beyond them every ping is counted
    // like any frame, and 41 more exceed the burst of 40.
    for (let i = 0; i < 45; i++) a.receive(frame({ type: 'ping', id: `x${i}` }), 20);
    expect(held.closes).toEqual([{ code: CloseCode.POLICY, reason: 'too many messages' }]);
    // b floods as soon as it is open: 4 pings are free, then the burst of 40 is spent.
    const b = service.open(flood.transport, { userId: 'b' });
    await settle();
    for (let i = 0; i < 45; i++) b.receive(frame({ type: 'ping', id: String(i) }), 20);
    expect(flood.closes).toEqual([{ code: CloseCode.POLICY, reason: 'too many messages' }]);
  });

  it('refuses a second resume during a replay, and repeated resumes cost as much as garbage', async () => {
    const { service } = setup();
    for (let i = 0; i < 10; i++) await service.publish(alert('u'));
    const t = recordingTransport();
    const session = service.open(t.transport, { userId: 'u' });
    await settle();
    session.receive(frame({ type: 'resume', lastSeq: 0, epoch: 'epoch-1' }), 50);
    session.receive(frame({ type: 'resume', lastSeq: 0, epoch: 'epoch-1' }), 50);
    await settle();
    expect(t.frames.filter((f) => f.type === 'error')).toEqual([
      {
        type: 'error',
        code: 'PROTO_INVALID_FIELD',
        message: 'resume: a replay is already in progress',
      },
    ]);
    expect(seqs(t.frames)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // The first resume was free, the second cost 5: eight more at 5 each exceed the burst of 40.
    for (let i = 0; i < 8; i++) {
      session.receive(frame({ type: 'resume', lastSeq: 0, epoch: 'epoch-1' }), 50);
      await settle();
    }
    expect(t.closes).toEqual([{ code: CloseCode.POLICY, reason: 'too many messages' }]);
  });

  /** A session resuming from 0 over `history` alerts, on a socket that is always full. */
  async function pacedReplay(history: number) {
    const { service } = setup();
    for (let i = 0; i < history; i++) await service.publish(alert('u'));
    const waits: Array<() => void> = [];
    const t = recordingTransport({
      drained: () => new Promise<void>((resolve) => waits.push(resolve)),
    });
    const session = service.open(t.transport, { userId: 'u' });
    await settle();
    session.receive(frame({ type: 'resume', lastSeq: 0, epoch: 'epoch-1' }), 50);
    await settle();
    return { service, session, t, waits };
  }

  it('paces a large replay on back-pressure: the next batch waits until the socket drained', async () => {
    const { service, t, waits } = await pacedReplay(350);
    expect(seqs(t.frames)).toHaveLength(100);
    // A live alert published mid-replay waits behind it, in seq order.
    await service.publish(alert('u'));
    waits.shift()?.();
    await settle();
    expect(seqs(t.frames)).toHaveLength(200);
    waits.shift()?.();
    await settle();
    waits.shift()?.();
    await settle();
    expect(waits).toHaveLength(0); // no wait after the last batch
    const all = seqs(t.frames);
    expect(all).toEqual(Array.from({ length: 351 }, (_, i) => i + 1));
    const resumedAt = t.frames.findIndex((f) => f.type === 'resumed');
    expect(t.frames[resumedAt]).toEqual({ type: 'resumed', replayed: 350, gap: false, missed: 0 });
    expect(t.frames.slice(resumedAt + 1).map((f) => f.seq)).toEqual([351]);
  });

  it('stops a paced replay when the socket closes mid-way', async () => {
    const { session, t, waits } = await pacedReplay(300);
    session.handleTransportClosed(1006);
    waits.shift()?.();
    await settle();
    expect(seqs(t.frames)).toHaveLength(100);
    expect(t.frames.some((f) => f.type === 'resumed')).toBe(false);
  });
});
