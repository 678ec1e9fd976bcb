import {
  badRequestBody,
  invalidAttribute,
  invalidStream,
  invalidToxicType,
  toxicAlreadyExists,
} from './errors.js';
import { toxicKinds } from './toxics/registry.js';
import type { Attributes, ToxicKind } from './toxics/toxic.js';

/** `upstream` = client → server; `downstream` = server → client. */
export type Direction = 'upstream' | 'downstream';

/** Both directions, in the order Toxiproxy lists toxics (upstream first). */
export const DIRECTIONS: readonly Direction[] = ['upstream', 'downstream'];

/** A toxic as configured on a proxy. Immutable: updates replace the entry. */
export interface ToxicEntry {
  readonly name: string;
  readonly type: string;
  /** The `stream` string as the client sent it (Toxiproxy echoes it back unchanged). */
  readonly stream: string;
  readonly direction: Direction;
  /** Probability, per connection and direction, that the toxic applies (0..1; above 1 always, below 0 never, as Toxiproxy takes any number). */
  readonly toxicity: number;
  readonly attributes: Attributes;
  readonly kind: ToxicKind;
}

/** The JSON Toxiproxy returns for a toxic, in its field order. */
export interface ToxicJson {
  attributes: Attributes;
  name: string;
  type: string;
  stream: string;
  toxicity: number;
}

/** Serialises an entry as Toxiproxy does. */
export function toxicToJson(entry: ToxicEntry): ToxicJson {
  return {
    attributes: entry.attributes,
    name: entry.name,
    type: entry.type,
    stream: entry.stream,
    toxicity: entry.toxicity,
  };
}

/**
 * Parses a create-toxic body with Toxiproxy's defaults (stream downstream, toxicity 1, name
 * `<type>_<stream>`) and its check order: body, stream, type, then attributes. The name clash
 * check (409) is the caller's, between type and attributes.
 */
export function parseToxicCreate(body: unknown, exists: (name: string) => boolean): ToxicEntry {
  const input = expectObject(body, 'toxics.ToxicWrapper');
  const name = optionalString(input, 'name') ?? '';
  const type = optionalString(input, 'type') ?? '';
  const stream = optionalString(input, 'stream') ?? 'downstream';
  const toxicity = optionalNumber(input, 'toxicity') ?? 1;
  const direction = parseDirection(stream);
  const kind = toxicKinds.get(type);
  const resolvedName = name === '' ? `${type}_${stream}` : name;
  if (kind === undefined) throw invalidToxicType();
  if (exists(resolvedName)) throw toxicAlreadyExists();
  const attributes = parseAttributes(kind, input.attributes, kind.defaults);
  return { name: resolvedName, type, stream, direction, toxicity, attributes, kind };
}

/** Parses an update body: only `attributes` (merged over the current ones) and `toxicity`. */
export function parseToxicUpdate(current: ToxicEntry, body: unknown): ToxicEntry {
  const input = expectObject(body, 'toxics.ToxicWrapper');
  const toxicity = optionalNumber(input, 'toxicity') ?? current.toxicity;
  const attributes = parseAttributes(current.kind, input.attributes, current.attributes);
  return { ...current, toxicity, attributes };
}

function parseDirection(stream: string): Direction {
  const lower = stream.toLowerCase();
  if (lower === 'upstream' || lower === 'downstream') return lower;
  throw invalidStream();
}

function parseAttributes(kind: ToxicKind, raw: unknown, base: Attributes): Attributes {
  if (raw !== undefined && raw !== null && (typeof raw !== 'object' || Array.isArray(raw))) {
    throw badRequestBody(`attributes: expected an object, got ${describe(raw)}`);
  }
  const given = (raw ?? {}) as Record<string, unknown>;
  const attributes: Record<string, number> = {};
  for (const field of Object.keys(kind.defaults)) {
    const value = given[field];
    if (value === undefined || value === null) {
      attributes[field] = base[field] ?? 0;
    } else if (typeof value === 'number' && Number.isSafeInteger(value)) {
      attributes[field] = value;
    } else {
      throw badRequestBody(`attributes.${field}: expected an integer, got ${describe(value)}`);
    }
  }
  const problem = kind.validate(attributes);
  if (problem !== undefined) throw invalidAttribute(`${kind.type}: ${problem}`);
  return attributes;
}

function expectObject(body: unknown, goType: string): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw badRequestBody(`expected a JSON object (${goType}), got ${describe(body)}`);
  }
  return body as Record<string, unknown>;
}

function optionalString(input: Record<string, unknown>, field: string): string | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') {
    throw badRequestBody(`${field}: expected a string, got ${describe(value)}`);
  }
  return value;
}

function optionalNumber(input: Record<string, unknown>, field: string): number | undefined {
  const value = input[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw badRequestBody(`${field}: expected a number, got ${describe(value)}`);
  }
  return value;
}

/** A short description of a JSON value for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `string ${JSON.stringify(value.slice(0, 40))}`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${value}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}
