import { fail, ProtocolErrorCode, succeed, type ParseResult } from './errors.js';
import {
  describe,
  isIsoDate,
  isJsonObject,
  isSeq,
  isString,
  readBoolean,
  readEnum,
  readIsoDate,
  readNumber,
  readSeq,
  readString,
  type FieldResult,
  type JsonObject,
} from './fields.js';
import {
  SEVERITIES,
  type AlertInput,
  type BreachAlertMessage,
  type ClientMessage,
  type ServerMessage,
  type Severity,
} from './messages.js';

/** Longest ping id, alert id or epoch accepted, in characters. */
const MAX_ID = 128;
/** Longest alert title accepted, in characters. */
export const MAX_TITLE = 500;
/** Longest alert source accepted, in characters. */
export const MAX_SOURCE = 200;
/** Longest user id accepted, in characters. */
export const MAX_USER_ID = 128;

type Fields<T> = { [K in keyof T]: FieldResult<T[K]> };

/** Collects field results into a value, or the first error as INVALID_FIELD. */
function collect<T>(kind: string, fields: Fields<T>): ParseResult<T> {
  const out: Record<string, unknown> = {};
  for (const key in fields) {
    const result = fields[key] as FieldResult<unknown>;
    if (!result.ok) return fail(ProtocolErrorCode.INVALID_FIELD, `${kind}.${result.message}`);
    out[key] = result.value;
  }
  return succeed(out as T);
}

const constant = <T>(value: T): FieldResult<T> => ({ ok: true, value });

function decodeJson(data: unknown): ParseResult<JsonObject> {
  if (typeof data !== 'string') {
    return fail(ProtocolErrorCode.BINARY_FRAME, 'expected a JSON text frame, got a binary frame');
  }
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return fail(ProtocolErrorCode.MALFORMED_JSON, 'expected a JSON text frame, got invalid JSON');
  }
  if (!isJsonObject(value) || typeof value.type !== 'string') {
    return fail(
      ProtocolErrorCode.NOT_A_MESSAGE,
      `expected an object with a string "type", got ${describe(value)}`,
    );
  }
  return succeed(value);
}

/**
 * Parses a frame a client sent. `data` is the frame as received: a string for text frames,
 * anything else counts as a binary frame. Never throws.
 */
export function parseClientMessage(data: unknown): ParseResult<ClientMessage> {
  const decoded = decodeJson(data);
  if (!decoded.ok) return decoded;
  const obj = decoded.value;
  switch (obj.type) {
    case 'ping': {
      const id = obj.id;
      if (isString(id, MAX_ID)) return { ok: true, value: { type: 'ping', id } };
      return collect('ping', {
        type: constant('ping' as const),
        id: readString(obj, 'id', MAX_ID),
      });
    }
    case 'resume':
      return collect('resume', {
        type: constant('resume' as const),
        lastSeq: readSeq(obj, 'lastSeq'),
        epoch: readEpoch(obj),
      });
    case 'ack': {
      const seq = obj.seq;
      if (isSeq(seq)) return { ok: true, value: { type: 'ack', seq } };
      return collect('ack', { type: constant('ack' as const), seq: readSeq(obj, 'seq') });
    }
    default:
      return fail(
        ProtocolErrorCode.UNKNOWN_TYPE,
        `expected type ping, resume or ack, got ${describe(obj.type)}`,
      );
  }
}

// A client that never connected resumes with epoch "" (it knows no epoch yet).
function readEpoch(obj: JsonObject): FieldResult<string> {
  const value = obj.epoch;
  if (typeof value === 'string' && value.length <= MAX_ID) return { ok: true, value };
  return { ok: false, message: `epoch: expected a string, got ${describe(value)}` };
}

/** Parses a frame a server sent. Never throws. */
export function parseServerMessage(data: unknown): ParseResult<ServerMessage> {
  const decoded = decodeJson(data);
  if (!decoded.ok) return decoded;
  const obj = decoded.value;
  switch (obj.type) {
    case 'hello': {
      const hb = obj.heartbeat;
      if (!isJsonObject(hb)) {
        return fail(
          ProtocolErrorCode.INVALID_FIELD,
          `hello.heartbeat: expected an object, got ${describe(hb)}`,
        );
      }
      const heartbeat = collect('hello.heartbeat', {
        intervalMs: readNumber(hb, 'intervalMs'),
        timeoutMs: readNumber(hb, 'timeoutMs'),
      });
      if (!heartbeat.ok) return heartbeat;
      return collect('hello', {
        type: constant('hello' as const),
        connectionId: readString(obj, 'connectionId', MAX_ID),
        epoch: readString(obj, 'epoch', MAX_ID),
        serverTime: readNumber(obj, 'serverTime'),
        heartbeat: constant(heartbeat.value),
      });
    }
    case 'pong': {
      const { id, timestamp, serverTime } = obj;
      if (isString(id, MAX_ID) && isIsoDate(timestamp) && isFiniteNumber(serverTime)) {
        return { ok: true, value: { type: 'pong', id, timestamp, serverTime } };
      }
      return collect('pong', {
        type: constant('pong' as const),
        id: readString(obj, 'id', MAX_ID),
        timestamp: readIsoDate(obj, 'timestamp'),
        serverTime: readNumber(obj, 'serverTime'),
      });
    }
    case 'resumed':
      return collect('resumed', {
        type: constant('resumed' as const),
        replayed: readSeq(obj, 'replayed'),
        gap: readBoolean(obj, 'gap'),
        missed: readSeq(obj, 'missed'),
      });
    case 'breach_alert':
      return parseBreachAlert(obj);
    case 'error':
      return collect('error', {
        type: constant('error' as const),
        code: readString(obj, 'code', MAX_ID),
        message: readString(obj, 'message'),
      });
    default:
      return fail(
        ProtocolErrorCode.UNKNOWN_TYPE,
        `expected type hello, pong, resumed, breach_alert or error, got ${describe(obj.type)}`,
      );
  }
}

