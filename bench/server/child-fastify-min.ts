// A peer for compare.ts and mem-probe.ts: the least a Fastify + @fastify/websocket server can
// do with the same ping/pong handler and per-user fan-out as the bare `ws` peer (no auth,
// validation, history, metrics or logs), to tell the framework's cost from the alert server's.
import websocket from '@fastify/websocket';
import Fastify from 'fastify';
import type { WebSocket } from 'ws';

const byUser = new Map<string, Set<WebSocket>>();
let seq = 0;
const app = Fastify({ logger: false });
await app.register(websocket);
app.get('/debug/mem', async () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
});
/** The next alert frame for a published body. */
function alertFrame(body: Record<string, unknown>): string {
  seq += 1;
  return JSON.stringify({
    type: 'breach_alert',
    seq,
    ...body,
    publishedAt: new Date().toISOString(),
  });
}
app.post<{ Body: { userId: string } }>('/api/alerts', async (request, reply) => {
  const alert = alertFrame(request.body);
  for (const socket of byUser.get(request.body.userId) ?? []) socket.send(alert);
  return reply.code(201).send({ seq });
});
app.post<{ Body: Record<string, unknown> }>('/api/broadcast', async (request, reply) => {
  const alert = alertFrame(request.body);
  for (const socket of app.websocketServer.clients) socket.send(alert);
  return reply.code(201).send({ seq });
});
await app.register(async (scope) => {
  scope.get<{ Params: { userId: string } }>(
    '/ws/breach-alerts/:userId',
    { websocket: true },
    (socket, request) => {
      const { userId } = request.params;
      let set = byUser.get(userId);
      if (set === undefined) byUser.set(userId, (set = new Set()));
      set.add(socket);
      socket.send(JSON.stringify({ type: 'hello' }));
      socket.on('message', (data) => {
        const message = JSON.parse((data as Buffer).toString()) as { type: string; id: string };
        if (message.type === 'ping') {
          const now = Date.now();
          socket.send(
            JSON.stringify({
              type: 'pong',
              id: message.id,
              timestamp: new Date(now).toISOString(),
              serverTime: now,
            }),
          );
        }
      });
      socket.on('close', () => set.delete(socket));
    },
  );
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`READY ${new URL(address).port}\n`);
process.on('SIGTERM', () => process.exit(0));
