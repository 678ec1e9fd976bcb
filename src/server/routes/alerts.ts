import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import {
  MAX_USER_ID,
  parseAlertInput,
  parseAlertUserId,
  type AlertInput,
} from '../../protocol/index.js';
import { extractToken, type Principal, type Role } from '../auth.js';
import type { AppContext } from '../context.js';
import { ServerError, ServerErrorCode } from '../errors.js';
import { sendError } from '../http-errors.js';

/**
 * Verifies the request's bearer token and role; replies with the error when it fails. `action`
 * names what the role is needed for in the 403's message ("publishing").
 */
async function authorize(
  ctx: AppContext,
  request: FastifyRequest,
  reply: FastifyReply,
  role: Role,
  action = 'this request',
): Promise<Principal | undefined> {
  const token = extractToken({
    authorization: request.headers.authorization,
    subprotocols: undefined,
    query: undefined,
  });
  if (token === undefined) {
    sendError(reply, new ServerError(ServerErrorCode.UNAUTHORIZED, 401, 'missing bearer token'));
    return undefined;
  }
  try {
    const principal = await ctx.verifyToken(token, ctx.clock.now());
    if (ctx.service.isRevoked(principal.issuedAtMs)) {
      sendError(reply, new ServerError(ServerErrorCode.TOKEN_REVOKED, 401, 'token revoked'));
      return undefined;
    }
    if (role === 'publisher' && principal.role !== 'publisher') {
      sendError(
        reply,
        new ServerError(
          ServerErrorCode.FORBIDDEN,
          403,
          `${action} needs a token with role publisher`,
        ),
      );
      return undefined;
    }
    return principal;
  } catch (error) {
    if (error instanceof ServerError) {
      sendError(reply, error);
      return undefined;
    }
    throw error;
  }
}

// The IETF httpapi draft's Idempotency-Key is a structured-field string ("…"); a bare token
// is taken too. Printable ASCII without quotes or backslashes, at most 255 characters.
const IDEMPOTENCY_KEY = /^[\x21\x23-\x5b\x5d-\x7e]{1,255}$/;

/** The request's idempotency key, undefined without one, or the 400 a malformed one gets. */
function readIdempotencyKey(
  header: string | string[] | undefined,
): string | undefined | ServerError {
  if (header === undefined) return undefined;
  const raw = Array.isArray(header) ? header.join(',') : header.trim();
  const key = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (IDEMPOTENCY_KEY.test(key)) return key;
  return new ServerError(
    ServerErrorCode.BAD_REQUEST,
    400,
    `Idempotency-Key: expected 1 to 255 printable ASCII characters (quoted or bare, no quotes or backslashes inside), got ${JSON.stringify(raw.slice(0, 40))}${raw.length > 40 ? '…' : ''}`,
  );
}

/** Most users one batch publish reaches. */
export const MAX_BATCH_USERS = 10_000;
/** Largest batch body, bytes: every user id at its longest, quoted, plus the alert. */
const BATCH_BODY_LIMIT = MAX_BATCH_USERS * (MAX_USER_ID + 3) + 64 * 1024;

/**
 * The body of `POST /api/alerts/batch`: `userIds` (1 to {@link MAX_BATCH_USERS} distinct user
 * ids) and the alert's fields as for `POST /api/alerts`, without `userId`.
 */
function parseBatchBody(
  body: unknown,
  now: string,
): { input: Omit<AlertInput, 'userId'>; userIds: string[] } | ServerError {
  const bad = (message: string) => new ServerError(ServerErrorCode.BAD_REQUEST, 400, message);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return bad('expected a JSON object with userIds and the alert');
  }
  const { userIds, ...fields } = body as Record<string, unknown>;
  if (!Array.isArray(userIds) || userIds.length === 0 || userIds.length > MAX_BATCH_USERS) {
    return bad(
      `userIds: expected a list of 1 to ${MAX_BATCH_USERS} user ids, got ${Array.isArray(userIds) ? `${userIds.length} items` : JSON.stringify(userIds ?? null).slice(0, 40)}`,
    );
  }
  if ('userId' in fields) return bad('userId: a batch names its users in userIds');
  const ids = userIds as unknown[];
  // The alert's fields are the same for every user: checked once, with the first.
  const first = parseAlertInput({ ...fields, userId: ids[0] }, now);
  if (!first.ok) return bad(first.error.message.replace('alert.userId', 'userIds[0]'));
  const seen = new Set<string>([first.value.userId]);
  const users = [first.value.userId];
  for (let i = 1; i < ids.length; i++) {
    const parsed = parseAlertUserId(ids[i]);
    if (!parsed.ok) return bad(parsed.error.message.replace('alert.userId', `userIds[${i}]`));
    const userId = parsed.value;
    if (seen.has(userId)) {
      return bad(`userIds[${i}]: ${JSON.stringify(userId)} is listed twice (each user once)`);
    }
    seen.add(userId);
    users.push(userId);
  }
  const { userId: _first, ...input } = first.value;
  return { input, userIds: users };
}

/** Largest `since` taken: a seq fits in 15 digits. */
const MAX_SEQ = 999_999_999_999_999;
/** Longest long poll, ms: below the idle timeouts of common proxies (60 s). */
export const MAX_POLL_WAIT_MS = 30_000;
/** Most alerts one poll returns. */
export const MAX_POLL_LIMIT = 1000;

