// A replay paces itself on the socket's back-pressure: a reader that stops reading holds the
// server to a few batches beyond what the kernel buffers take, not the whole history at once.
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createMemoryBroker, type Broker } from '../../src/server/index.js';
import { startServer, type TestServer } from '../helpers/server.js';

const HISTORY = 6000;

let server: TestServer | undefined;
let broker: Broker | undefined;
let socket: WebSocket | undefined;
afterEach(async () => {
  socket?.terminate();
  await server?.close();
  await broker?.close();
});

async function replayed(app: TestServer['app']): Promise<number> {
  const text = (await app.inject('/metrics')).body;
  const line = text
    .split('\n')
    .find((l) => l.startsWith('alert_server_alert_deliveries_total{outcome="replayed"}'));
  return line === undefined ? 0 : Number(line.split(' ').at(-1));
}

describe('paced replay over a real socket', () => {
  it(
    'stops sending while the reader does not read, then delivers the whole history in order',
    {
      timeout: 60_000,
    },
    async () => {
      broker = createMemoryBroker({ historySize: HISTORY });
      // ~1 KB alerts: 6 MB of history, more than loopback's socket buffers hold unread.
      for (let i = 0; i < HISTORY; i++) {
        await broker.publish(
          {
            userId: 'hot',
            severity: 'HIGH',
            title: `${i} `.padEnd(500, 'x'),
            source: 's'.repeat(200),
            detectedAt: '2026-01-01T00:00:00Z',
          },
          new Date(Date.UTC(2026, 0, 1)).toISOString(),
          `id-${i}`,
        );
      }
      server = await startServer({ broker });
      socket = new WebSocket(server.wsUrl('hot'), {
        headers: { authorization: `Bearer ${await server.token('hot')}` },
      });
      const frames: Array<{ type: string; seq?: number }> = [];
      let onResumed!: () => void;
      const resumed = new Promise<void>((resolve) => (onResumed = resolve));
      const firstFrame = once(socket, 'message');
      socket.on('message', (data: Buffer) => {
        const frame = JSON.parse(data.toString()) as { type: string; seq?: number };
        frames.push(frame);
        if (frame.type === 'resumed') onResumed();
      });
      await firstFrame;
      const hello = frames[0] as unknown as { epoch: string };
      socket.pause();
      socket.send(JSON.stringify({ type: 'resume', lastSeq: 0, epoch: hello.epoch }));
      // Whatever the kernel takes goes out; then the replay waits for the socket to drain. The
      // count is read until it holds still (three reads 100 ms apart), at most 10 s: it cannot
      // reach the whole history while nothing is read, however slow the machine.
      let held = -1;
      let still = 0;
      for (let i = 0; i < 100 && still < 3; i++) {
        await sleep(100);
        const now = await replayed(server.app);
        still = now === held && now > 0 ? still + 1 : 0;
        held = now;
      }
      expect(still).toBe(3);
      expect(held).toBeGreaterThan(0);
      expect(held).toBeLessThan(HISTORY);
      socket.resume();
      await resumed;
      const seqs = frames.filter((f) => f.type === 'breach_alert').map((f) => f.seq);
      expect(seqs).toEqual(Array.from({ length: HISTORY }, (_, i) => i + 1));
      expect(frames.at(-1)).toEqual({ type: 'resumed', replayed: HISTORY, gap: false, missed: 0 });
      expect(await replayed(server.app)).toBe(HISTORY);
    },
  );
});
