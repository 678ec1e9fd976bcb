/**
 * Parses an HTTP `Retry-After` header (RFC 9110 §10.2.3): either delay-seconds or an
 * HTTP-date. Returns the wait in ms, or undefined when absent or malformed.
 *
 * @param value the header value as received
 * @param nowMs current clock time in epoch ms, used to turn an HTTP-date into a delay
 */
export function parseRetryAfterHeader(
  value: string | readonly string[] | undefined,
  nowMs: number,
): number | undefined {
  const raw = typeof value === 'string' ? value : value?.[0];
  if (raw === undefined) return undefined;
  const text = raw.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  if (!/[a-z]/i.test(text)) return undefined;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
