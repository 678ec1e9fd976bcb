// JSON pointers (RFC 6901) into parsed frames: read a value, write one into a copy.

/** Splits a pointer into reference tokens (§3), undoing `~1` and `~0` (§4). '' is the root. */
export function pointerTokens(pointer: string): string[] | undefined {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) return undefined;
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'));
}

/** True when `pointer` is a syntactically valid JSON pointer. */
export function isJsonPointer(pointer: unknown): pointer is string {
  return typeof pointer === 'string' && pointerTokens(pointer) !== undefined;
}

/** The value `pointer` refers to in `value`, or undefined when there is none. */
export function readPointer(value: unknown, pointer: string): unknown {
  const tokens = pointerTokens(pointer);
  if (tokens === undefined) return undefined;
  let current = value;
  for (const token of tokens) {
    if (Array.isArray(current)) {
      // §4: an array index is a non-negative decimal without leading zeros.
      if (!/^(0|[1-9][0-9]*)$/.test(token)) return undefined;
      current = current[Number(token)];
    } else if (typeof current === 'object' && current !== null && Object.hasOwn(current, token)) {
      current = (current as Record<string, unknown>)[token];
    } else {
      return undefined;
    }
  }
  return current;
}

/**
 * A copy of `object` with `value` written at `pointer`, creating objects on the way. Only object
 * members are written (a pointer through an array or a scalar leaves the copy unchanged).
 */
export function writePointer(
  object: Readonly<Record<string, unknown>>,
  pointer: string,
  value: unknown,
): Record<string, unknown> {
  const tokens = pointerTokens(pointer);
  const copy = structuredClone(object) as Record<string, unknown>;
  if (tokens === undefined || tokens.length === 0) return copy;
  let current: Record<string, unknown> = copy;
  for (const token of tokens.slice(0, -1)) {
    const next = Object.hasOwn(current, token) ? current[token] : undefined;
    if (!Object.hasOwn(current, token)) {
      const created: Record<string, unknown> = {};
      define(current, token, created);
      current = created;
    } else if (typeof next === 'object' && next !== null && !Array.isArray(next)) {
      current = next as Record<string, unknown>;
    } else {
      return copy;
    }
  }
  define(current, tokens[tokens.length - 1]!, value);
  return copy;
}

// An own data property whatever the key: `__proto__` names a member, not the prototype.
function define(object: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(object, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
