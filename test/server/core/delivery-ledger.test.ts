import { describe, expect, it } from 'vitest';
import { DeliveryLedger } from '../../../src/server/core/delivery-ledger.js';

describe('DeliveryLedger', () => {
  it('owes an ack only when it moves the acknowledged point over carried seqs', () => {
    const ledger = new DeliveryLedger();
    expect(ledger.owes(1)).toBe(false); // nothing carried yet
    for (let seq = 1; seq <= 5; seq++) ledger.record(seq, seq * 1000);
    expect(ledger.carried).toEqual([1, 5]);
    expect([0, 1, 5, 6].map((seq) => ledger.carries(seq))).toEqual([false, true, true, false]);
    expect(ledger.owes(6)).toBe(false);
    const delivered: number[] = [];
    ledger.acknowledge(3, (at) => delivered.push(at));
    expect(delivered).toEqual([1000, 2000, 3000]);
    expect(ledger.owes(3)).toBe(false);
    expect(ledger.owes(5)).toBe(true);
    ledger.acknowledge(3, (at) => delivered.push(at)); // a repeat covers nothing new
    ledger.acknowledge(9, (at) => delivered.push(at)); // beyond what was carried: up to 5
    expect(delivered).toEqual([1000, 2000, 3000, 4000, 5000]);
    expect(ledger.owes(5)).toBe(false);
  });

  it('times a late replay that follows newer live alerts, and keeps at most 1,000 pending', () => {
    const ledger = new DeliveryLedger();
    ledger.record(10, 10);
    ledger.record(4, 4); // replayed after 10 went live
    expect(DeliveryLedger.within(7, ledger.carried)).toBe(true);
    const delivered: number[] = [];
    ledger.acknowledge(10, (at) => delivered.push(at));
    expect(delivered.sort((a, b) => a - b)).toEqual([4, 10]);
    const big = new DeliveryLedger();
    for (let seq = 1; seq <= 1500; seq++) big.record(seq, seq);
    let timed = 0;
    big.acknowledge(1500, () => (timed += 1));
    expect(timed).toBe(1000);
  });

  it('keeps the alerts an ack did not cover, in the order they were sent', () => {
    const ledger = new DeliveryLedger();
    ledger.record(10, 100);
    ledger.record(4, 40); // a late replay
    ledger.record(12, 120);
    ledger.record(5, 50);
    const delivered: number[] = [];
    ledger.acknowledge(10, (at) => delivered.push(at));
    expect(delivered).toEqual([100, 40, 50]);
    ledger.record(13, 130);
    ledger.acknowledge(13, (at) => delivered.push(at));
    expect(delivered).toEqual([100, 40, 50, 120, 130]);
    // Emptied: the next alert is timed from its own record.
    ledger.record(14, 140);
    ledger.acknowledge(14, (at) => delivered.push(at));
    expect(delivered.slice(5)).toEqual([140]);
  });
});
