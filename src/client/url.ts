import { ClientError, ClientErrorCode } from './errors.js';

/** Path of the alert endpoint, before the user id. */
export const BREACH_ALERTS_PATH = '/ws/breach-alerts/';

/** The endpoint path template of stormwatch's own server. */
export const DEFAULT_PATH_TEMPLATE = `${BREACH_ALERTS_PATH}{user}`;

/**
 * Builds the endpoint URL for `userId` from a base URL.
 *
 * `base` is the server's origin, optionally with a path prefix: `ws://127.0.0.1:8080` or
 * `wss://alerts.example.com/prefix`; `http:`/`https:` are mapped to `ws:`/`wss:`. The client
 * appends `pathTemplate` (default `/ws/breach-alerts/{user}`) with `{user}` replaced by the
 * URL-encoded user id. A URL whose path already ends with that suffix is used unchanged, so a
 * full endpoint URL works too, and a base that itself contains `{user}` is only filled in.
 * Query strings are kept.
 *
 * @throws ClientError CLIENT_INVALID_OPTIONS when `base` is not an absolute ws/wss/http/https URL
 */
export function buildEndpointUrl(
  base: string,
  userId: string,
  pathTemplate: string = DEFAULT_PATH_TEMPLATE,
): string {
  const templated = base.includes('{user}');
  const filled = base.replaceAll('{user}', encodeURIComponent(userId));
  let url: URL;
  try {
    url = new URL(filled);
  } catch (cause) {
    throw new ClientError(
      ClientErrorCode.INVALID_OPTIONS,
      `url: expected an absolute ws:// or wss:// URL, got ${JSON.stringify(base)}`,
      { cause },
    );
  }
  if (url.protocol === 'http:') url.protocol = 'ws:';
  else if (url.protocol === 'https:') url.protocol = 'wss:';
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw new ClientError(
      ClientErrorCode.INVALID_OPTIONS,
      `url: expected a ws:, wss:, http: or https: URL, got ${url.protocol} in ${JSON.stringify(base)}`,
    );
  }
  if (templated) return url.toString();
  const suffix = pathTemplate.replaceAll('{user}', encodeURIComponent(userId));
  if (!url.pathname.endsWith(suffix)) {
    url.pathname = url.pathname.replace(/\/+$/, '') + suffix;
  }
  return url.toString();
}
