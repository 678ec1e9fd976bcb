// The peer: a bare `ws` server with the same ping/pong handler and per-user fan-out, and no
// auth, validation, history, metrics or logging. What the alert server costs is measured
// against it.
import { createServer } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';

const byUser = new Map<string, Set<WebSocket>>();
let seq = 0;
const http = createServer((req, res) => {
  if (process.env.BENCH_MEM === '1' && req.url === '/debug/mem') {
    (globalThis as { gc?: () => void }).gc?.();
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify(process.memoryUsage()));
    return;
  }
  if (req.method !== 'POST' || (req.url !== '/api/alerts' && req.url !== '/api/broadcast')) {
    res.writeHead(404).end();
    return;
  }
  const broadcast = req.url === '/api/broadcast';
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    const input = JSON.parse(body) as { userId: string };
    seq += 1;
    const alert = JSON.stringify({
      type: 'breach_alert',
      seq,
      ...input,
      publishedAt: new Date().toISOString(),
    });
    if (broadcast) for (const socket of wss.clients) socket.send(alert);
    else for (const socket of byUser.get(input.userId) ?? []) socket.send(alert);
    res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ seq }));
  });
});
const wss = new WebSocketServer({ server: http });
wss.on('connection', (socket, req) => {
  const userId = decodeURIComponent((req.url ?? '').split('/').pop() ?? '');
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
});
http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  if (typeof address === 'object' && address !== null)
    process.stdout.write(`READY ${address.port}\n`);
});
process.on('SIGTERM', () => process.exit(0));
