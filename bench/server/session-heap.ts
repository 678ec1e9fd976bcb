// Heap per session of the transport-free core (no sockets): what the alert server itself adds.
//   node --expose-gc --import tsx bench/server/session-heap.ts
import { createAlertService, createMemoryBroker } from '../../src/server/index.js';

const N = 20_000;
const gc = (globalThis as { gc?: () => void }).gc!;
const service = createAlertService({
  broker: createMemoryBroker(),
  limits: { connectsPerMinute: 1e9 },
});
const keep: unknown[] = [];
gc();
const before = process.memoryUsage().heapUsed;
for (let i = 0; i < N; i++) {
  service.admit(`user-${i}`);
  keep.push(
    service.open(
      { send() {}, close() {}, terminate() {} },
      {
        userId: `user-${i}`,
        ...(process.env.NOEXP ? {} : { tokenExpiresAtMs: Date.now() + 3_600_000 }),
      },
    ),
  );
}
await new Promise((r) => setTimeout(r, 100));
gc();
console.log(
  `${((process.memoryUsage().heapUsed - before) / N).toFixed(0)} bytes of heap per session`,
);
service.closeAll(1001, 'bye', 'shutdown');
