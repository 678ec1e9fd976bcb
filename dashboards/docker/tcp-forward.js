// Forwards TCP from 0.0.0.0:<listen> to <host:port>. `stormwatch run --metrics-port` binds to
// 127.0.0.1 only; in compose this exposes the runner's /metrics to Prometheus from a
// container sharing the runner's network namespace.
// Usage: node dashboards/docker/tcp-forward.js 9465 127.0.0.1:9464
import { connect, createServer } from 'node:net';
import { argv, exit, stderr } from 'node:process';

const [listenPort, target] = argv.slice(2);
const [host, port] = (target ?? '').split(':');
if (listenPort === undefined || host === undefined || port === undefined) {
  stderr.write('usage: tcp-forward.js <listen-port> <host:port>\n');
  exit(2);
}

createServer((client) => {
  const upstream = connect(Number(port), host);
  client.pipe(upstream).pipe(client);
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
}).listen(Number(listenPort), '0.0.0.0');
