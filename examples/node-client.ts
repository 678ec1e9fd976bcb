// A reconnecting client against a real alert server, end to end in one file:
//   npx tsx examples/node-client.ts
// It starts a server on a free port, connects a client, publishes two alerts, restarts the
// server (close 1012), publishes a third while the client is away, and shows the client
// resuming without losing or duplicating anything.
import { createNodeClient } from '../src/client/node.js';
import { buildServer, createMemoryBroker, signToken } from '../src/server/index.js';

const secret = 'example-secret';
const broker = createMemoryBroker(); // outlives the restart: history survives
const start = async (port = 0) => {
  const app = await buildServer({ auth: { secret }, broker, logger: false });
  const address = await app.listen({ host: '127.0.0.1', port });
  return { app, port: Number(new URL(address).port) };
};

let server = await start();
// A keep-alive connection opened before a restart may be reset under the next request: the
// publish is retried with the same Idempotency-Key, which stores the alert once either way.
const publish = async (title: string) => {
  const token = await signToken({ sub: 'ops', role: 'publisher' }, secret);
  const key = crypto.randomUUID();
  for (let attempt = 1; ; attempt++) {
    try {
      const response = await fetch(`http://127.0.0.1:${server.port}/api/alerts`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token}`,
          'content-type': 'application/json',
          'idempotency-key': key,
        },
        body: JSON.stringify({ userId: 'alice', severity: 'HIGH', title, source: 'example' }),
      });
      return (await response.json()) as { seq: number };
    } catch (error) {
      if (attempt === 3) throw error;
    }
  }
};

const client = createNodeClient({
  url: `ws://127.0.0.1:${server.port}`,
  userId: 'alice',
  getToken: () => signToken({ sub: 'alice' }, secret), // called before every attempt
  backoff: { initialDelayMs: 200, jitter: 'full' },
});
const seen: number[] = [];
client.on('state', (s) =>
  console.log(`state  ${s.from} → ${s.to} (${s.reason}${s.closeCode ? ` ${s.closeCode}` : ''})`),
);
client.on('alert', (a) => {
  seen.push(a.seq);
  console.log(`alert  #${a.seq} ${a.severity} ${a.title}`);
});
const connected = () =>
  new Promise<void>((resolve) => {
    const off = client.on('state', (s) => s.to === 'connected' && (off(), resolve()));
  });

const first = connected();
client.connect();
await first;
await publish('Password for alice@example.com found in a paste');
await publish('Session token leaked in a public repo');

const back = connected();
await server.app.alertServer.shutdown('restart'); // clients see 1012 and back off
server = await start(server.port);
await publish('Published while alice was reconnecting');
await back;
await new Promise((resolve) => setTimeout(resolve, 300));

const stats = client.stats();
console.log(`seen   ${seen.join(', ')} (each once)`);
console.log(
  `stats  uptime ${((stats.uptimeRatio ?? 0) * 100).toFixed(1)} %, disconnections ${stats.disconnections}, reconnect avg ${stats.reconnectMs?.avg.toFixed(0)} ms`,
);
client.dispose();
await server.app.close();
