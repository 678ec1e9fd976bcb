import { describe, expect, it } from 'vitest';
import { CloseCode, SimulatedClock, type AlertInput } from '../../../src/protocol/index.js';
import {
  createAlertService,
  createMemoryBroker,
  type AlertService,
  type SessionTransport,
} from '../../../src/server/index.js';

/** A transport that records what the session sends; drives the core without sockets. */
function recordingTransport() {
  const frames: Record<string, unknown>[] = [];
  const closes: Array<{ code: number; reason: string }> = [];
  let terminated = false;
  const transport: SessionTransport = {
    send: (text) => frames.push(JSON.parse(text) as Record<string, unknown>),
    close: (code, reason) => closes.push({ code, reason }),
    terminate: () => {
      terminated = true;
    },
  };
  return { transport, frames, closes, terminated: () => terminated };
}

const alert = (userId: string, title = 't'): AlertInput => ({
  userId,
  severity: 'LOW',
  title,
  source: 'unit',
  detectedAt: '2026-01-01T00:00:00Z',
});

/** Lets the broker's promise-based calls settle. */
const settle = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

function setup(limits = {}) {
  const clock = new SimulatedClock(Date.parse('2026-01-01T00:00:00Z'));
  let id = 0;
  const service: AlertService = createAlertService({
    broker: createMemoryBroker({ epoch: 'epoch-1' }),
    clock,
    createId: () => `id-${++id}`,
    limits,
  });
  return { clock, service };
}

const frame = (value: unknown) => JSON.stringify(value);

describe('Session (transport-free core on a simulated clock)', () => {
  it('holds live alerts until resume, then sends replay, resumed and the held alerts in seq order', async () => {
    const { service } = setup();
    await service.publish(alert('u'));
    await service.publish(alert('u'));
    const t = recordingTransport();
    const session = service.open(t.transport, { userId: 'u' });
    await settle();
    expect(t.frames.map((f) => f.type)).toEqual(['hello']);
    // Published between hello and resume: it must not overtake the replay.
    await service.publish(alert('u'));
    expect(t.frames.map((f) => f.type)).toEqual(['hello']);
    session.receive(frame({ type: 'resume', lastSeq: 1, epoch: 'epoch-1' }), 50);
    await settle();
    expect(t.frames.slice(1).map((f) => (f.type === 'breach_alert' ? f.seq : f.type))).toEqual([
      2,
      3,
      'resumed',
    ]);
    expect(t.frames.at(-1)).toEqual({ type: 'resumed', replayed: 2, gap: false, missed: 0 });
    await service.publish(alert('u'));
    expect(t.frames.at(-1)).toMatchObject({ type: 'breach_alert', seq: 4 });
  });

  it('starts live delivery after resumeWaitMs for a client that never resumes', async () => {
    const { clock, service } = setup({ resumeWaitMs: 1000 });
    const t = recordingTransport();
    service.open(t.transport, { userId: 'u' });
    await settle();
    await service.publish(alert('u'));
    clock.advance(999);
    expect(t.frames.map((f) => f.type)).toEqual(['hello']);
    clock.advance(1);
    expect(t.frames.map((f) => f.type)).toEqual(['hello', 'breach_alert']);
  });

  it('closes a silent connection with 4000 after idleTimeoutMs, and a chatty one never', async () => {
    const { clock, service } = setup({ idleTimeoutMs: 70_000 });
    const silent = recordingTransport();
    const chatty = recordingTransport();
    service.open(silent.transport, { userId: 'a' });
    const session = service.open(chatty.transport, { userId: 'b' });
    await settle();
    for (let t = 0; t < 10; t++) {
      clock.advance(30_000);
      session.receive(frame({ type: 'ping', id: String(t) }), 20);
    }
    expect(silent.closes).toEqual([
      { code: CloseCode.HEARTBEAT_TIMEOUT, reason: 'no frame for 70 s' },
    ]);
    expect(chatty.closes).toEqual([]);
    expect(service.connectionCount).toBe(1);
  });

  it('closes with 4401 exactly when the token expires', async () => {
    const { clock, service } = setup();
    const t = recordingTransport();
    service.open(t.transport, { userId: 'u', tokenExpiresAtMs: clock.now() + 5000 });
    await settle();
    clock.advance(4999);
    expect(t.closes).toEqual([]);
    clock.advance(1);
    expect(t.closes).toEqual([{ code: CloseCode.TOKEN_EXPIRED, reason: 'token expired' }]);
  });

  it('allows 20 frames a second sustained and closes with 1008 above that', async () => {
    const { clock, service } = setup();
    const steady = recordingTransport();
    const flood = recordingTransport();
    const a = service.open(steady.transport, { userId: 'a' });
    const b = service.open(flood.transport, { userId: 'b' });
    await settle();
    for (let i = 0; i < 200; i++) {
      clock.advance(50); // 20 frames/s
      a.receive(frame({ type: 'ping', id: String(i) }), 20);
      b.receive(frame({ type: 'ping', id: String(i) }), 20);
      b.receive(frame({ type: 'ping', id: `${i}b` }), 20); // 40 frames/s
    }
    expect(steady.closes).toEqual([]);
    expect(flood.closes).toEqual([{ code: CloseCode.POLICY, reason: 'too many messages' }]);
  });

  it('leaves no timer behind once every session closed', async () => {
    const { clock, service } = setup();
    const sessions = [1, 2, 3].map((i) =>
      service.open(recordingTransport().transport, {
        userId: `u${i}`,
        tokenExpiresAtMs: clock.now() + 60_000,
      }),
    );
    await settle();
    sessions[0]!.handleTransportClosed(1000);
    service.closeAll(CloseCode.SERVICE_RESTART, 'restart', 'restart');
    expect(service.connectionCount).toBe(0);
    expect(clock.pendingTimers).toBe(0);
  });

  it('refuses the 11th connect attempt of a user within a minute and admits again after it', () => {
    const { clock, service } = setup();
    for (let i = 0; i < 10; i++) {
      expect(service.admit('u')).toEqual({ ok: true });
      clock.advance(1000);
    }
    expect(service.admit('u')).toEqual({ ok: false, retryAfterMs: 50_000 });
    expect(service.admit('v')).toEqual({ ok: true });
    clock.advance(50_000);
    expect(service.admit('u')).toEqual({ ok: true });
  });
});

