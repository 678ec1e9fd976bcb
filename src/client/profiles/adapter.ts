// A transport decorator that lets the client's machine, which speaks protocol v1, talk to a
// foreign service: it translates the service's frames into v1 messages and the machine's
// messages into the service's frames. The machine is unchanged: it sees a `hello` as the socket
// opens, `resumed` right after its resume (foreign services do not replay), pongs by id and
// alerts with a gap-free seq.
import type { Clock } from '../../protocol/index.js';
import { SEVERITIES, type BreachAlertMessage } from '../../protocol/index.js';
import { ClientError, ClientErrorCode } from '../errors.js';
import type { OpenRequest, Transport, TransportSocket } from '../transports/types.js';
import { readPointer, writePointer } from './json-pointer.js';
import { matchesFrame, quoteFrame } from './match.js';
import type { AlertRule, FrameMatch, JsonProfile, WsPingProfile } from './types.js';

/** Options of {@link createProfileTransport}. */
export interface ProfileTransportOptions {
  /** The transport that opens the actual sockets. */
  inner: Transport;
  /** A foreign profile (`json` or `ws-ping`). */
  profile: JsonProfile | WsPingProfile;
  /** The user whose alerts these are (a foreign frame seldom says). */
  userId: string;
  clock: Clock;
  /** Ids remembered for dedupe across reconnects. Default 10 000. */
  dedupeWindow?: number;
}

/** Epoch of every synthesized `hello`: a foreign service has no history epochs. */
export const FOREIGN_EPOCH = 'foreign';

const DEFAULT_PING_FRAME = { type: 'ping' };
const DEFAULT_PONG_MATCH: FrameMatch = { '/type': 'pong' };
// Pings kept for order correlation; a service that answers none is dead long before this fills.
const MAX_OUTSTANDING_PINGS = 64;

/**
 * Wraps `inner` so that a client speaks `profile` to a foreign service. One per client: it keeps
 * the alert ids seen (dedupe across reconnects) and the local sequence. Frames nothing in the
 * profile matches are reported once per connection through `SocketHandlers.onError`, quoting the
 * first such frame.
 */
export function createProfileTransport(options: ProfileTransportOptions): Transport {
  const { inner, profile, clock, userId } = options;
  const dedupeWindow = options.dedupeWindow ?? 10_000;
  const seenIds = new Set<string>();
  let localSeq = 0;
  let connections = 0;

  function remember(id: string): boolean {
    if (seenIds.has(id)) return false;
    seenIds.add(id);
    if (seenIds.size > dedupeWindow) {
      const oldest = seenIds.values().next().value as string;
      seenIds.delete(oldest);
    }
    return true;
  }

  return {
    open(request, handlers) {
      connections += 1;
      const connectionId = `${profile.kind}-${connections}`;
      const outstanding: string[] = [];
      let reported = false;
      const now = (): number => clock.now();
      const deliver = (message: Record<string, unknown>): void =>
        handlers.onMessage(JSON.stringify(message));

      const report = (message: string): void => {
        if (reported) return;
        reported = true;
        handlers.onError?.(new ClientError(ClientErrorCode.PROFILE_MISMATCH, message));
      };

      const onPongId = (id: string | undefined): void => {
        let matched = id;
        if (matched === undefined || !outstanding.includes(matched)) matched = outstanding[0];
        if (matched === undefined) return;
        outstanding.splice(outstanding.indexOf(matched), 1);
        const at = now();
        deliver({
          type: 'pong',
          id: matched,
          timestamp: new Date(at).toISOString(),
          serverTime: at,
        });
      };

      const onAlertFrame = (frame: unknown, rule: AlertRule, text: string): void => {
        const data = readPointer(frame, rule.dataPointer ?? '');
        if (typeof data !== 'object' || data === null || Array.isArray(data)) {
          report(
            `profile ${profile.kind}: alert frame has no object at ${JSON.stringify(rule.dataPointer ?? '')}: ${quoteFrame(text)}`,
          );
          return;
        }
        const rawId = rule.idPointer === undefined ? undefined : readPointer(frame, rule.idPointer);
        const id =
          typeof rawId === 'string' || typeof rawId === 'number' ? String(rawId) : undefined;
        let seq: number;
        if (rule.seqPointer !== undefined) {
          const rawSeq = readPointer(frame, rule.seqPointer);
          if (typeof rawSeq !== 'number' || !Number.isSafeInteger(rawSeq) || rawSeq < 1) {
            report(
              `profile ${profile.kind}: expected an integer >= 1 at ${rule.seqPointer}, got ${quoteFrame(text)}`,
            );
            return;
          }
          seq = rawSeq;
        } else {
          if (id !== undefined && !remember(id)) return;
          localSeq += 1;
          seq = localSeq;
        }
        deliver(toBreachAlert(data as Record<string, unknown>, { id, seq, userId, at: now() }));
      };

      const onText = (text: string): void => {
        let frame: unknown;
        try {
          frame = JSON.parse(text);
        } catch {
          report(`profile ${profile.kind}: expected a JSON text frame, got ${quoteFrame(text)}`);
          return;
        }
        if (profile.kind === 'json') {
          const pong = profile.pong ?? { match: DEFAULT_PONG_MATCH };
          if (matchesFrame(frame, pong.match)) {
            const rawId =
              pong.idPointer === undefined ? undefined : readPointer(frame, pong.idPointer);
            onPongId(typeof rawId === 'string' ? rawId : undefined);
            return;
          }
        }
        if ((profile.ignore ?? []).some((match) => matchesFrame(frame, match))) return;
        const rule = profile.alert ?? {};
        const isObject = typeof frame === 'object' && frame !== null && !Array.isArray(frame);
        if (isObject && (rule.match === undefined || matchesFrame(frame, rule.match))) {
          onAlertFrame(frame, rule, text);
          return;
        }
        if (profile.unexpected === 'ignore') return;
        report(
          `profile ${profile.kind} does not match this frame from the server: ${quoteFrame(text)}`,
        );
      };

      const socket: TransportSocket = inner.open(placeToken(request, profile), {
        onOpen() {
          handlers.onOpen();
          const at = now();
          deliver({
            type: 'hello',
            connectionId,
            epoch: FOREIGN_EPOCH,
            serverTime: at,
            heartbeat: { intervalMs: 0, timeoutMs: 0 },
          });
        },
        onMessage(data) {
          if (typeof data !== 'string') {
            report(`profile ${profile.kind}: expected text frames, got a binary frame`);
            return;
          }
          onText(data);
        },
        onClose(info) {
          handlers.onClose(info);
        },
        onPong(data) {
          if (profile.kind === 'ws-ping') onPongId(data);
        },
        onError(error) {
          handlers.onError?.(error);
        },
      });

      return {
        send(data) {
          const message = JSON.parse(data) as { type: string; id?: string };
          switch (message.type) {
            case 'ping': {
              const id = message.id ?? '';
              outstanding.push(id);
              if (outstanding.length > MAX_OUTSTANDING_PINGS) outstanding.shift();
              if (profile.kind === 'ws-ping') {
                if (socket.ping === undefined) {
                  report(
                    'profile ws-ping needs control-frame pings, which this transport cannot send (browsers cannot)',
                  );
                  return;
                }
                socket.ping(id);
                return;
              }
              const ping: NonNullable<JsonProfile['ping']> = profile.ping ?? {
                frame: DEFAULT_PING_FRAME,
              };
              const frame =
                ping.idPointer === undefined
                  ? ping.frame
                  : writePointer(ping.frame, ping.idPointer, id);
              socket.send(JSON.stringify(frame));
              return;
            }
            case 'resume':
              // Nothing to replay: the service keeps no history this client could ask for.
              deliver({ type: 'resumed', replayed: 0, gap: false, missed: 0 });
              return;
            default:
              // Acks mean nothing to a foreign service.
              return;
          }
        },
        close(code, reason) {
          socket.close(code, reason);
        },
      };
    },
  };
}

