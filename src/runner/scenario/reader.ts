import { MAX_SCENARIO_DURATION_MS, parseDuration } from '../duration.js';

/** A path into the scenario document: keys and indexes. */
export type Path = ReadonlyArray<string | number>;

/** One problem found in a scenario, at a path. */
export interface Issue {
  path: Path;
  message: string;
}

/** Formats a path as `method[2].latency`. */
export function formatPath(path: Path): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`))
    .join('');
}

/** The most characters of a scenario's own text an error quotes. */
const MAX_QUOTED = 100;

/**
 * `value` as JSON for an error message, cut to 100 characters: a garbage file must not come
 * back as a line as long as itself.
 */
export function quoteInput(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > MAX_QUOTED
    ? `${text.slice(0, MAX_QUOTED)}… (${text.length} characters)`
    : text;
}

const describe = (value: unknown): string => {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  return quoteInput(value);
};

/**
 * Reads typed fields out of parsed YAML, recording an {@link Issue} (with the path) for each
 * field that is missing, mistyped or out of range, and returning a fallback so reading goes on
 * and every problem is reported at once.
 */
export class Reader {
  readonly issues: Issue[] = [];
  readonly #variables: Record<string, number>;

  constructor(variables: Record<string, number> = {}) {
    this.#variables = variables;
  }

  issue(path: Path, message: string): void {
    this.issues.push({ path, message });
  }

  /** The mapping at `path`, or undefined (with an issue when present but not a mapping). */
  mapping(value: unknown, path: Path, required = false): Record<string, unknown> | undefined {
    if (value === undefined || value === null) {
      if (required) this.issue(path, 'is required');
      return undefined;
    }
    if (typeof value !== 'object' || Array.isArray(value)) {
      this.issue(path, `expected a mapping, got ${describe(value)}`);
      return undefined;
    }
    return value as Record<string, unknown>;
  }

  /** The list at `path` (empty when absent). */
  list(value: unknown, path: Path, required = false): unknown[] {
    if (value === undefined || value === null) {
      if (required) this.issue(path, 'is required');
      return [];
    }
    if (!Array.isArray(value)) {
      this.issue(path, `expected a list, got ${describe(value)}`);
      return [];
    }
    return value;
  }

  /** Reports keys of `obj` that are not in `known` (typos must not pass silently). */
  onlyKeys(obj: Record<string, unknown>, path: Path, known: readonly string[]): void {
    for (const key of Object.keys(obj)) {
      if (!known.includes(key)) {
        this.issue([...path, key], `unknown field (expected one of ${known.join(', ')})`);
      }
    }
  }

  string(value: unknown, path: Path, required: true): string;
  string(value: unknown, path: Path, required?: false): string | undefined;
  string(value: unknown, path: Path, required = false): string | undefined {
    if (value === undefined || value === null) {
      if (required) this.issue(path, 'is required');
      return required ? '' : undefined;
    }
    if (typeof value !== 'string' || value === '') {
      this.issue(path, `expected a non-empty string, got ${describe(value)}`);
      return required ? '' : undefined;
    }
    return value;
  }

  boolean(value: unknown, path: Path, fallback: boolean): boolean {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'boolean') {
      this.issue(path, `expected true or false, got ${describe(value)}`);
      return fallback;
    }
    return value;
  }

  /** `text` with every `$clients`-style variable replaced by its value; unknown ones reported. */
  substitute(text: string, path: Path): string {
    return text.replace(/\$([A-Za-z_]\w*)/g, (whole, name: string) => {
      const value = this.#variables[name];
      if (value !== undefined) return String(value);
      this.issue(
        path,
        `unknown variable ${whole} (expected ${Object.keys(this.#variables)
          .map((k) => `$${k}`)
          .join(', ')})`,
      );
      return whole;
    });
  }

  /** A number within [min, max]; `$clients`-style variables are resolved. */
  number(
    value: unknown,
    path: Path,
    options: { min?: number; max?: number; integer?: boolean; fallback?: number } = {},
  ): number | undefined {
    if (value === undefined || value === null) return options.fallback;
    let n: number | undefined;
    if (typeof value === 'number') n = value;
    else if (typeof value === 'string' && value.startsWith('$')) {
      n = this.#variables[value.slice(1)];
      if (n === undefined) {
        this.issue(
          path,
          `unknown variable ${value} (expected ${Object.keys(this.#variables)
            .map((k) => `$${k}`)
            .join(', ')})`,
        );
        return options.fallback;
      }
    }
    if (n === undefined || !Number.isFinite(n)) {
      this.issue(path, `expected a number, got ${describe(value)}`);
      return options.fallback;
    }
    if (options.integer === true && !Number.isInteger(n)) {
      this.issue(path, `expected a whole number, got ${n}`);
      return options.fallback;
    }
    const { min = -Infinity, max = Infinity } = options;
    if (n < min || n > max) {
      this.issue(
        path,
        `expected ${Number.isFinite(max) ? `${min}..${max}` : `at least ${min}`}, got ${n}`,
      );
      return options.fallback;
    }
    return n;
  }

  /** A duration such as "10s" or "1m30s", in ms; at most {@link MAX_SCENARIO_DURATION_MS}. */
  duration(
    value: unknown,
    path: Path,
    options: { required?: boolean; min?: number; fallback?: number } = {},
  ): number | undefined {
    if (value === undefined || value === null) {
      if (options.required === true) this.issue(path, 'is required (a duration such as "10s")');
      return options.fallback;
    }
    const ms = typeof value === 'string' ? parseDuration(value) : undefined;
    if (ms === undefined) {
      this.issue(
        path,
        `expected a duration such as "500ms", "10s" or "1m30s", got ${describe(value)}`,
      );
      return options.fallback;
    }
    if (options.min !== undefined && ms < options.min) {
      this.issue(path, `expected at least ${options.min} ms, got ${ms} ms`);
      return options.fallback;
    }
    if (ms > MAX_SCENARIO_DURATION_MS) {
      this.issue(path, `expected a duration of at most 7d, got ${describe(value)}`);
      return options.fallback;
    }
    return ms;
  }

  /** One of `allowed`. */
  oneOf<T extends string>(value: unknown, path: Path, allowed: readonly T[], fallback: T): T {
    if (value === undefined || value === null) return fallback;
    if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
      this.issue(path, `expected one of ${allowed.join(', ')}, got ${describe(value)}`);
      return fallback;
    }
    return value as T;
  }
}
