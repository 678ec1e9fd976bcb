import type { Verb } from '../cli.js';
import { MAX_USER_ID } from '../protocol/index.js';
import { parseDuration } from '../runner/index.js';
import { signToken, type Role } from '../server/index.js';
import { parseFlags, quoteValue, UsageError } from './args.js';

const ROLES: readonly Role[] = ['user', 'publisher'];
const DEFAULT_TTL_S = 3600;
const MAX_TTL_S = 365 * 24 * 3600;
const MAX_TTL_TEXT = '365d';

const USAGE = `Usage: stormwatch token --sub USER [--role user|publisher] [--ttl 1h]

Mints an HS256 token signed with STORMWATCH_JWT_SECRET (the secret stormwatch serve verifies
with) and prints only the token, so it fits in $(…):

  curl -H "authorization: Bearer $(stormwatch token --sub ops --role publisher)" …

Flags:
  --sub USER       the user id (claim sub; for a user token, the :userId it may open)
  --role ROLE      user (default) or publisher (POST /api/alerts, POST /api/tokens/revoke)
  --ttl DURATION   lifetime such as "30m", "1h" or "7d", 1s..${MAX_TTL_TEXT} (default 1h)

Environment:
  STORMWATCH_JWT_SECRET  the HS256 secret (required)
`;

/** `stormwatch token`: prints a signed token for `--sub` and exits 0. */
export const token: Verb = async (argv) => {
  const { values, positionals } = parseFlags('token', argv, {
    sub: { type: 'string' },
    role: { type: 'string' },
    ttl: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`token: unexpected argument ${quoteValue(positionals[0] ?? '')}`);
  }
  const sub = values.sub;
  if (sub === undefined || sub === '' || sub.length > MAX_USER_ID) {
    throw new UsageError(
      `--sub: expected a user id of 1..${MAX_USER_ID} characters, got ${sub === undefined ? 'nothing' : quoteValue(sub)}`,
    );
  }
  const role = values.role ?? 'user';
  if (!(ROLES as readonly string[]).includes(role)) {
    throw new UsageError(`--role: expected user or publisher, got ${quoteValue(role)}`);
  }
  const expiresInS = readTtl(values.ttl);
  const secret = process.env.STORMWATCH_JWT_SECRET;
  if (secret === undefined || secret === '') {
    throw new UsageError(
      'STORMWATCH_JWT_SECRET is not set: a token is signed with the secret the server verifies with',
    );
  }
  process.stdout.write(`${await signToken({ sub, role: role as Role, expiresInS }, secret)}\n`);
  return 0;
};

function readTtl(raw: string | undefined): number {
  if (raw === undefined) return DEFAULT_TTL_S;
  const ms = parseDuration(raw);
  if (ms === undefined || ms < 1000 || ms > MAX_TTL_S * 1000) {
    throw new UsageError(
      `--ttl: expected a duration from 1s to ${MAX_TTL_TEXT} such as "1h", got ${quoteValue(raw)}`,
    );
  }
  return Math.floor(ms / 1000);
}