/** A query parameter as an integer in [min, max]; undefined when absent; the 400 otherwise. */
function readInteger(
  name: string,
  raw: string | undefined,
  min: number,
  max: number,
): number | undefined | ServerError {
  if (raw === undefined) return undefined;
  const value = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (value >= min && value <= max) return value;
  return new ServerError(
    ServerErrorCode.BAD_REQUEST,
    400,
    `${name}: expected an integer from ${min} to ${max}, got ${JSON.stringify(raw.slice(0, 40))}`,
  );
}

/**
 * `POST /api/alerts` (publisher) and `GET /api/alerts?since=&epoch=&wait=&limit=` (the polling
 * fallback: `wait` ms of long polling for the first alert after `since`).
 */
export function alertRoutes(ctx: AppContext) {
  return async (app: FastifyInstance): Promise<void> => {
    app.post('/api/alerts', async (request, reply) => {
      if ((await authorize(ctx, request, reply, 'publisher', 'publishing')) === undefined) {
        return reply;
      }
      const parsed = parseAlertInput(request.body, new Date(ctx.clock.now()).toISOString());
      if (!parsed.ok) {
        return sendError(
          reply,
          new ServerError(ServerErrorCode.BAD_REQUEST, 400, parsed.error.message),
        );
      }
      const key = readIdempotencyKey(request.headers['idempotency-key']);
      if (key instanceof ServerError) return sendError(reply, key);
      if (key === undefined) {
        const alert = await ctx.service.publish(parsed.value);
        return reply.code(201).send({ seq: alert.seq, id: alert.id });
      }
      try {
        const { alert, replayed } = await ctx.service.publishOnce(parsed.value, key);
        if (replayed) reply.header('Idempotent-Replayed', 'true');
        return reply.code(replayed ? 200 : 201).send({ seq: alert.seq, id: alert.id });
      } catch (error) {
        if (error instanceof ServerError) return sendError(reply, error);
        throw error;
      }
    });

    // One alert to many users: `{userIds: [...], severity, title, source, detectedAt?}`.
    // 10,000 user ids of up to 128 characters: room beyond the server's 64 KiB default.
    app.post('/api/alerts/batch', { bodyLimit: BATCH_BODY_LIMIT }, async (request, reply) => {
      if ((await authorize(ctx, request, reply, 'publisher', 'publishing')) === undefined) {
        return reply;
      }
      const parsed = parseBatchBody(request.body, new Date(ctx.clock.now()).toISOString());
      if (parsed instanceof ServerError) return sendError(reply, parsed);
      const key = readIdempotencyKey(request.headers['idempotency-key']);
      if (key instanceof ServerError) return sendError(reply, key);
      try {
        const { alerts, replayed } = await ctx.service.publishBatch(
          parsed.input,
          parsed.userIds,
          key,
        );
        if (replayed) reply.header('Idempotent-Replayed', 'true');
        return reply.code(replayed ? 200 : 201).send({
          alerts: alerts.map((alert) => ({ userId: alert.userId, seq: alert.seq, id: alert.id })),
        });
      } catch (error) {
        if (error instanceof ServerError) return sendError(reply, error);
        throw error;
      }
    });

    // Revokes every token issued until now: open sockets close with 4401, clients refresh.
    app.post('/api/tokens/revoke', async (request, reply) => {
      if ((await authorize(ctx, request, reply, 'publisher', 'revoking tokens')) === undefined) {
        return reply;
      }
      const now = ctx.clock.now();
      const cutoffMs = Math.floor(now);
      // Revoked here at once; with a shared broker every other instance follows. When the
      // shared store cannot take it the answer is its 503: retrying is safe (a cutoff only rises).
      const closed = await ctx.service.revokeEverywhere(cutoffMs);
      return reply.send({ revokedBefore: new Date(cutoffMs).toISOString(), closed });
    });

    app.get<{ Querystring: { since?: string; epoch?: string; wait?: string; limit?: string } }>(
      '/api/alerts',
      async (request, reply) => {
        const principal = await authorize(ctx, request, reply, 'user');
        if (principal === undefined) return reply;
        const { query } = request;
        const since = readInteger('since', query.since, 0, MAX_SEQ);
        const waitMs = readInteger('wait', query.wait, 0, MAX_POLL_WAIT_MS);
        const limit = readInteger('limit', query.limit, 0, MAX_POLL_LIMIT);
        for (const value of [since, waitMs, limit]) {
          if (value instanceof ServerError) return sendError(reply, value);
        }
        const head = await ctx.broker.head(principal.userId);
        const epoch = query.epoch;
        const sameEpoch = epoch === undefined || epoch === head.epoch;
        const after = sameEpoch ? ((since as number | undefined) ?? 0) : 0;
        if (limit === 0) {
          // Only where the stream stands (a polling client's handshake).
          return reply.send({
            epoch: head.epoch,
            lastSeq: head.lastSeq,
            gap: false,
            missed: 0,
            alerts: [],
          });
        }
        // A long poll ends early when its request goes away (the client gave up or moved on).
        const gone = new AbortController();
        reply.raw.once('close', () => gone.abort());
        const slice = await ctx.service.poll(principal.userId, after, {
          waitMs: (waitMs as number | undefined) ?? 0,
          limit: limit as number | undefined,
          signal: gone.signal,
        });
        const missed = Math.max(0, slice.firstSeq - after - 1);
        return reply.send({
          epoch: slice.epoch,
          lastSeq: slice.lastSeq,
          gap: missed > 0 || !sameEpoch || slice.epoch !== head.epoch,
          missed,
          alerts: slice.alerts,
        });
      },
    );
  };
}
