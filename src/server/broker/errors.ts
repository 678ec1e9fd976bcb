/** Stable codes for errors a broker reports. */
export const BrokerErrorCode = {
  /** The store cannot be reached or did not answer in time; retry later (HTTP 503). */
  UNAVAILABLE: 'SRV_BROKER_UNAVAILABLE',
  /** The broker was closed; it cannot be used again (HTTP 503). */
  CLOSED: 'SRV_BROKER_CLOSED',
  /** The store answered with an error that retrying will not fix, e.g. WRONGTYPE (HTTP 500). */
  REDIS_ERROR: 'SRV_BROKER_REDIS_ERROR',
  /** A stored entry or a reply does not have the expected shape (HTTP 500). */
  BAD_DATA: 'SRV_BROKER_BAD_DATA',
  /** The broker's options are invalid (e.g. a URL that is not redis://). */
  CONFIG: 'SRV_BROKER_CONFIG',
} as const;

/** One of {@link BrokerErrorCode}. */
export type BrokerErrorCodeValue = (typeof BrokerErrorCode)[keyof typeof BrokerErrorCode];

const STATUS: Record<BrokerErrorCodeValue, number> = {
  SRV_BROKER_UNAVAILABLE: 503,
  SRV_BROKER_CLOSED: 503,
  SRV_BROKER_REDIS_ERROR: 500,
  SRV_BROKER_BAD_DATA: 500,
  SRV_BROKER_CONFIG: 500,
};

/**
 * An error with a stable code and the HTTP status it maps to (Fastify's error handler reads
 * `statusCode`, so a publish while Redis is down answers 503, not 500).
 */
export class BrokerError extends Error {
  readonly code: BrokerErrorCodeValue;
  readonly statusCode: number;
  constructor(code: BrokerErrorCodeValue, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'BrokerError';
    this.code = code;
    this.statusCode = STATUS[code];
  }
}

// Replies that mean "this server cannot serve you right now", not "your command is wrong".
const TRANSIENT_REPLY =
  /^(LOADING|BUSY|MASTERDOWN|TRYAGAIN|READONLY|NOREPLICAS|CLUSTERDOWN|MISCONF)\b/;

/**
 * Classifies an error from the Redis client: Redis error replies become REDIS_ERROR (or
 * UNAVAILABLE when they are transient), everything else (refused, reset, timed out, retries
 * exhausted, offline) becomes UNAVAILABLE. `doing` names the operation for the message.
 */
export function toBrokerError(error: unknown, doing: string): BrokerError {
  if (error instanceof BrokerError) return error;
  const message = error instanceof Error ? error.message : String(error);
  const isReply = error instanceof Error && error.name === 'ReplyError';
  const code =
    isReply && !TRANSIENT_REPLY.test(message)
      ? BrokerErrorCode.REDIS_ERROR
      : BrokerErrorCode.UNAVAILABLE;
  const what = code === BrokerErrorCode.UNAVAILABLE ? 'Redis unavailable' : 'Redis error';
  return new BrokerError(code, `${doing}: ${what}: ${message.split('\n')[0] ?? message}`, {
    cause: error,
  });
}
