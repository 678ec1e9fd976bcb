/** Stable codes for every error the proxy API reports. */
export const ProxyErrorCode = {
  /** The body is not JSON of the expected shape (400). */
  BAD_REQUEST_BODY: 'PROXY_BAD_REQUEST_BODY',
  /** A required field (`name`, `upstream`) is missing or empty (400). */
  MISSING_FIELD: 'PROXY_MISSING_FIELD',
  /** A toxic attribute is out of range or of the wrong type (400). */
  INVALID_ATTRIBUTE: 'PROXY_INVALID_ATTRIBUTE',
  /** `stream` is neither `upstream` nor `downstream` (400). */
  INVALID_STREAM: 'PROXY_INVALID_STREAM',
  /** `type` names no registered toxic (400). */
  INVALID_TOXIC_TYPE: 'PROXY_INVALID_TOXIC_TYPE',
  /** No proxy has that name (404). */
  PROXY_NOT_FOUND: 'PROXY_NOT_FOUND',
  /** The proxy has no toxic of that name (404). */
  TOXIC_NOT_FOUND: 'PROXY_TOXIC_NOT_FOUND',
  /** A proxy with that name exists (409). */
  PROXY_ALREADY_EXISTS: 'PROXY_ALREADY_EXISTS',
  /** The proxy already has a toxic with that name (409). */
  TOXIC_ALREADY_EXISTS: 'PROXY_TOXIC_ALREADY_EXISTS',
  /** The listen address could not be bound (500). */
  LISTEN_FAILED: 'PROXY_LISTEN_FAILED',
  /** Anything else that went wrong while serving a request (500). */
  INTERNAL: 'PROXY_INTERNAL',
} as const;

/** One of {@link ProxyErrorCode}. */
export type ProxyErrorCodeValue = (typeof ProxyErrorCode)[keyof typeof ProxyErrorCode];

/**
 * An error the HTTP API reports as Toxiproxy does: `{"error": message, "status": status}`.
 * `message` is Toxiproxy's own text, so scripts matching on it keep working.
 */
export class ToxiproxyApiError extends Error {
  readonly code: ProxyErrorCodeValue;
  /** HTTP status code sent with the error body. */
  readonly status: number;

  constructor(code: ProxyErrorCodeValue, status: number, message: string) {
    super(message);
    this.name = 'ToxiproxyApiError';
    this.code = code;
    this.status = status;
  }

  /** The body Toxiproxy sends for this error. */
  toJSON(): { error: string; status: number } {
    return { error: this.message, status: this.status };
  }
}

/** 400 `bad request body: <detail>`. */
export function badRequestBody(detail: string): ToxiproxyApiError {
  return new ToxiproxyApiError(ProxyErrorCode.BAD_REQUEST_BODY, 400, `bad request body: ${detail}`);
}

/** 400 `missing required field: <field>`. */
export function missingField(field: string): ToxiproxyApiError {
  return new ToxiproxyApiError(
    ProxyErrorCode.MISSING_FIELD,
    400,
    `missing required field: ${field}`,
  );
}

/** 400 for a toxic attribute that fails validation; worded like Toxiproxy's body errors. */
export function invalidAttribute(detail: string): ToxiproxyApiError {
  return new ToxiproxyApiError(
    ProxyErrorCode.INVALID_ATTRIBUTE,
    400,
    `bad request body: ${detail}`,
  );
}

/** 400 for a `stream` other than upstream/downstream. */
export function invalidStream(): ToxiproxyApiError {
  return new ToxiproxyApiError(
    ProxyErrorCode.INVALID_STREAM,
    400,
    'stream was invalid, can be either upstream or downstream',
  );
}

/** 400 for an unknown toxic `type`. */
export function invalidToxicType(): ToxiproxyApiError {
  return new ToxiproxyApiError(ProxyErrorCode.INVALID_TOXIC_TYPE, 400, 'invalid toxic type');
}

/** 404 `proxy not found`. */
export function proxyNotFound(): ToxiproxyApiError {
  return new ToxiproxyApiError(ProxyErrorCode.PROXY_NOT_FOUND, 404, 'proxy not found');
}

/** 404 `toxic not found`. */
export function toxicNotFound(): ToxiproxyApiError {
  return new ToxiproxyApiError(ProxyErrorCode.TOXIC_NOT_FOUND, 404, 'toxic not found');
}

/** 409 `proxy already exists`. */
export function proxyAlreadyExists(): ToxiproxyApiError {
  return new ToxiproxyApiError(ProxyErrorCode.PROXY_ALREADY_EXISTS, 409, 'proxy already exists');
}

/** 409 `toxic already exists`. */
export function toxicAlreadyExists(): ToxiproxyApiError {
  return new ToxiproxyApiError(ProxyErrorCode.TOXIC_ALREADY_EXISTS, 409, 'toxic already exists');
}

/** 500 for a listen address that cannot be bound, worded like Go's `net.Listen` error. */
export function listenFailed(listen: string, reason: string): ToxiproxyApiError {
  return new ToxiproxyApiError(
    ProxyErrorCode.LISTEN_FAILED,
    500,
    `listen tcp ${listen}: ${reason}`,
  );
}

/** 500 for an unexpected failure; the message is passed through as Toxiproxy does. */
export function internalError(message: string): ToxiproxyApiError {
  return new ToxiproxyApiError(ProxyErrorCode.INTERNAL, 500, message);
}
