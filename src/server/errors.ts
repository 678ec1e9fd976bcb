/** Stable codes for errors the alert server reports to clients and callers. */
export const ServerErrorCode = {
  UNAUTHORIZED: 'SRV_UNAUTHORIZED',
  TOKEN_EXPIRED: 'SRV_TOKEN_EXPIRED',
  TOKEN_REVOKED: 'SRV_TOKEN_REVOKED',
  FORBIDDEN: 'SRV_FORBIDDEN',
  RATE_LIMITED: 'SRV_RATE_LIMITED',
  BAD_REQUEST: 'SRV_BAD_REQUEST',
  IDEMPOTENCY_KEY_REUSED: 'SRV_IDEMPOTENCY_KEY_REUSED',
  FLOOD: 'SRV_FLOOD',
  SHUTTING_DOWN: 'SRV_SHUTTING_DOWN',
  FULL: 'SRV_FULL',
  CONFIG: 'SRV_CONFIG',
} as const;

/** One of {@link ServerErrorCode}. */
export type ServerErrorCodeValue = (typeof ServerErrorCode)[keyof typeof ServerErrorCode];

/** An error with a stable code and the HTTP status it maps to. */
export class ServerError extends Error {
  readonly code: ServerErrorCodeValue;
  readonly statusCode: number;
  constructor(code: ServerErrorCodeValue, statusCode: number, message: string) {
    super(message);
    this.name = 'ServerError';
    this.code = code;
    this.statusCode = statusCode;
  }
}
