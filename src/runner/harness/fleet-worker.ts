// Entry of a fleet worker process (forked by RemoteFleet): holds a slice of the fleet's clients
// and forwards every event they emit to the parent, whose recorder judges the whole fleet.
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Client, ClientEventName } from '../../client/index.js';
import { systemClock, type TimerHandle } from '../../protocol/index.js';
import { signToken } from '../../server/index.js';
import { createFleet, reconnectStopped } from './fleet.js';
import type { ForwardedEvent, FromWorker, ToWorker, WorkerInit } from './fleet-protocol.js';

/** How often buffered events go to the parent, ms: a probe waits at most this much more. */
const FLUSH_MS = 20;
/** A batch is sent at once when it holds this many events. */
const BATCH = 2000;
const FORWARDED: readonly ClientEventName[] = [
  'state',
  'pongs',
  'quality',
  'alert',
  'gap',
  'transport',
];

// The worker's own loop delay: a busy worker delays its clients' timers and frames as a busy
// runner would, so the run's uncertainty takes it in.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const send = (message: FromWorker): void => {
  process.send?.(message);
};

let clients: Client[] = [];
let buffer: ForwardedEvent[] = [];
let timer: TimerHandle | undefined;

function flush(): void {
  timer = undefined;
  if (buffer.length === 0) return;
  const events = buffer;
  buffer = [];
  send({ type: 'events', events });
}

function forward(event: ForwardedEvent): void {
  buffer.push(event);
  if (buffer.length >= BATCH) {
    if (timer !== undefined) systemClock.clearTimeout(timer);
    flush();
  } else {
    timer ??= systemClock.setTimeout(flush, FLUSH_MS);
  }
}

function start(init: WorkerInit): void {
  clients = createFleet({
    config: init.config,
    urls: init.urls,
    clock: systemClock,
    from: init.from,
    to: init.to,
    getToken: (userId) => signToken({ sub: userId, expiresInS: init.ttlS }, init.secret),
    attach: (index, _userId, client) => {
      for (const name of FORWARDED) {
        client.on(name, (payload: unknown) => {
          forward(
            name === 'alert' ? [index, name, payload, systemClock.now()] : [index, name, payload],
          );
        });
      }
    },
  });
  send({ type: 'ready', states: clients.map((client) => client.state) });
}

process.on('message', (message: ToWorker) => {
  try {
    switch (message.type) {
      case 'init':
        start(message);
        return;
      case 'connect':
        for (const client of clients) client.connect();
        return;
      case 'reconnect':
        reconnectStopped(clients);
        return;
      case 'lag':
        send({ type: 'lag', p99Ms: loopDelay.percentile(99) / 1e6 });
        return;
      case 'dispose':
        for (const client of clients) client.dispose();
        if (timer !== undefined) systemClock.clearTimeout(timer);
        flush();
        send({ type: 'disposed' });
        process.disconnect();
        return;
    }
  } catch (error) {
    send({ type: 'failed', message: error instanceof Error ? error.message : String(error) });
  }
});
// The parent gone: nothing left to forward to.
process.on('disconnect', () => {
  for (const client of clients) client.dispose();
  process.exit(0);
});