describe('Session — a resume that comes after live delivery started', () => {
  it('replays only what the socket has not carried: older seqs after the live ones', async () => {
    const { clock, service } = setup({ resumeWaitMs: 1000 });
    for (let i = 0; i < 3; i++) await service.publish(alert('u')); // 1..3 before the socket
    const t = recordingTransport();
    const session = service.open(t.transport, { userId: 'u' });
    await settle();
    clock.advance(1000); // no resume yet (a slow link): live delivery starts
    await service.publish(alert('u'));
    await service.publish(alert('u'));
    await settle();
    const seqs = () => t.frames.filter((f) => f.type === 'breach_alert').map((f) => f.seq);
    expect(seqs()).toEqual([4, 5]);
    // The client's resume arrives now, from seq 1: 2 and 3 are sent, 4 and 5 are not again.
    void session.receive(frame({ type: 'resume', lastSeq: 1, epoch: 'epoch-1' }), 40);
    await settle();
    await service.publish(alert('u'));
    await settle();
    expect(seqs()).toEqual([4, 5, 2, 3, 6]);
    expect(t.frames.find((f) => f.type === 'resumed')).toMatchObject({ replayed: 2, gap: false });
    // A later resume from the start sends only seq 1: the socket carried 2..6.
    void session.receive(frame({ type: 'resume', lastSeq: 0, epoch: 'epoch-1' }), 40);
    await settle();
    expect(seqs()).toEqual([4, 5, 2, 3, 6, 1]);
  });
});

