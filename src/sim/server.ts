import type { Clock } from '../client/index.js';
import type { AlertInput, BreachAlertMessage } from '../protocol/index.js';
import {
  createAlertService,
  type AlertService,
  type Broker,
  type ConnectionLimits,
} from '../server/index.js';
import type { SimConnection, UpgradeTarget } from './link/connection.js';
import { readSimToken } from './tokens.js';

/** Close code and reason of a graceful restart, as the real server sends them. */
const SERVICE_RESTART = 1012;
const ENDPOINT_PATH = '/ws/breach-alerts/';

/** Options of {@link SimServer}. */
export interface SimServerOptions {
  clock: Clock;
  /** Durable history shared by every incarnation of the server (survives restarts). */
  broker: Broker;
  limits: ConnectionLimits;
  heartbeat: { intervalMs: number; timeoutMs: number };
  createId: () => string;
  /** How long a graceful stop waits for close handshakes before dropping sockets, ms. */
  shutdownGraceMs: number;
  /** Async work was started outside a clock timer (a resolved stop): the driver must drain. */
  markAsync: () => void;
}

/** Why {@link SimServer.publish} refused an alert. */
export class ServerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ServerUnavailableError';
  }
}

/**
 * The alert server in simulation: the real `createAlertService` (sessions, limits, history,
 * revocation) behind a simulated upgrade that checks what the HTTP route checks, in the same
 * order. Like the in-process server, a restart builds a new service over the same broker.
 */
export class SimServer implements UpgradeTarget {
  readonly #o: SimServerOptions;
  #service: AlertService | undefined;
  #stopping = false;
  /** Server ends open on the current service. */
  #ends = new Set<SimConnection>();
  #drained: (() => void) | undefined;

  constructor(options: SimServerOptions) {
    this.#o = options;
  }

  /** True while accepting connections. */
  get running(): boolean {
    return this.#service !== undefined && !this.#stopping;
  }

  /** Open sessions. */
  get connectionCount(): number {
    return this.#service?.connectionCount ?? 0;
  }

  /** Starts the server (no-op when running). */
  start(): void {
    if (this.#service !== undefined) return;
    const { broker, clock, limits, heartbeat, createId } = this.#o;
    this.#service = createAlertService({ broker, clock, limits, heartbeat, createId });
    this.#ends = new Set();
  }

  /**
   * Stops the server. Graceful: close frames (1012), then waits for the answers up to the grace
   * period and drops the rest; otherwise every socket is dropped without a close frame.
   */
  async stop(graceful: boolean): Promise<void> {
    const service = this.#service;
    if (service === undefined || this.#stopping) return;
    this.#stopping = true;
    if (graceful) {
      service.closeAll(SERVICE_RESTART, 'server restarting', 'restart');
      if (this.#ends.size > 0) {
        const { clock } = this.#o;
        await new Promise<void>((resolve) => {
          const timer = clock.setTimeout(() => {
            this.#drained = undefined;
            this.#o.markAsync();
            resolve();
          }, this.#o.shutdownGraceMs);
          this.#drained = () => {
            clock.clearTimeout(timer);
            this.#drained = undefined;
            this.#o.markAsync();
            resolve();
          };
        });
      }
    }
    service.terminateAll();
    service.dispose();
    this.#service = undefined;
    this.#stopping = false;
  }

  /** Publishes an alert, as `POST /api/alerts` does; rejects while the server is down. */
  async publish(input: AlertInput): Promise<BreachAlertMessage> {
    const service = this.#service;
    if (service === undefined || this.#stopping) {
      throw new ServerUnavailableError('alert server is not accepting requests');
    }
    return service.publish(input);
  }

  /** Revokes every token issued before now, as `POST /api/tokens/revoke` does. */
  revokeTokens(): number {
    const service = this.#service;
    if (service === undefined || this.#stopping) {
      throw new ServerUnavailableError('alert server is not accepting requests');
    }
    return service.revokeTokensIssuedBefore(Math.floor(this.#o.clock.now()));
  }

  upgrade(connection: SimConnection, token: string): void {
    const service = this.#service;
    // Nothing listens behind the proxy: it closes the client's connection.
    if (service === undefined) {
      connection.drop();
      return;
    }
    // The route's checks, in its order: shutting down, token, revocation, user, rate.
    if (this.#stopping) {
      connection.refuse(503, 1000);
      return;
    }
    const claims = token === '' ? undefined : readSimToken(token);
    const now = this.#o.clock.now();
    if (claims === undefined || claims.expiresAtMs <= now) {
      connection.refuse(401);
      return;
    }
    if (service.isRevoked(claims.issuedAtMs)) {
      connection.refuse(401);
      return;
    }
    const at = connection.url.indexOf(ENDPOINT_PATH);
    const userId =
      at < 0 ? '' : decodeURIComponent(connection.url.slice(at + ENDPOINT_PATH.length));
    if (claims.userId !== userId) {
      connection.refuse(403);
      return;
    }
    const admission = service.admit(userId);
    if (!admission.ok) {
      // Retry-After travels in whole seconds.
      connection.refuse(429, Math.ceil(admission.retryAfterMs / 1000) * 1000);
      return;
    }
    this.#o.markAsync();
    connection.accept((transport) =>
      service.open(transport, {
        userId,
        tokenExpiresAtMs: claims.expiresAtMs,
        tokenIssuedAtMs: claims.issuedAtMs,
      }),
    );
    this.#ends.add(connection);
  }

  closed(connection: SimConnection): void {
    // A socket of the server before a restart is in an older set: nothing to drain for it.
    if (this.#ends.delete(connection) && this.#ends.size === 0) this.#drained?.();
  }
}
