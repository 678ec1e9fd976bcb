/** Stable codes for every error the client reports; match on `code`, never on the message. */
export const ClientErrorCode = {
  /** An option is missing or out of range; thrown by `createClient`. */
  INVALID_OPTIONS: 'CLIENT_INVALID_OPTIONS',
  /** `getToken` threw or rejected; the attempt counts as failed and backoff applies. */
  TOKEN_FAILED: 'CLIENT_TOKEN_FAILED',
  /** The server sent a frame that is not a valid protocol v1 message; the frame is dropped. */
  BAD_FRAME: 'CLIENT_BAD_FRAME',
  /** The server sent `{type:"error"}` about a frame this client sent. */
  SERVER_ERROR: 'CLIENT_SERVER_ERROR',
  /** The server refused the token twice in a row (401/4401); the client is `failed`. */
  AUTH_FAILED: 'CLIENT_AUTH_FAILED',
  /** The server forbade this user (403/4403); the client is `disconnected` and never retries. */
  FORBIDDEN: 'CLIENT_FORBIDDEN',
  /** Every reconnect attempt failed; the client is `failed` until `reconnect()`. */
  ATTEMPTS_EXHAUSTED: 'CLIENT_ATTEMPTS_EXHAUSTED',
  /** The transport could not open a socket (bad URL, missing WebSocket implementation…). */
  TRANSPORT_FAILED: 'CLIENT_TRANSPORT_FAILED',
  /**
   * A foreign service sent a frame the client's profile does not account for (reported once
   * per connection, quoting the first such frame); the frame is dropped.
   */
  PROFILE_MISMATCH: 'CLIENT_PROFILE_MISMATCH',
  /** A method was called on a client after `dispose()`. */
  DISPOSED: 'CLIENT_DISPOSED',
} as const;

/** One of {@link ClientErrorCode}. */
export type ClientErrorCodeValue = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** An error raised or reported by the client, with a stable {@link ClientErrorCode}. */
export class ClientError extends Error {
  /** Stable machine-readable code. */
  readonly code: ClientErrorCodeValue;

  /**
   * @param code stable code from {@link ClientErrorCode}
   * @param message what was expected and what happened
   * @param options standard `cause`
   */
  constructor(code: ClientErrorCodeValue, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClientError';
    this.code = code;
  }
}

/** True when `value` is a {@link ClientError}, optionally with the given code. */
export function isClientError(value: unknown, code?: ClientErrorCodeValue): value is ClientError {
  return value instanceof ClientError && (code === undefined || value.code === code);
}
