// Field readers shared by the message validators. Each returns the typed value or an error
// message that names the field, what was expected and what arrived.

/** A plain JSON object. */
export type JsonObject = Record<string, unknown>;

/** True for a non-null, non-array object. */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Describes a value for an error message without echoing large or secret content. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return value.length > 40 ? 'a long string' : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return `a value of type ${typeof value}`;
}

/** Result of reading one field. */
export type FieldResult<T> = { ok: true; value: T } | { ok: false; message: string };

const MAX_STRING = 4096;

/**
 * True when {@link readString} takes `value`: the check alone, for the parsers' fast paths
 * (no result objects for frames that are fine, which are nearly all of them).
 */
export function isString(value: unknown, max: number = MAX_STRING): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max;
}

/** True when {@link readSeq} takes `value`. */
export function isSeq(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** True when {@link readIsoDate} takes `value`. */
export function isIsoDate(value: unknown): value is string {
  return typeof value === 'string' && ISO_DATE.test(value) && !Number.isNaN(Date.parse(value));
}

/** Reads a non-empty string of at most `max` characters. */
export function readString(
  obj: JsonObject,
  field: string,
  max: number = MAX_STRING,
): FieldResult<string> {
  const value = obj[field];
  if (typeof value !== 'string' || value.length === 0) {
    return { ok: false, message: `${field}: expected a non-empty string, got ${describe(value)}` };
  }
  if (value.length > max) {
    return {
      ok: false,
      message: `${field}: expected at most ${max} characters, got ${value.length}`,
    };
  }
  return { ok: true, value };
}

/** Reads a non-negative safe integer. */
export function readSeq(obj: JsonObject, field: string): FieldResult<number> {
  const value = obj[field];
  if (!isSeq(value)) {
    return {
      ok: false,
      message: `${field}: expected a non-negative integer, got ${describe(value)}`,
    };
  }
  return { ok: true, value };
}

/** Reads a finite number. */
export function readNumber(obj: JsonObject, field: string): FieldResult<number> {
  const value = obj[field];
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    return { ok: false, message: `${field}: expected a finite number, got ${describe(value)}` };
  }
  return { ok: true, value };
}

/** Reads a boolean. */
export function readBoolean(obj: JsonObject, field: string): FieldResult<boolean> {
  const value = obj[field];
  if (typeof value !== 'boolean') {
    return { ok: false, message: `${field}: expected a boolean, got ${describe(value)}` };
  }
  return { ok: true, value };
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** Reads an ISO-8601 date-time string (with a zone) that names a real instant. */
export function readIsoDate(obj: JsonObject, field: string): FieldResult<string> {
  const value = obj[field];
  if (!isIsoDate(value)) {
    return {
      ok: false,
      message: `${field}: expected an ISO-8601 date-time such as 2026-01-01T00:00:00Z, got ${describe(value)}`,
    };
  }
  return { ok: true, value };
}

/** Reads one of a fixed set of strings. */
export function readEnum<T extends string>(
  obj: JsonObject,
  field: string,
  allowed: readonly T[],
): FieldResult<T> {
  const value = obj[field];
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    return {
      ok: false,
      message: `${field}: expected one of ${allowed.join(', ')}, got ${describe(value)}`,
    };
  }
  return { ok: true, value: value as T };
}
