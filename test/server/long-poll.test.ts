import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';

interface PollBody {
  epoch: string;
  lastSeq: number;
  gap: boolean;
  missed: number;
  alerts: { seq: number; title: string }[];
}

describe('GET /api/alerts long polling', () => {
  let server: TestServer;
  let auth: { authorization: string };

  beforeEach(async () => {
    server = await startServer();
    auth = { authorization: `Bearer ${await server.token('alice')}` };
  });

  afterEach(async () => {
    await server.close();
  });

  const poll = (query: string, signal?: AbortSignal) =>
    fetch(`${server.httpUrl}/api/alerts?${query}`, { headers: auth, signal: signal ?? null });

  it('holds an empty poll until the next alert and answers with it at once', async () => {
    await server.publish('alice', 'first');
    const started = performance.now();
    const pending = poll('since=1&wait=20000');
    // Nothing yet after seq 1: the request waits, and the alert below ends the wait.
    await expect.poll(() => server.app.alertServer.service.waitingPolls).toBe(1);
    await server.publish('alice', 'second');
    const response = await pending;
    const elapsed = performance.now() - started;
    expect(response.status).toBe(200);
    const body = (await response.json()) as PollBody;
    expect(body.alerts.map((a) => [a.seq, a.title])).toEqual([[2, 'second']]);
    expect(body).toMatchObject({ lastSeq: 2, gap: false, missed: 0 });
    expect(elapsed).toBeLessThan(15_000);
    expect(server.app.alertServer.service.waitingPolls).toBe(0);
    const metrics = await (await fetch(`${server.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/^alert_server_polls_total\{outcome="alerts"\} 1$/m);
    expect(metrics).toMatch(/^alert_server_polls_waiting 0$/m);
  });

  it('answers at once when alerts are already there, and after the wait with none', async () => {
    await server.publish('alice');
    const ready = (await (await poll('since=0&wait=20000')).json()) as PollBody;
    expect(ready.alerts.map((a) => a.seq)).toEqual([1]);
    const started = performance.now();
    const empty = (await (await poll('since=1&wait=300')).json()) as PollBody;
    expect(performance.now() - started).toBeGreaterThanOrEqual(250);
    expect(empty).toMatchObject({ lastSeq: 1, alerts: [], gap: false });
  });

  it("is not woken by another user's alert", async () => {
    const pending = poll('since=0&wait=20000');
    await expect.poll(() => server.app.alertServer.service.waitingPolls).toBe(1);
    await server.publish('bob', 'for bob');
    // Alerts wake their user's polls before publish answers: this one still waits.
    expect(server.app.alertServer.service.waitingPolls).toBe(1);
    await server.publish('alice', 'for alice');
    const body = (await (await pending).json()) as PollBody;
    expect(body.alerts.map((a) => [a.seq, a.title])).toEqual([[1, 'for alice']]);
  });

  it('limit bounds the answer; limit=0 only says where the stream stands', async () => {
    for (let i = 0; i < 5; i++) await server.publish('alice');
    const page = (await (await poll('since=1&limit=2')).json()) as PollBody;
    expect(page.alerts.map((a) => a.seq)).toEqual([2, 3]);
    expect(page.lastSeq).toBe(5);
    const head = (await (await poll('since=0&limit=0')).json()) as PollBody;
    expect(head).toMatchObject({ lastSeq: 5, alerts: [], gap: false });
    expect(typeof head.epoch).toBe('string');
  });

  it('a poll in another epoch starts over from seq 0 and reports the gap', async () => {
    for (let i = 0; i < 2; i++) await server.publish('alice');
    const body = (await (await poll('since=7&epoch=gone&wait=5000')).json()) as PollBody;
    expect(body.gap).toBe(true);
    expect(body.alerts.map((a) => a.seq)).toEqual([1, 2]);
  });

  it('stops waiting when the request goes away', async () => {
    const abort = new AbortController();
    const pending = poll('since=0&wait=30000', abort.signal).catch((error: Error) => error.name);
    await expect.poll(() => server.app.alertServer.service.waitingPolls).toBe(1);
    abort.abort();
    expect(await pending).toBe('AbortError');
    await expect.poll(() => server.app.alertServer.service.waitingPolls, { timeout: 5000 }).toBe(0);
  });

  it('closing the server ends waiting polls instead of holding shutdown', async () => {
    const pending = poll('since=0&wait=30000');
    await expect.poll(() => server.app.alertServer.service.waitingPolls).toBe(1);
    const started = performance.now();
    await server.close();
    expect(performance.now() - started).toBeLessThan(10_000);
    const response = await pending.catch(() => undefined);
    if (response !== undefined) expect([200, 503]).toContain(response.status);
    server = await startServer();
  });

  for (const [query, message] of [
    ['since=0&wait=30001', /wait: expected an integer from 0 to 30000/],
    ['since=0&wait=-1', /wait: expected an integer/],
    ['since=0&limit=1001', /limit: expected an integer from 0 to 1000/],
    ['since=0&limit=x', /limit: expected an integer/],
  ] as const) {
    it(`rejects ${query} with 400`, async () => {
      const response = await poll(query);
      expect(response.status).toBe(400);
      expect(((await response.json()) as { message: string }).message).toMatch(message);
    });
  }
});
