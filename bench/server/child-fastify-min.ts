// A third peer for mem-probe.ts: the least a Fastify + @fastify/websocket server can do with
// the same ping/pong handler, to tell the framework's memory from the alert server's.
import websocket from '@fastify/websocket';
import Fastify from 'fastify';

const app = Fastify({ logger: false });
await app.register(websocket);
app.get('/debug/mem', async () => {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage();
});
await app.register(async (scope) => {
  scope.get('/ws/breach-alerts/:userId', { websocket: true }, (socket) => {
    socket.send(JSON.stringify({ type: 'hello' }));
    socket.on('message', (data) => {
      const message = JSON.parse((data as Buffer).toString()) as { type: string; id: string };
      if (message.type === 'ping') socket.send(JSON.stringify({ type: 'pong', id: message.id }));
    });
  });
});
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`READY ${new URL(address).port}\n`);
