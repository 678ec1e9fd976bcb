import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CloseCode, SimulatedClock } from '../../src/protocol/index.js';
import { createMemoryBroker } from '../../src/server/index.js';
import { openPeer, type WsPeer } from '../helpers/ws-peer.js';
import { startServer, type TestServer } from '../helpers/server.js';

const isType = (type: string) => (m: Record<string, unknown>) => m.type === type;

describe('wire protocol over a real socket', () => {
  let server: TestServer;
  const peers: WsPeer[] = [];
  const connect = async (userId: string) => {
    const peer = await openPeer(server.wsUrl(userId), { token: await server.token(userId) });
    peers.push(peer);
    return peer;
  };
  beforeEach(async () => {
    server = await startServer({ limits: { resumeWaitMs: 50 } });
  });
  afterEach(async () => {
    await Promise.all(peers.splice(0).map((p) => p.close()));
    await server.close();
  });

  it('greets with hello carrying the epoch and the heartbeat timings', async () => {
    const before = Date.now();
    const peer = await connect('alice');
    const hello = await peer.next(isType('hello'));
    const after = Date.now();
    expect(hello).toMatchObject({
      type: 'hello',
      heartbeat: { intervalMs: 30_000, timeoutMs: 10_000 },
    });
    // Stamped between the upgrade request and its arrival here, in epoch ms (the server's
    // clock is the monotonic one, which may stray from Date.now by a little).
    expect(hello.serverTime).toBeGreaterThanOrEqual(before - 1000);
    expect(hello.serverTime).toBeLessThanOrEqual(after + 1000);
    // The epoch is the broker's: the same for every socket of every user.
    const bob = await connect('bob');
    const bobHello = await bob.next(isType('hello'));
    expect(hello.epoch).toEqual(expect.any(String));
    expect(bobHello.epoch).toBe(hello.epoch);
    expect(hello.connectionId).toEqual(expect.any(String));
    expect(bobHello.connectionId).not.toBe(hello.connectionId);
  });

  it('advertises the configured heartbeat and the broker epoch in hello', async () => {
    const custom = await startServer({
      heartbeat: { intervalMs: 12_345, timeoutMs: 6_789 },
      broker: createMemoryBroker({ epoch: 'epoch-under-test' }),
    });
    try {
      const peer = await openPeer(custom.wsUrl('alice'), { token: await custom.token('alice') });
      peers.push(peer);
      expect(await peer.next(isType('hello'))).toMatchObject({
        type: 'hello',
        epoch: 'epoch-under-test',
        heartbeat: { intervalMs: 12_345, timeoutMs: 6_789 },
      });
      await peer.close();
    } finally {
      await custom.close();
    }
  });

  it('answers ping with a pong echoing the id, an ISO timestamp and serverTime', async () => {
    const peer = await connect('alice');
    await peer.next(isType('hello'));
    peer.send({ type: 'ping', id: 'p-1' });
    const pong = await peer.next(isType('pong'));
    expect(pong.id).toBe('p-1');
    expect(new Date(pong.timestamp as string).toISOString()).toBe(pong.timestamp);
    expect(Math.abs(Date.parse(pong.timestamp as string) - (pong.serverTime as number))).toBe(0);
  });

  it('delivers a published alert to every open socket of the user and no one else', async () => {
    const tab1 = await connect('alice');
    const tab2 = await connect('alice');
    const other = await connect('bob');
    for (const p of [tab1, tab2, other]) {
      await p.next(isType('hello'));
      p.send({ type: 'ping', id: 'go-live' });
      await p.next(isType('pong'));
    }
    const { seq } = await server.publish('alice', 'Leak at example.com', 'CRITICAL');
    for (const tab of [tab1, tab2]) {
      const alert = await tab.next(isType('breach_alert'));
      expect(alert).toMatchObject({
        seq,
        userId: 'alice',
        severity: 'CRITICAL',
        title: 'Leak at example.com',
      });
    }
    other.send({ type: 'ping', id: 'after' });
    await other.next(isType('pong'));
    expect(other.received.some((m) => m.type === 'breach_alert')).toBe(false);
  });

  it('resume replays exactly the missed alerts, in order, then reports resumed', async () => {
    for (let i = 1; i <= 5; i++) await server.publish('alice', `alert ${i}`);
    const peer = await connect('alice');
    const hello = await peer.next(isType('hello'));
    peer.send({ type: 'resume', lastSeq: 2, epoch: hello.epoch });
    const seqs: unknown[] = [];
    for (let i = 0; i < 3; i++) seqs.push((await peer.next(isType('breach_alert'))).seq);
    expect(seqs).toEqual([3, 4, 5]);
    expect(await peer.next(isType('resumed'))).toEqual({
      type: 'resumed',
      replayed: 3,
      gap: false,
      missed: 0,
    });
    // Live delivery continues in order after the replay.
    await server.publish('alice', 'alert 6');
    expect((await peer.next(isType('breach_alert'))).seq).toBe(6);
  });

  it('reports a gap when history no longer holds lastSeq + 1', async () => {
    await server.close();
    server = await startServer({ historySize: 3, limits: { resumeWaitMs: 50 } });
    for (let i = 1; i <= 6; i++) await server.publish('alice', `alert ${i}`);
    const peer = await connect('alice');
    const hello = await peer.next(isType('hello'));
    peer.send({ type: 'resume', lastSeq: 1, epoch: hello.epoch });
    const resumed = await peer.next(isType('resumed'));
    // Seqs 2 and 3 fell out of the 3-alert history.
    expect(resumed).toEqual({ type: 'resumed', replayed: 3, gap: true, missed: 2 });
    expect(peer.received.filter(isType('breach_alert')).map((m) => m.seq)).toEqual([4, 5, 6]);
  });

  it('treats a resume from another epoch as a history reset and replays the new history', async () => {
    await server.publish('alice', 'one');
    const peer = await connect('alice');
    await peer.next(isType('hello'));
    peer.send({ type: 'resume', lastSeq: 40, epoch: 'an-epoch-that-was-lost' });
    expect(await peer.next(isType('resumed'))).toEqual({
      type: 'resumed',
      replayed: 1,
      gap: true,
      missed: 0,
    });
    expect(peer.received.filter(isType('breach_alert')).map((m) => m.seq)).toEqual([1]);
  });

  it('counts acks and times delivery', async () => {
    const peer = await connect('alice');
    await peer.next(isType('hello'));
    peer.send({ type: 'ping', id: 'live' });
    await peer.next(isType('pong'));
    const { seq } = await server.publish('alice');
    await peer.next(isType('breach_alert'));
    peer.send({ type: 'ack', seq });
    peer.send({ type: 'ping', id: 'sync' });
    await peer.next(isType('pong'));
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/alert_server_alert_deliveries_total\{outcome="acked"\} 1/);
    expect(metrics).toMatch(/alert_server_alert_delivery_duration_seconds_count 1/);
  });

  describe('bad input keeps the connection up with an error frame', () => {
    const cases: Array<[string, unknown, string]> = [
      ['malformed JSON', '{"type": "ping",', 'PROTO_MALFORMED_JSON'],
      ['an unknown type', { type: 'subscribe' }, 'PROTO_UNKNOWN_TYPE'],
      ['a wrong field type', { type: 'ping', id: 42 }, 'PROTO_INVALID_FIELD'],
      ['a negative seq', { type: 'resume', lastSeq: -1, epoch: 'e' }, 'PROTO_INVALID_FIELD'],
      ['a non-object', '[1,2,3]', 'PROTO_NOT_A_MESSAGE'],
    ];
    for (const [name, frame, code] of cases) {
      it(`answers ${name} with error ${code}`, async () => {
        const peer = await connect('alice');
        await peer.next(isType('hello'));
        peer.send(frame);
        expect(await peer.next(isType('error'))).toMatchObject({ type: 'error', code });
        peer.send({ type: 'ping', id: 'still-up' });
        expect((await peer.next(isType('pong'))).id).toBe('still-up');
      });
    }

    it('answers a binary frame with PROTO_BINARY_FRAME', async () => {
      const peer = await connect('alice');
      await peer.next(isType('hello'));
      peer.socket.send(Buffer.from([1, 2, 3]), { binary: true });
      expect(await peer.next(isType('error'))).toMatchObject({ code: 'PROTO_BINARY_FRAME' });
      peer.send({ type: 'ping', id: 'still-up' });
      await peer.next(isType('pong'));
    });
  });

  it('closes with 1009 on a frame over 16 KiB', async () => {
    const peer = await connect('alice');
    await peer.next(isType('hello'));
    peer.send({ type: 'ping', id: 'x'.repeat(17 * 1024) });
    expect((await peer.closed).code).toBe(CloseCode.TOO_BIG);
  });

  it('closes with 1008 when a peer floods', async () => {
    const peer = await connect('alice');
    await peer.next(isType('hello'));
    for (let i = 0; i < 200; i++) peer.send({ type: 'ping', id: `f${i}` });
    expect((await peer.closed).code).toBe(CloseCode.POLICY);
  });

  it('closes with 1008 sooner when a peer keeps sending garbage', async () => {
    const peer = await connect('alice');
    await peer.next(isType('hello'));
    for (let i = 0; i < 12; i++) peer.send('not json');
    expect((await peer.closed).code).toBe(CloseCode.POLICY);
  });

  it('closes with 4401 when the token of an open connection expires', async () => {
    // The server's clock is simulated, so how long the upgrade takes does not matter: the token
    // is valid at the upgrade and expires exactly when the test moves the clock to its exp.
    const clock = new SimulatedClock(Date.parse('2026-01-01T00:00:00.250Z'));
    const timed = await startServer({ clock });
    try {
      const token = await timed.token('alice', { nowMs: clock.now(), expiresInS: 60 });
      // exp is in whole seconds: floor(now / 1 s) + 60 s.
      const expiresAtMs = Date.parse('2026-01-01T00:01:00Z');
      const peer = await openPeer(timed.wsUrl('alice'), { token });
      peers.push(peer);
      await peer.next(isType('hello'));

      clock.advanceTo(expiresAtMs - 1);
      peer.send({ type: 'ping', id: 'still-open' });
      expect(await peer.next(isType('pong'))).toMatchObject({ id: 'still-open' });

      clock.advanceTo(expiresAtMs);
      // Closed at once: a ping sent now gets no answer.
      peer.send({ type: 'ping', id: 'expired' });
      const answer = await peer.next(isType('pong')).then(
        () => 'pong',
        () => 'closed',
      );
      expect(answer).toBe('closed');
      expect((await peer.closed).code).toBe(CloseCode.TOKEN_EXPIRED);
    } finally {
      await timed.close();
    }
  });
});
