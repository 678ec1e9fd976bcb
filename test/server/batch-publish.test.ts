// POST /api/alerts/batch on a real server: one alert to many users, delivered to every open
// socket of each (several tabs), exactly once per idempotency key, with clear refusals.
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../helpers/server.js';
import { openPeer } from '../helpers/ws-peer.js';
import { MAX_USER_ID } from '../../src/protocol/index.js';

const isType = (type: string) => (m: Record<string, unknown>) => m.type === type;

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function batch(
  target: TestServer,
  body: unknown,
  key?: string,
): Promise<{ status: number; body: Record<string, unknown>; replayed: string | null }> {
  const token = await target.token('ops', { role: 'publisher' });
  const response = await fetch(`${target.httpUrl}/api/alerts/batch`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      ...(key === undefined ? {} : { 'idempotency-key': `"${key}"` }),
    },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    replayed: response.headers.get('idempotent-replayed'),
  };
}

const alert = { severity: 'CRITICAL', title: 'Breach at a shared provider', source: 'feed' };

describe('POST /api/alerts/batch', () => {
  it('delivers one alert to each user, on every tab, with each user’s own seq', async () => {
    server = await startServer();
    await server.publish('alice');
    const tabs = await Promise.all(
      ['alice', 'alice', 'bob'].map(async (user) =>
        openPeer(server!.wsUrl(user), { token: await server!.token(user) }),
      ),
    );
    for (const tab of tabs) await tab.next(isType('hello'));
    const answer = await batch(server, { userIds: ['alice', 'bob', 'carol'], ...alert });
    expect(answer.status).toBe(201);
    const alerts = answer.body.alerts as Array<{ userId: string; seq: number; id: string }>;
    expect(alerts.map((a) => [a.userId, a.seq])).toEqual([
      ['alice', 2],
      ['bob', 1],
      ['carol', 1],
    ]);
    for (const [i, tab] of tabs.entries()) {
      const got = await tab.next<{ id: string; title: string }>(isType('breach_alert'));
      expect(got.id).toBe(alerts[i === 2 ? 1 : 0]!.id);
      expect(got.title).toBe(alert.title);
    }
    for (const tab of tabs) tab.close();
  });

  it('publishes once per idempotency key and refuses the key for another batch', async () => {
    server = await startServer();
    const first = await batch(server, { userIds: ['a', 'b'], ...alert }, 'k1');
    const again = await batch(server, { userIds: ['a', 'b'], ...alert }, 'k1');
    expect(first.status).toBe(201);
    expect(again).toEqual({ status: 200, body: first.body, replayed: 'true' });
    const other = await batch(server, { userIds: ['a', 'c'], ...alert }, 'k1');
    expect(other.status).toBe(422);
    expect(other.body.message).toBe(
      'Idempotency-Key "k1" already published another batch (2 alerts, the first to user "a")',
    );
  });

  it('refuses what it cannot take, naming the field', async () => {
    server = await startServer();
    const cases: Array<[unknown, string]> = [
      [{ ...alert }, 'userIds: expected a list of 1 to 10000 user ids, got null'],
      [{ userIds: [], ...alert }, 'userIds: expected a list of 1 to 10000 user ids, got 0 items'],
      [
        { userIds: Array.from({ length: 10_001 }, (_, i) => `u${i}`), ...alert },
        'userIds: expected a list of 1 to 10000 user ids, got 10001 items',
      ],
      [{ userIds: ['a', 'b', 'a'], ...alert }, 'userIds[2]: "a" is listed twice (each user once)'],
      [{ userIds: ['a', 7], ...alert }, 'userIds[1]: expected a non-empty string, got 7'],
      [{ userIds: [null, 'a'], ...alert }, 'userIds[0]: expected a non-empty string, got null'],
      [
        { userIds: ['a', 'b', 'x'.repeat(MAX_USER_ID + 1)], ...alert },
        `userIds[2]: expected at most ${MAX_USER_ID} characters, got ${MAX_USER_ID + 1}`,
      ],
      [{ userIds: ['a'], userId: 'a', ...alert }, 'userId: a batch names its users in userIds'],
      [
        { userIds: ['a'], ...alert, severity: 'SEVERE' },
        'alert.severity: expected one of LOW, MEDIUM, HIGH, CRITICAL, got "SEVERE"',
      ],
    ];
    for (const [body, message] of cases) {
      const answer = await batch(server, body);
      expect([answer.status, answer.body.message]).toEqual([400, message]);
    }
    // Past the batch's own body limit the answer is the server's 413.
    const huge = await batch(server, { userIds: ['a'], ...alert, title: 'x'.repeat(2_000_000) });
    expect(huge.status).toBe(413);
    const user = await fetch(`${server.httpUrl}/api/alerts/batch`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${await server.token('a')}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ userIds: ['a'], ...alert }),
    });
    expect(user.status).toBe(403);
  });
});
