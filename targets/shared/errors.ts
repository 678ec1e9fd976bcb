/** Stable codes for the errors the reference targets answer with, each with its HTTP status. */
export const TargetErrorCode = {
  BAD_REQUEST: 'TGT_BAD_REQUEST',
  UNAUTHORIZED: 'TGT_UNAUTHORIZED',
  FORBIDDEN: 'TGT_FORBIDDEN',
  NOT_FOUND: 'TGT_NOT_FOUND',
  METHOD_NOT_ALLOWED: 'TGT_METHOD_NOT_ALLOWED',
  PAYLOAD_TOO_LARGE: 'TGT_PAYLOAD_TOO_LARGE',
  INTERNAL: 'TGT_INTERNAL',
  CONFIG: 'TGT_CONFIG',
} as const;

/** One of {@link TargetErrorCode}. */
export type TargetErrorCodeValue = (typeof TargetErrorCode)[keyof typeof TargetErrorCode];

const STATUS: Record<TargetErrorCodeValue, number> = {
  TGT_BAD_REQUEST: 400,
  TGT_UNAUTHORIZED: 401,
  TGT_FORBIDDEN: 403,
  TGT_NOT_FOUND: 404,
  TGT_METHOD_NOT_ALLOWED: 405,
  TGT_PAYLOAD_TOO_LARGE: 413,
  TGT_INTERNAL: 500,
  // A configuration error stops the process before anything listens; the status is never sent.
  TGT_CONFIG: 500,
};

const REASON: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  413: 'Payload Too Large',
  500: 'Internal Server Error',
};

/** An error with a stable code; its HTTP status follows from the code. */
export class TargetError extends Error {
  readonly code: TargetErrorCodeValue;
  readonly status: number;
  constructor(code: TargetErrorCodeValue, message: string) {
    super(message);
    this.name = 'TargetError';
    this.code = code;
    this.status = STATUS[code];
  }

  /** The HTTP reason phrase for {@link status}. */
  get reason(): string {
    return REASON[this.status] ?? 'Error';
  }
}

/** `error` itself when it is a {@link TargetError}, else an internal error naming it. */
export function toTargetError(error: unknown): TargetError {
  if (error instanceof TargetError) return error;
  const detail = error instanceof Error ? error.message : String(error);
  return new TargetError(TargetErrorCode.INTERNAL, `internal error: ${detail}`);
}
