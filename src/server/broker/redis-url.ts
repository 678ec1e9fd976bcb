import { BrokerError, BrokerErrorCode } from './errors.js';

/** Highest database index accepted in a Redis URL (Redis' default `databases` is 16). */
const MAX_DB = 15;

/**
 * Validates a Redis URL of the form `redis://[user:password@]host[:port][/db]` (or `rediss://`
 * for TLS) and returns it normalised. Throws a {@link BrokerError} with code CONFIG naming what
 * was expected; the message never contains the password.
 */
export function parseRedisUrl(raw: string): string {
  const shown = JSON.stringify(describeRedisUrl(raw));
  const fail = (why: string): never => {
    throw new BrokerError(
      BrokerErrorCode.CONFIG,
      `expected redis://host:port[/db], got ${shown} (${why})`,
    );
  };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return fail('not a URL');
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
    return fail(`scheme ${url.protocol.slice(0, -1)} is not redis or rediss`);
  }
  if (url.hostname === '') fail('no host');
  if (url.search !== '' || url.hash !== '') fail('query and fragment are not supported');
  const db = url.pathname.replace(/^\//, '');
  if (db !== '' && !(/^\d{1,2}$/.test(db) && Number(db) <= MAX_DB)) {
    fail(`database must be 0..${MAX_DB}`);
  }
  return url.href;
}

/** The URL with its password replaced by `***`, for messages and logs. */
export function describeRedisUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.password !== '') url.password = '***';
    return url.href;
  } catch {
    // Not a URL: show it only up to where a password could start.
    return raw.replace(/:[^:@/]*@/, ':***@').slice(0, 200);
  }
}
