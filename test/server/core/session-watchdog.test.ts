import { describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../src/protocol/index.js';
import { SessionWatchdog, watchdogVerdict } from '../../../src/server/core/session-watchdog.js';

describe('watchdogVerdict', () => {
  it('closes on an expired token before an idle socket, else sleeps to the nearer deadline', () => {
    expect(watchdogVerdict(1000, 0, 1000, 500)).toBe('expired');
    expect(watchdogVerdict(1000, 500, undefined, 500)).toBe('idle');
    expect(watchdogVerdict(1000, 900, 1300, 500)).toBe(300);
    expect(watchdogVerdict(1000, 900, 5000, 500)).toBe(400);
    // No expiry and a huge idle timeout: a wait a host timer can hold.
    expect(watchdogVerdict(0, 0, undefined, 2 ** 40)).toBe(2 ** 31 - 1);
  });
});

describe('SessionWatchdog', () => {
  it('wakes once when armed, and says when it is due until it woke', () => {
    const clock = new SimulatedClock(0);
    let wakes = 0;
    const watchdog = new SessionWatchdog(clock, () => {
      wakes += 1;
      watchdog.woke();
    });
    expect(watchdog.dueAt).toBeUndefined();
    watchdog.arm(clock.now(), 100);
    expect(watchdog.dueAt).toBe(100);
    clock.advance(99);
    expect(wakes).toBe(0);
    clock.advance(1);
    expect(wakes).toBe(1);
    expect(watchdog.dueAt).toBeUndefined();
    expect(clock.pendingTimers).toBe(0);
  });

  it('hands its timer over and takes it back as a new one, as of the moment it is resumed', () => {
    const clock = new SimulatedClock(1000);
    let wakes = 0;
    const watchdog = new SessionWatchdog(clock, () => (wakes += 1));
    expect(watchdog.handOver()).toBeUndefined();
    watchdog.arm(clock.now(), 300);
    const handed = watchdog.handOver();
    expect(handed).toMatchObject({ from: 1000, wakeIn: 300 });
    expect(clock.pendingTimers).toBe(0);
    // Handed over, it is still due then; a second hand-over has nothing to give.
    expect(watchdog.dueAt).toBe(1300);
    expect(watchdog.handOver()).toBeUndefined();
    clock.advance(500);
    expect(wakes).toBe(0);
    watchdog.resume(200);
    expect(watchdog.dueAt).toBe(1700);
    expect(watchdog.handOver()).toMatchObject({ from: 1500, wakeIn: 200 });
    watchdog.resume(200);
    clock.advance(200);
    expect(wakes).toBe(1);
  });

  it('is due without a timer while a transport plays it, and stops for good', () => {
    const clock = new SimulatedClock(0);
    const watchdog = new SessionWatchdog(clock, () => undefined);
    watchdog.dueIn(clock.now(), 50);
    expect(watchdog.dueAt).toBe(50);
    expect(clock.pendingTimers).toBe(0);
    expect(watchdog.handOver()).toBeUndefined();
    watchdog.arm(clock.now(), 50);
    watchdog.stop();
    expect(clock.pendingTimers).toBe(0);
  });
});
