import type { AddressInfo } from 'node:net';

/** A `host:port` pair as Toxiproxy's `listen` and `upstream` fields carry it. */
export interface HostPort {
  /** Host name or IP literal without brackets; empty means every interface. */
  host: string;
  /** TCP port, 0..65535 (0 = ephemeral, for `listen` only). */
  port: number;
}

/**
 * Splits `host:port`, `[v6]:port` or `:port` (Go's `net.SplitHostPort` forms). Returns an error
 * message instead of throwing, since callers word the failure for their own context.
 */
export function parseHostPort(address: string): HostPort | string {
  const colon = address.lastIndexOf(':');
  if (colon < 0) return `address ${address}: missing port in address`;
  let host = address.slice(0, colon);
  const portText = address.slice(colon + 1);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  else if (host.includes(':')) return `address ${address}: too many colons in address`;
  if (!/^\d{1,5}$/.test(portText) || Number(portText) > 65535) {
    return `address ${address}: invalid port`;
  }
  return { host, port: Number(portText) };
}

/** Formats a bound socket address as Go does: `127.0.0.1:8474`, `[::]:8474`. */
export function formatAddress(info: AddressInfo): string {
  return info.family === 'IPv6' || info.address.includes(':')
    ? `[${info.address}]:${info.port}`
    : `${info.address}:${info.port}`;
}

/**
 * The host to bind for a `listen` host. Go resolves `localhost` to 127.0.0.1 and binds every
 * interface for an empty host; Node would pick ::1 for `localhost` on some systems.
 */
export function bindHost(host: string): string | undefined {
  if (host === '') return undefined;
  if (host === 'localhost') return '127.0.0.1';
  return host;
}
