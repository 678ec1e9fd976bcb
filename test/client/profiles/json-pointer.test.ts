import { describe, expect, it } from 'vitest';
import {
  isJsonPointer,
  pointerTokens,
  readPointer,
  writePointer,
} from '../../../src/client/profiles/json-pointer.js';

describe('JSON pointers (RFC 6901)', () => {
  const doc = { foo: ['bar', 'baz'], '': 0, 'a/b': 1, 'm~n': 8, data: { id: 'x1', n: null } };

  it('reads the examples of §5', () => {
    expect(readPointer(doc, '')).toBe(doc);
    expect(readPointer(doc, '/foo')).toEqual(['bar', 'baz']);
    expect(readPointer(doc, '/foo/0')).toBe('bar');
    expect(readPointer(doc, '/')).toBe(0);
    expect(readPointer(doc, '/a~1b')).toBe(1);
    expect(readPointer(doc, '/m~0n')).toBe(8);
    expect(readPointer(doc, '/data/n')).toBeNull();
  });

  it('finds nothing where nothing is', () => {
    expect(readPointer(doc, '/missing')).toBeUndefined();
    expect(readPointer(doc, '/foo/01')).toBeUndefined();
    expect(readPointer(doc, '/foo/2')).toBeUndefined();
    expect(readPointer(doc, '/data/id/deeper')).toBeUndefined();
    expect(readPointer(doc, '/toString')).toBeUndefined();
    expect(readPointer(doc, 'data')).toBeUndefined();
  });

  it('tells pointers from other strings', () => {
    expect(isJsonPointer('')).toBe(true);
    expect(isJsonPointer('/a/b')).toBe(true);
    expect(isJsonPointer('a/b')).toBe(false);
    expect(isJsonPointer(3)).toBe(false);
    expect(pointerTokens('/a~01')).toEqual(['a~1']);
  });

  it('writes into a copy, creating objects on the way', () => {
    const frame = { type: 'ping' };
    expect(writePointer(frame, '/meta/id', 'p3')).toEqual({ type: 'ping', meta: { id: 'p3' } });
    expect(frame).toEqual({ type: 'ping' });
    expect(writePointer({ a: [1] }, '/a/0', 2)).toEqual({ a: [1] });
  });
});
