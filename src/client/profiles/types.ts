/**
 * What a frame must hold to match: each key is a JSON pointer (RFC 6901) into the frame, each
 * value the scalar expected there, e.g. `{ "/type": "pong" }`.
 */
export type FrameMatch = Readonly<Record<string, string | number | boolean | null>>;

/** Where a foreign service carries the token on the upgrade. */
export interface TokenPlacement {
  /** `header` (default), `query` or `subprotocol`. */
  in: 'header' | 'query' | 'subprotocol';
  /** Header or query parameter name. Default `authorization` (header), `token` (query). */
  name?: string;
  /** Text before the token. Default `Bearer ` (header), `bearer.` (subprotocol), '' (query). */
  prefix?: string;
}

/** How alerts are recognised in a foreign service's frames. */
export interface AlertRule {
  /** Frames matching this are alerts. Default: every JSON object frame nothing else claimed. */
  match?: FrameMatch;
  /** Pointer to the alert object inside the frame. Default '' (the whole frame). */
  dataPointer?: string;
  /** Pointer to a unique alert id, for dedupe across reconnects (and loss checks). */
  idPointer?: string;
  /**
   * Pointer to a per-user sequence number that grows by one per alert and survives restarts:
   * gaps and duplicates are then judged by it, as with stormwatch's own `seq`.
   */
  seqPointer?: string;
}

/** Settings every profile shares. */
interface ProfileBase {
  /**
   * Endpoint path with `{user}` for the user id, e.g. `/ws/breach-alerts/{user}/`. A URL given
   * to the client that already contains `{user}` wins. Default stormwatch's path.
   */
  path?: string;
  /** Subprotocols offered on the upgrade. Default none (stormwatch: `stormwatch.v1`). */
  subprotocols?: readonly string[];
  /** Where the token goes. Default the `Authorization: Bearer` header. */
  token?: TokenPlacement;
}

/** stormwatch's own protocol v1: hello, resume, seq, pong by id. */
export interface StormwatchProfile extends ProfileBase {
  kind: 'stormwatch';
}

/** An application-level JSON heartbeat and JSON alerts. */
export interface JsonProfile extends ProfileBase {
  kind: 'json';
  /** The heartbeat ping. Default `{"type":"ping"}`. */
  ping?: {
    frame: Readonly<Record<string, unknown>>;
    /** Where to write the ping id, when the service echoes it in the pong. */
    idPointer?: string;
  };
  /**
   * How a pong is recognised. Default `{"/type":"pong"}`. Correlated by the id at `idPointer`
   * when given and present, otherwise by order (the oldest unanswered ping).
   */
  pong?: { match: FrameMatch; idPointer?: string };
  alert?: AlertRule;
  /** Frames dropped without a word (a welcome message, presence…). */
  ignore?: readonly FrameMatch[];
  /** What a frame nothing matches does: `error` (default; reported once per connection) or `ignore`. */
  unexpected?: 'error' | 'ignore';
}

/**
 * RFC 6455 control-frame ping/pong only (§5.5.2–5.5.3), for services with no application
 * heartbeat. Node only: browsers cannot send control frames.
 */
export interface WsPingProfile extends ProfileBase {
  kind: 'ws-ping';
  alert?: AlertRule;
  ignore?: readonly FrameMatch[];
  unexpected?: 'error' | 'ignore';
}

/**
 * A Socket.IO 4 service through `socket.io-client` (`createSocketIoTransport` in
 * `stormwatch/client/node`). Socket.IO has no client-initiated heartbeat: liveness is Engine.IO's
 * (the server pings; no pong within its pingInterval + pingTimeout closes the link, counted as
 * a heartbeat timeout), so the client's own pings are off and no pong round trip is measured.
 * Connection-state recovery is used when the server offers it (one socket object per client).
 */
export interface SocketIoProfile {
  kind: 'socketio';
  /** The named event alerts arrive as. Default `breach_alert`. */
  event?: string;
  /** Engine.IO's request path. Default `/socket.io/`. */
  enginePath?: string;
  /** How alerts are read from the event's first argument (`dataPointer` is relative to it). */
  alert?: AlertRule;
  /**
   * Where the token goes. Default `auth` (Socket.IO's handshake `auth: {token}`); `header`
   * (Node only) or `query` as for other profiles.
   */
  token?: { in: 'auth' | 'header' | 'query'; name?: string; prefix?: string };
}

/** A target protocol profile: how the client speaks to a service. */
export type Profile = StormwatchProfile | JsonProfile | WsPingProfile | SocketIoProfile;

/** The kinds of {@link Profile}. */
export const PROFILE_KINDS = ['stormwatch', 'json', 'ws-ping', 'socketio'] as const;
