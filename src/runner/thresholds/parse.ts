import { quoteInput } from '../scenario/reader.js';
import type { Aggregation } from './catalog.js';

/** Comparison operators of k6 threshold expressions. */
export type Operator = '<' | '<=' | '>' | '>=' | '==' | '!=';

/** A parsed expression such as `p(95)<0.1`. */
export interface ThresholdExpression {
  source: string;
  aggregation: Aggregation;
  operator: Operator;
  value: number;
}

const EXPRESSION =
  /^\s*(avg|min|max|med|count|rate|value|p\(\s*(\d+(?:\.\d+)?)\s*\))\s*(<=|>=|===|==|!=|<|>)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;

/**
 * Parses a k6 threshold expression. Returns the expression or an error message saying what
 * was expected.
 */
export function parseThresholdExpression(
  source: string,
): { ok: true; value: ThresholdExpression } | { ok: false; message: string } {
  const match = EXPRESSION.exec(source);
  if (match === null) {
    return {
      ok: false,
      message: `expected "<aggregation><operator><number>" such as "p(95)<0.1" or "rate>0.95", got ${quoteInput(source)}`,
    };
  }
  const name = match[1]!.toLowerCase();
  let aggregation: Aggregation;
  if (name.startsWith('p(')) {
    const percentile = Number(match[2]);
    if (percentile < 0 || percentile > 100) {
      return { ok: false, message: `percentile must be within 0..100, got ${percentile}` };
    }
    aggregation = { kind: 'p', percentile };
  } else {
    aggregation = { kind: name as Exclude<Aggregation['kind'], 'p'> };
  }
  const rawOperator = match[3]!;
  const operator = (rawOperator === '===' ? '==' : rawOperator) as Operator;
  return {
    ok: true,
    value: { source: source.trim(), aggregation, operator, value: Number(match[4]) },
  };
}

/** Applies `operator` to `actual` and `expected`. */
export function compare(actual: number, operator: Operator, expected: number): boolean {
  switch (operator) {
    case '<':
      return actual < expected;
    case '<=':
      return actual <= expected;
    case '>':
      return actual > expected;
    case '>=':
      return actual >= expected;
    case '==':
      return actual === expected;
    case '!=':
      return actual !== expected;
  }
}

/** Names an aggregation as written: `p(95)`, `avg`. */
export function aggregationName(aggregation: Aggregation): string {
  return aggregation.kind === 'p' ? `p(${aggregation.percentile})` : aggregation.kind;
}