function parseBreachAlert(obj: JsonObject): ParseResult<BreachAlertMessage> {
  const alert = breachAlertOf(obj);
  return alert === undefined ? collectBreachAlert(obj) : { ok: true, value: alert };
}

// The alert when every field is valid (what collectBreachAlert builds then, in its field
// order), with no result object per field; undefined to let collectBreachAlert say what is not.
function breachAlertOf(obj: JsonObject): BreachAlertMessage | undefined {
  const { seq, id, userId, severity, title, source, detectedAt, publishedAt } = obj;
  if (
    !(isSeq(seq) && seq >= 1) ||
    !isString(id, MAX_ID) ||
    !isString(userId, MAX_USER_ID) ||
    !isSeverity(severity) ||
    !isString(title, MAX_TITLE) ||
    !isString(source, MAX_SOURCE) ||
    !isIsoDate(detectedAt) ||
    !isIsoDate(publishedAt)
  ) {
    return undefined;
  }
  const alert: BreachAlertMessage = {
    type: 'breach_alert',
    seq,
    id,
    userId,
    severity,
    title,
    source,
    detectedAt,
    publishedAt,
  };
  if (isJsonObject(obj.payload)) alert.payload = obj.payload;
  return alert;
}

const isSeverity = (value: unknown): value is Severity =>
  typeof value === 'string' && (SEVERITIES as readonly string[]).includes(value);

const isFiniteNumber = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value);

function collectBreachAlert(obj: JsonObject): ParseResult<BreachAlertMessage> {
  const seq = readSeq(obj, 'seq');
  if (seq.ok && seq.value < 1) {
    return fail(ProtocolErrorCode.INVALID_FIELD, 'breach_alert.seq: expected an integer >= 1');
  }
  const alert = collect<BreachAlertMessage>('breach_alert', {
    type: constant('breach_alert' as const),
    seq,
    id: readString(obj, 'id', MAX_ID),
    userId: readString(obj, 'userId', MAX_USER_ID),
    severity: readEnum(obj, 'severity', SEVERITIES),
    title: readString(obj, 'title', MAX_TITLE),
    source: readString(obj, 'source', MAX_SOURCE),
    detectedAt: readIsoDate(obj, 'detectedAt'),
    publishedAt: readIsoDate(obj, 'publishedAt'),
  });
  if (alert.ok && isJsonObject(obj.payload)) alert.value.payload = obj.payload;
  return alert;
}

/** The fields of `POST /api/alerts`, in the order its errors list them. */
const ALERT_INPUT_FIELDS: readonly string[] = [
  'userId',
  'severity',
  'title',
  'source',
  'detectedAt',
];

/** Quotes the first few names (each cut to 40 characters) and counts the rest. */
function listNames(names: readonly string[]): string {
  const shown = names.slice(0, 5).map((name) => describe(name.slice(0, 40)));
  const rest = names.length - shown.length;
  return rest > 0 ? `${shown.join(', ')} and ${rest} more` : shown.join(', ');
}

/**
 * Validates the body of `POST /api/alerts`. `detectedAt` is optional and defaults to
 * `now` (an ISO string the caller passes, so the core stays free of clock reads). Any other
 * field is refused with UNKNOWN_FIELD.
 */
export function parseAlertInput(body: unknown, now: string): ParseResult<AlertInput> {
  if (!isJsonObject(body)) {
    return fail(ProtocolErrorCode.NOT_A_MESSAGE, `expected a JSON object, got ${describe(body)}`);
  }
  const unknown = Object.keys(body).filter((key) => !ALERT_INPUT_FIELDS.includes(key));
  if (unknown.length > 0) {
    return fail(
      ProtocolErrorCode.UNKNOWN_FIELD,
      `alert: unknown ${unknown.length === 1 ? 'field' : 'fields'} ${listNames(unknown)}; ` +
        `expected only ${ALERT_INPUT_FIELDS.join(', ')}`,
    );
  }
  const withDefault = body.detectedAt === undefined ? { ...body, detectedAt: now } : body;
  return collect('alert', {
    userId: readString(withDefault, 'userId', MAX_USER_ID),
    severity: readEnum(withDefault, 'severity', SEVERITIES),
    title: readString(withDefault, 'title', MAX_TITLE),
    source: readString(withDefault, 'source', MAX_SOURCE),
    detectedAt: readIsoDate(withDefault, 'detectedAt'),
  });
}

/**
 * An alert's `userId` alone, checked and reported as {@link parseAlertInput} checks it: for a
 * batch, whose other fields are checked once for every user.
 */
export function parseAlertUserId(userId: unknown): ParseResult<string> {
  if (isString(userId, MAX_USER_ID)) return { ok: true, value: userId };
  const parsed = collect('alert', { userId: readString({ userId }, 'userId', MAX_USER_ID) });
  return parsed.ok ? { ok: true, value: parsed.value.userId } : parsed;
}
