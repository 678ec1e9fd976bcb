// A peer for compare.ts: Socket.IO 4 with the same handlers as the bare `ws` peer — a hello on
// connect, ping answered by pong, per-user fan-out (a room per user) and a broadcast — and no
// auth, validation, history, metrics or logs. WebSocket transport only, as the bench's clients
// speak it (Engine.IO 4 framing over `ws`), so the server is what differs.
import { createServer, type IncomingMessage } from 'node:http';
import { Server } from 'socket.io';

let seq = 0;
const http = createServer();
const io = new Server(http, { transports: ['websocket'], serveClient: false });

function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => resolve(JSON.parse(body) as Record<string, unknown>));
  });
}

http.on('request', (req, res) => {
  if (req.url?.startsWith('/socket.io/')) return; // Engine.IO's own
  if (req.method === 'POST' && req.url === '/api/alerts') {
    void readJson(req).then((input) => {
      seq += 1;
      const alert = { seq, ...input, publishedAt: new Date().toISOString() };
      io.to(String(input.userId)).emit('breach_alert', alert);
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ seq }));
    });
    return;
  }
  if (req.method === 'POST' && req.url === '/api/broadcast') {
    void readJson(req).then((input) => {
      seq += 1;
      io.emit('breach_alert', { seq, ...input, publishedAt: new Date().toISOString() });
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ seq }));
    });
    return;
  }
  res.writeHead(404).end();
});

io.on('connection', (socket) => {
  const user = socket.handshake.query.user;
  void socket.join(String(user));
  socket.emit('hello', {});
  socket.on('ping', (message: { id: string }) => {
    const now = Date.now();
    socket.emit('pong', {
      id: message.id,
      timestamp: new Date(now).toISOString(),
      serverTime: now,
    });
  });
});

http.listen(0, '127.0.0.1', () => {
  const address = http.address();
  if (typeof address === 'object' && address !== null) {
    process.stdout.write(`READY ${address.port}\n`);
  }
});
process.on('SIGTERM', () => process.exit(0));
