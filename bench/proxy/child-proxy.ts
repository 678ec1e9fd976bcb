// The embedded proxy in a process of its own for overhead.ts, so its CPU and memory are its
// own: prints `READY <api port>` and serves Toxiproxy's API until killed.
import { createToxiproxyServer } from '../../src/proxy/index.js';

const server = createToxiproxyServer({ onWarning: () => undefined });
const { port } = await server.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`READY ${port}\n`);
process.on('SIGTERM', () => {
  void server.close().then(() => process.exit(0));
});
