import type { FastifyReply } from 'fastify';
import type { ServerError } from './errors.js';

/** JSON body of every HTTP error: stable code, status and a message naming what was expected. */
export interface ErrorBody {
  error: string;
  code: string;
  statusCode: number;
  message: string;
}

/** The {@link ErrorBody} that answers `error`. */
export function errorBodyOf(error: ServerError): ErrorBody {
  return {
    error: httpReason(error.statusCode),
    code: error.code,
    statusCode: error.statusCode,
    message: error.message,
  };
}

/** Sends `error` as its status with an {@link ErrorBody}. */
export function sendError(reply: FastifyReply, error: ServerError): FastifyReply {
  return reply.code(error.statusCode).type('application/json').send(errorBodyOf(error));
}

/** Reason phrase for the statuses this server sends. */
export function httpReason(status: number): string {
  const reasons: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    413: 'Payload Too Large',
    415: 'Unsupported Media Type',
    429: 'Too Many Requests',
    500: 'Internal Server Error',
    503: 'Service Unavailable',
  };
  return reasons[status] ?? 'Error';
}
