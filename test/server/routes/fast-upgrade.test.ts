import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MAX_USER_ID } from '../../../src/protocol/index.js';
import { startServer, type TestServer } from '../../helpers/server.js';
import { expectRefused, openPeer, type UpgradeRefusal } from '../../helpers/ws-peer.js';

// Plain upgrade URLs are taken before Fastify's router (src/server/routes/fast-upgrade.ts); the
// rest go through the route. Both must answer alike.
describe('socket upgrades with and without the router', () => {
  let server: TestServer;
  beforeEach(async () => {
    server = await startServer({ limits: { connectsPerMinute: 1000 } });
  });
  afterEach(async () => {
    await server.close();
  });

  const base = () => server.wsUrl('x').replace(/x$/, '');
  /** `alice` as the fast path sees it, and escaped (`%61` is `a`) so the router decodes it. */
  const plain = () => `${base()}alice`;
  const escaped = () => `${base()}%61lice`;
  const refusalOf = (refusal: UpgradeRefusal) => ({
    status: refusal.status,
    type: refusal.headers['content-type'],
    retryAfter: refusal.headers['retry-after'],
    body: JSON.parse(refusal.body) as unknown,
  });

  it('opens a session either way, for the user the path names', async () => {
    const token = await server.token('alice');
    for (const url of [plain(), escaped(), `${plain()}?token=${token}&x=1`]) {
      const peer = await openPeer(url, url.includes('?') ? {} : { token });
      expect(await peer.next((m) => m.type === 'hello')).toMatchObject({ type: 'hello' });
      await peer.close();
    }
  });

  it('refuses with the same status, headers and body either way', async () => {
    const mallory = await server.token('mallory');
    const expired = await server.token('alice', { nowMs: Date.now() - 7200_000, expiresInS: 60 });
    for (const options of [{}, { token: mallory }, { token: expired }, { token: 'a.b.c' }]) {
      const fast = refusalOf(await expectRefused(plain(), options));
      const routed = refusalOf(await expectRefused(escaped(), options));
      expect(fast).toEqual(routed);
      expect(fast.status).toBeGreaterThanOrEqual(401);
      expect(fast.type).toBe('application/json; charset=utf-8');
    }
  });

  it('gives the connect limit’s 429 and Retry-After either way', async () => {
    await server.close();
    server = await startServer({ limits: { connectsPerMinute: 1 } });
    const token = await server.token('alice');
    const first = await openPeer(plain(), { token });
    await first.close();
    const fast = refusalOf(await expectRefused(plain(), { token }));
    const routed = refusalOf(await expectRefused(escaped(), { token }));
    expect(fast).toEqual(routed);
    expect(fast.status).toBe(429);
    expect(Number(fast.retryAfter)).toBeGreaterThan(0);
  });

  it('opens for a user id of the longest length an alert may name', async () => {
    const userId = 'u'.repeat(MAX_USER_ID);
    const token = await server.token(userId);
    for (const url of [server.wsUrl(userId), `${base()}%75${userId.slice(1)}`]) {
      const peer = await openPeer(url, { token });
      expect(await peer.next((m) => m.type === 'hello')).toMatchObject({ type: 'hello' });
      await peer.close();
    }
  });

  it('leaves other upgrade paths to the router (404)', async () => {
    const token = await server.token('alice');
    const refusal = await expectRefused(`${base()}alice/extra`, { token });
    expect(refusal.status).toBe(404);
  });
});
