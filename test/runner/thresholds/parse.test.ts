import { describe, expect, it } from 'vitest';
import { compare, parseThresholdExpression } from '../../../src/runner/thresholds/parse.js';

describe('k6 threshold expressions', () => {
  it.each([
    ['avg<5', { kind: 'avg' }, '<', 5],
    ['p(95) < 0.1', { kind: 'p', percentile: 95 }, '<', 0.1],
    ['p(99.9)<=1000', { kind: 'p', percentile: 99.9 }, '<=', 1000],
    ['rate>0.95', { kind: 'rate' }, '>', 0.95],
    ['count==0', { kind: 'count' }, '==', 0],
    ['count===0', { kind: 'count' }, '==', 0],
    ['value>=0.99', { kind: 'value' }, '>=', 0.99],
    ['med!=3', { kind: 'med' }, '!=', 3],
    ['max>1e3', { kind: 'max' }, '>', 1000],
  ])('parses %s', (source, aggregation, operator, value) => {
    expect(parseThresholdExpression(source)).toEqual({
      ok: true,
      value: { source: source.trim(), aggregation, operator, value },
    });
  });

  it.each(['avg', 'avg<', 'p95<1', 'p(101)<1', 'mean<3', 'avg<<3', 'avg<five'])(
    'refuses %s',
    (source) => {
      expect(parseThresholdExpression(source).ok).toBe(false);
    },
  );

  it('compares with every operator', () => {
    expect([
      compare(1, '<', 2),
      compare(2, '<=', 2),
      compare(3, '>', 2),
      compare(2, '>=', 2),
      compare(2, '==', 2),
      compare(1, '!=', 2),
    ]).toEqual([true, true, true, true, true, true]);
    expect([
      compare(2, '<', 2),
      compare(3, '<=', 2),
      compare(2, '>', 2),
      compare(1, '>=', 2),
      compare(1, '==', 2),
      compare(2, '!=', 2),
    ]).toEqual([false, false, false, false, false, false]);
  });
});
