import type { WebSocket } from 'ws';
import type { Clock, TimerHandle } from '../../src/protocol/clock.js';

/** The classic ws heartbeat: control-frame pings, and no pong since the last one ends a socket. */
export interface Heartbeat {
  /** Starts watching `socket` until it closes. */
  watch(socket: WebSocket): void;
  /** Stops pinging; watched sockets stay open. */
  stop(): void;
}

/** Options for {@link createHeartbeat}. */
export interface HeartbeatOptions {
  clock: Clock;
  /** Time between two pings of a socket, in milliseconds. */
  intervalMs: number;
}

/**
 * Every `intervalMs`, terminates each socket that has not answered the previous ping with a pong
 * (RFC 6455 §5.5.3: a pong answers a ping), then pings the others. A dead peer is thus dropped
 * between one and two intervals after it stopped answering.
 */
export function createHeartbeat({ clock, intervalMs }: HeartbeatOptions): Heartbeat {
  // Sockets, each with whether it still owes a pong for the last ping.
  const owesPong = new Map<WebSocket, boolean>();
  let timer: TimerHandle | undefined;

  const tick = (): void => {
    for (const [socket, owes] of owesPong) {
      if (owes) {
        owesPong.delete(socket);
        socket.terminate();
        continue;
      }
      owesPong.set(socket, true);
      socket.ping();
    }
    timer = clock.setTimeout(tick, intervalMs);
  };
  timer = clock.setTimeout(tick, intervalMs);

  return {
    watch(socket) {
      owesPong.set(socket, false);
      socket.on('pong', () => {
        if (owesPong.has(socket)) owesPong.set(socket, false);
      });
      socket.on('close', () => owesPong.delete(socket));
    },
    stop() {
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}