describe('Session — heartbeat round trips taken in one step', () => {
  it('echoPing(at) leaves the session as receiving the ping at `at` does', async () => {
    const { clock, service } = setup({ idleTimeoutMs: 70_000 });
    const full = recordingTransport();
    const echoed = recordingTransport();
    const a = service.open(full.transport, { userId: 'a' });
    const b = service.open(echoed.transport, { userId: 'b' });
    await settle();
    clock.advance(1000); // resume wait over: both live
    for (let t = 0; t < 5; t++) {
      clock.advance(30_000);
      expect(b.canEchoPing(clock.now(), clock.now() + 10)).toBe(true);
      a.receive(frame({ type: 'ping', id: String(t) }), 20);
      b.echoPing(clock.now());
    }
    // Both stay open past the idle timeout of the first ping: the echo counted as a frame.
    clock.advance(60_000);
    expect(full.closes).toEqual([]);
    expect(echoed.closes).toEqual([]);
    clock.advance(10_001);
    expect(full.closes.map((c) => c.code)).toEqual([CloseCode.HEARTBEAT_TIMEOUT]);
    expect(echoed.closes).toEqual(full.closes);
    // The echo sent nothing; the full path sent pongs.
    expect(echoed.frames.filter((f) => f.type === 'pong')).toEqual([]);
    expect(full.frames.filter((f) => f.type === 'pong')).toHaveLength(5);
  });

  it('is not offered before the session is live, with its watchdog due in the window, or once closed', async () => {
    const { clock, service } = setup({ idleTimeoutMs: 70_000, resumeWaitMs: 1000 });
    const { transport } = recordingTransport();
    const session = service.open(transport, { userId: 'a' });
    await settle();
    expect(session.canEchoPing(clock.now(), clock.now() + 5)).toBe(false); // awaiting resume
    clock.advance(1000);
    const now = clock.now();
    expect(session.canEchoPing(now, now + 5)).toBe(true);
    // The watchdog wakes 70 s after the last frame (the open, at 0 here).
    expect(session.canEchoPing(now, now + 69_000)).toBe(false);
    session.close(1000, 'bye', 'client_close');
    expect(session.canEchoPing(clock.now(), clock.now() + 5)).toBe(false);
  });

  it('lets its transport settle played heartbeats before it checks idleness, closes or terminates', async () => {
    const { clock, service } = setup({ idleTimeoutMs: 70_000 });
    const calls: string[] = [];
    const transport: SessionTransport = {
      send: () => calls.push('send'),
      close: () => calls.push('close'),
      terminate: () => calls.push('terminate'),
      flush: () => calls.push('flush'),
      settle: () => calls.push('settle'),
    };
    const one = service.open(transport, { userId: 'a' });
    const two = service.open(transport, { userId: 'b' });
    await settle();
    calls.length = 0;
    clock.advance(70_000); // both watchdogs wake and close
    expect(calls.slice(0, 3)).toEqual(['settle', 'flush', 'close']);
    calls.length = 0;
    const three = service.open(transport, { userId: 'c' });
    await settle();
    calls.length = 0;
    three.terminate();
    expect(calls).toEqual(['flush', 'terminate']);
    expect([one.phase, two.phase, three.phase]).toEqual(['closed', 'closed', 'closed']);
  });

  it('lets a transport play the watchdog wakes and hand them back as they would have gone', async () => {
    const { clock, service } = setup({ idleTimeoutMs: 70_000 });
    const t = recordingTransport();
    const offered: number[] = [];
    let playing = false;
    const transport: SessionTransport = {
      ...t.transport,
      sleep: (wakeIn) => {
        offered.push(wakeIn);
        return playing;
      },
    };
    const session = service.open(transport, { userId: 'a' });
    await settle();
    const openedAt = clock.now();
    // Opening arms the first wake (70 s): offered, refused. A ping at 30 s makes the wake at
    // 70 s sleep until 100 s: offered again, and played from then on.
    clock.advance(30_000);
    session.echoPing(clock.now());
    playing = true;
    clock.advance(40_000);
    expect(offered).toEqual([70_000, 30_000]);
    expect(session.lastFrameAt).toBe(openedAt + 30_000);
    // While played, nothing fires: the socket stays open past 100 s and 140 s.
    clock.advance(80_000);
    expect(t.closes).toEqual([]);
    // What the wakes would do: at 100 s with the last frame at 30 s, close (silent for 70 s).
    expect(session.sleepAfter(openedAt + 100_000, openedAt + 30_000)).toBeUndefined();
    expect(session.sleepAfter(openedAt + 100_000, openedAt + 60_000)).toBe(30_000);
    // Handed back as of the wake at 70 s (sleeping 30 s): it fires at 100 s, which is past.
    playing = false;
    clock.travel(openedAt + 70_000, clock.reserveOrder(1), () => session.resumeWatchdog(30_000));
    clock.advance(0);
    expect(t.closes.map((c) => c.code)).toEqual([CloseCode.HEARTBEAT_TIMEOUT]);
  });

  it('hands over its armed watchdog and takes it back as it was set', async () => {
    const { clock, service } = setup({ idleTimeoutMs: 70_000 });
    const t = recordingTransport();
    const session = service.open(t.transport, { userId: 'a' });
    await settle();
    const openedAt = clock.now();
    clock.advance(10_000);
    const taken = session.handOverWatchdog();
    expect(taken).toMatchObject({ from: openedAt, wakeIn: 70_000 });
    expect(session.handOverWatchdog()).toBeUndefined(); // nothing armed any more
    // Played: nothing fires at 70 s.
    clock.advance(65_000);
    expect(t.closes).toEqual([]);
    // Given back as of when it was set, in its own order place: it fires at once (70 s is past).
    clock.travel(taken!.from, clock.orderOf(taken!.timer), () =>
      session.resumeWatchdog(taken!.wakeIn),
    );
    clock.advance(0);
    expect(t.closes.map((c) => c.code)).toEqual([CloseCode.HEARTBEAT_TIMEOUT]);
  });
});
