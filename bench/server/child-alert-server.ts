// The alert server as a bench target: prints its port, runs until killed.
import { buildServer } from '../../dist/server/index.js';

const secret = process.env.BENCH_SECRET ?? 'bench-secret';
const app = await buildServer({
  auth: { secret },
  logger: false,
  defaultMetrics: false,
  limits: { connectsPerMinute: 1_000_000, messagesPerSecond: 1000 },
});
if (process.env.BENCH_MEM === '1') {
  app.get('/debug/mem', async () => {
    (globalThis as { gc?: () => void }).gc?.();
    return process.memoryUsage();
  });
}
const address = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`READY ${new URL(address).port}\n`);
process.on('SIGTERM', () => {
  void app.alertServer.shutdown('kill').then(() => process.exit(0));
});
