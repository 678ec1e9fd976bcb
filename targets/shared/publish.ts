import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { requestToken, requestUrl, type TargetAuth } from './auth.js';
import { TargetError, TargetErrorCode, toTargetError } from './errors.js';
import { readBody, sendError, sendJson } from './http.js';

/** Largest `POST /publish` body accepted, in bytes; larger ones get 413. */
export const MAX_PUBLISH_BODY_BYTES = 64 * 1024;

/** User ids the targets accept, in socket paths and publish bodies. */
export const USER_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

const USER_ID_RULE = '1-64 characters of [A-Za-z0-9_.-]';
const BODY_SHAPE = '{"userId": string, "alert": object}';

/** A validated `POST /publish` body. */
export interface PublishRequest {
  userId: string;
  alert: Record<string, unknown>;
}

/** Delivers one alert; returns how many open sockets it was written to. */
export type Deliver = (request: PublishRequest) => number;

/** True when `value` is a user id the targets accept ({@link USER_ID_PATTERN}). */
export function isUserId(value: unknown): value is string {
  return typeof value === 'string' && USER_ID_PATTERN.test(value);
}

/** Validates a publish body; throws `BAD_REQUEST` naming what was expected and what arrived. */
export function parsePublishBody(body: Buffer): PublishRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    throw badRequest(`expected a JSON body ${BODY_SHAPE}, got invalid JSON`);
  }
  if (!isPlainObject(parsed)) {
    throw badRequest(`expected a JSON body ${BODY_SHAPE}, got ${describe(parsed)}`);
  }
  const { userId, alert } = parsed;
  if (!isUserId(userId)) {
    throw badRequest(`expected userId to be a string of ${USER_ID_RULE}, got ${describe(userId)}`);
  }
  if (!isPlainObject(alert)) {
    throw badRequest(`expected alert to be a JSON object, got ${describe(alert)}`);
  }
  return { userId, alert };
}

/**
 * The targets' HTTP routes: `GET /healthz`, and `POST /publish` with a publisher token, which
 * hands the validated alert to `deliver` and answers 202 `{"ok": true, "sockets": N}`.
 */
export function createHttpRoutes(auth: TargetAuth, deliver: Deliver): RequestListener {
  return (req, res) => {
    void route(req, res, auth, deliver).catch((error: unknown) => {
      if (!res.headersSent) sendError(res, toTargetError(error));
      else res.destroy();
    });
  };
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  auth: TargetAuth,
  deliver: Deliver,
): Promise<void> {
  const { pathname } = requestUrl(req);
  if (pathname === '/healthz') {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendError(res, notAllowed(req, 'GET'), { allow: 'GET, HEAD' });
      return;
    }
    sendJson(res, 200, { ok: true });
    return;
  }
  if (pathname === '/publish') {
    if (req.method !== 'POST') {
      sendError(res, notAllowed(req, 'POST'), { allow: 'POST' });
      return;
    }
    await auth.verifyPublisher(requestToken(req));
    const request = parsePublishBody(await readBody(req, MAX_PUBLISH_BODY_BYTES));
    sendJson(res, 202, { ok: true, sockets: deliver(request) });
    return;
  }
  throw new TargetError(
    TargetErrorCode.NOT_FOUND,
    `expected GET /healthz or POST /publish, got ${req.method ?? '?'} ${pathname}`,
  );
}

function notAllowed(req: IncomingMessage, expected: string): TargetError {
  const { pathname } = requestUrl(req);
  return new TargetError(
    TargetErrorCode.METHOD_NOT_ALLOWED,
    `expected ${expected} ${pathname}, got ${req.method ?? '?'}`,
  );
}

function badRequest(message: string): TargetError {
  return new TargetError(TargetErrorCode.BAD_REQUEST, message);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.slice(0, 80))}`;
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}
