/** Stable codes for frames and bodies that fail validation. */
export const ProtocolErrorCode = {
  /** The frame is not valid JSON. */
  MALFORMED_JSON: 'PROTO_MALFORMED_JSON',
  /** Binary frames are not part of the protocol. */
  BINARY_FRAME: 'PROTO_BINARY_FRAME',
  /** The JSON is not an object with a string `type`. */
  NOT_A_MESSAGE: 'PROTO_NOT_A_MESSAGE',
  /** `type` names no message this side accepts. */
  UNKNOWN_TYPE: 'PROTO_UNKNOWN_TYPE',
  /** A field is missing or has the wrong type or range. */
  INVALID_FIELD: 'PROTO_INVALID_FIELD',
  /** A body carries a field its schema does not know (a typo would otherwise pass unseen). */
  UNKNOWN_FIELD: 'PROTO_UNKNOWN_FIELD',
} as const;

/** One of {@link ProtocolErrorCode}. */
export type ProtocolErrorCodeValue = (typeof ProtocolErrorCode)[keyof typeof ProtocolErrorCode];

/** Why a frame or body was rejected: a stable code and a message naming what was expected. */
export interface ProtocolError {
  code: ProtocolErrorCodeValue;
  message: string;
}

/** The outcome of parsing: a value or a typed error; parsing never throws. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: ProtocolError };

/** Builds a failed {@link ParseResult}. */
export function fail<T>(code: ProtocolErrorCodeValue, message: string): ParseResult<T> {
  return { ok: false, error: { code, message } };
}

/** Builds a successful {@link ParseResult}. */
export function succeed<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}