/** Moves the token where the profile says the service expects it. */
function placeToken(request: OpenRequest, profile: JsonProfile | WsPingProfile): OpenRequest {
  const subprotocols = [...(profile.subprotocols ?? [])];
  const placement = profile.token ?? { in: 'header' };
  const { token } = request;
  if (token === undefined) return { url: request.url, token: undefined, subprotocols };
  switch (placement.in) {
    case 'query': {
      const url = new URL(request.url);
      url.searchParams.set(placement.name ?? 'token', (placement.prefix ?? '') + token);
      return { url: url.toString(), token: undefined, subprotocols };
    }
    case 'subprotocol':
      subprotocols.push((placement.prefix ?? 'bearer.') + token);
      return { url: request.url, token: undefined, subprotocols };
    case 'header':
      return {
        url: request.url,
        token,
        subprotocols,
        tokenHeader: {
          name: placement.name ?? 'authorization',
          prefix: placement.prefix ?? 'Bearer ',
        },
      };
  }
}

const MAX_TEXT = 200;

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, MAX_TEXT) : undefined;
}

function isoOrUndefined(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/**
 * A protocol v1 alert standing for a foreign one: the service's fields where they exist
 * (`severity`, `title` or `message`, `source`, `detectedAt` or `detected_at`), neutral values
 * otherwise, and the original object as `payload`.
 */
export function toBreachAlert(
  data: Record<string, unknown>,
  meta: { id: string | undefined; seq: number; userId: string; at: number },
): Omit<BreachAlertMessage, 'payload'> & { payload: Record<string, unknown> } {
  const severity = typeof data.severity === 'string' ? data.severity.toUpperCase() : '';
  const publishedAt = new Date(meta.at).toISOString();
  return {
    type: 'breach_alert',
    seq: meta.seq,
    id: (meta.id ?? `local-${meta.seq}`).slice(0, 128),
    userId: meta.userId,
    severity: (SEVERITIES as readonly string[]).includes(severity)
      ? (severity as BreachAlertMessage['severity'])
      : 'MEDIUM',
    title: text(data.title) ?? text(data.message) ?? '(untitled)',
    source: text(data.source) ?? 'foreign',
    detectedAt: isoOrUndefined(data.detectedAt) ?? isoOrUndefined(data.detected_at) ?? publishedAt,
    publishedAt,
    payload: data,
  };
}
