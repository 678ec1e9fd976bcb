import { describe, expect, it } from 'vitest';
import { clientUrls, instanceOrder } from '../../../src/runner/harness/fleet.js';

describe('instanceOrder', () => {
  const urls = ['a', 'b', 'c'];

  it('starts clients evenly over the instances and always lists each instance once', () => {
    const firsts = Array.from({ length: 9 }, (_, i) => instanceOrder(i, urls)[0]);
    expect(firsts).toEqual(['a', 'b', 'c', 'a', 'b', 'c', 'a', 'b', 'c']);
    for (let i = 0; i < 12; i++) expect([...instanceOrder(i, urls)].sort()).toEqual(urls);
  });

  it("spreads a dead instance's clients evenly over the survivors", () => {
    // The clients that start on b fail over to their second URL when b dies.
    const next = new Map<string, number>();
    for (let i = 0; i < 60; i++) {
      const order = instanceOrder(i, urls);
      if (order[0] !== 'b') continue;
      next.set(order[1]!, (next.get(order[1]!) ?? 0) + 1);
    }
    expect(Object.fromEntries(next)).toEqual({ a: 10, c: 10 });
  });

  it('keeps one URL as it is', () => {
    expect(instanceOrder(5, ['only'])).toEqual(['only']);
  });

  it('proxy shards: the clients of one instance spread evenly over its shards', () => {
    const urls = [
      ['a1', 'a2'],
      ['b1', 'b2'],
      ['c1', 'c2'],
    ];
    const lists = Array.from({ length: 12 }, (_, i) => clientUrls(i, urls));
    expect(lists.slice(0, 6).map((l) => l[0])).toEqual(['a1', 'b1', 'c1', 'a2', 'b2', 'c2']);
    const counts = new Map<string, number>();
    for (const list of lists) counts.set(list[0]!, (counts.get(list[0]!) ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ a1: 2, a2: 2, b1: 2, b2: 2, c1: 2, c2: 2 });
    // Each list names every instance once, all through the client's own shard.
    expect(lists[4]).toEqual(['b2', 'a2', 'c2']);
  });
});

describe('how a large fleet is spread over processes', () => {
  const config = (clients: number, instances: number) => ({
    clients,
    topology: { instances, broker: 'redis' as const, persist: false },
  });

  it('keeps small fleets in the runner and gives big ones a worker per 15,000 clients', async () => {
    const { defaultWorkers } = await import('../../../src/runner/index.js');
    expect(defaultWorkers(config(60, 3))).toBe(0);
    // In-process server and proxy: four descriptors a client.
    expect(defaultWorkers(config(3750, 1))).toBe(0);
    expect(defaultWorkers(config(3751, 1))).toBe(1);
    // The proxies moved out (over 5,000 clients), the server in process: two a client.
    expect(defaultWorkers(config(7500, 1))).toBe(0);
    expect(defaultWorkers(config(10_000, 1))).toBe(1);
    expect(defaultWorkers(config(15_000, 3))).toBe(0);
    expect(defaultWorkers(config(30_000, 3))).toBe(2);
  });

  it('moves proxies to processes of their own and shards them under 12,000 descriptors', async () => {
    const { proxyShards } = await import('../../../src/runner/harness/topology.js');
    const scenario = (clients: number, instances: number) =>
      ({ config: config(clients, instances) }) as unknown as Parameters<typeof proxyShards>[0];
    expect(proxyShards(scenario(5000, 1), {})).toEqual({ shards: 1, separate: false });
    expect(proxyShards(scenario(5001, 1), {})).toEqual({ shards: 1, separate: true });
    expect(proxyShards(scenario(10_000, 1), {})).toEqual({ shards: 2, separate: true });
    expect(proxyShards(scenario(30_000, 3), {})).toEqual({ shards: 2, separate: true });
    // A real Toxiproxy is the user's: one proxy per instance.
    expect(proxyShards(scenario(30_000, 3), { toxiproxyUrl: 'http://t:8474' })).toEqual({
      shards: 1,
      separate: false,
    });
  });
});
