import { badRequestBody, missingField } from './errors.js';
import { describe } from './toxic-entry.js';

/** A proxy definition as POST /proxies and /populate accept it. */
export interface ProxyInput {
  readonly name: string;
  readonly listen: string;
  readonly upstream: string;
  /** Defaults to true. */
  readonly enabled: boolean;
}

/** Fields of an update; absent ones keep the proxy's current values. */
export interface ProxyUpdate {
  readonly listen?: string;
  readonly upstream?: string;
  readonly enabled?: boolean;
}

/**
 * Parses a create body. `suffix` names the element in a populate array (` at proxy 2`), as
 * Toxiproxy words it.
 */
export function parseProxyInput(body: unknown, suffix = ''): ProxyInput {
  const input = expectObject(body);
  const name = readString(input, 'name') ?? '';
  const listen = readString(input, 'listen') ?? '';
  const upstream = readString(input, 'upstream') ?? '';
  const enabled = readBoolean(input, 'enabled') ?? true;
  if (name === '') throw missingField(`name${suffix}`);
  if (upstream === '') throw missingField(`upstream${suffix}`);
  return { name, listen, upstream, enabled };
}

/** Parses a /populate body: a JSON array of proxy definitions, all checked before any applies. */
export function parsePopulate(body: unknown): ProxyInput[] {
  if (!Array.isArray(body)) {
    throw badRequestBody(`expected a JSON array of proxies, got ${describe(body)}`);
  }
  return body.map((item, index) => parseProxyInput(item, ` at proxy ${index + 1}`));
}

/** Parses an update body (POST or PATCH /proxies/{name}). */
export function parseProxyUpdate(body: unknown): ProxyUpdate {
  const input = expectObject(body);
  const listen = readString(input, 'listen');
  const upstream = readString(input, 'upstream');
  const enabled = readBoolean(input, 'enabled');
  return {
    ...(listen === undefined ? {} : { listen }),
    ...(upstream === undefined ? {} : { upstream }),
    ...(enabled === undefined ? {} : { enabled }),
  };
}

function expectObject(body: unknown): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequestBody(`expected a JSON object (proxy), got ${describe(body)}`);
  }
  return body as Record<string, unknown>;
}

function readString(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw badRequestBody(`${field}: expected a string, got ${describe(value)}`);
  }
  return value;
}

function readBoolean(input: Record<string, unknown>, field: string): boolean | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') {
    throw badRequestBody(`${field}: expected a boolean, got ${describe(value)}`);
  }
  return value;
}
