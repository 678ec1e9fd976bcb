import type { IncomingMessage, ServerResponse } from 'node:http';
import { badRequestBody, internalError, ToxiproxyApiError } from './errors.js';

/** Request bodies above this are refused; proxy and toxic definitions are tiny. */
const MAX_BODY_BYTES = 1024 * 1024;

/** Reads the whole request body as text. Rejects with a 400 error past {@link MAX_BODY_BYTES}. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of request as AsyncIterable<Buffer>) {
    size += part.length;
    if (size > MAX_BODY_BYTES) throw badRequestBody(`body larger than ${MAX_BODY_BYTES} bytes`);
    parts.push(part);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** Parses a JSON body; an empty body is Go's `EOF` error, as Toxiproxy reports it. */
export function parseJson(text: string): unknown {
  if (text.trim() === '') throw badRequestBody('EOF');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw badRequestBody(error instanceof Error ? error.message : String(error));
  }
}

/** Sends a JSON body (compact, as Go's encoder writes it). */
export function sendJson(response: ServerResponse, status: number, body: unknown): void {
  send(response, status, JSON.stringify(body), 'application/json');
}

/** Sends an empty response (204 for deletes and /reset). */
export function sendEmpty(response: ServerResponse, status: number): void {
  response.writeHead(status);
  response.end();
}

/** Sends a text body with a content type. */
export function send(
  response: ServerResponse,
  status: number,
  body: string,
  contentType: string,
): void {
  response.writeHead(status, {
    'content-type': contentType,
    'content-length': Buffer.byteLength(body),
  });
  response.end(body);
}

/** Sends an error as Toxiproxy does: `{"error": "...", "status": N}` and a newline. */
export function sendError(response: ServerResponse, error: unknown): void {
  const apiError =
    error instanceof ToxiproxyApiError
      ? error
      : internalError(error instanceof Error ? error.message : String(error));
  send(response, apiError.status, `${JSON.stringify(apiError)}\n`, 'application/json');
}
