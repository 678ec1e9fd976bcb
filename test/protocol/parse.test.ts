import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  parseAlertInput,
  parseClientMessage,
  parseRetryAfterReason,
  parseServerMessage,
  isTerminalCloseCode,
  CloseCode,
} from '../../src/protocol/index.js';

describe('parseClientMessage', () => {
  it('accepts every client message of the protocol table', () => {
    expect(parseClientMessage('{"type":"ping","id":"p1"}')).toEqual({
      ok: true,
      value: { type: 'ping', id: 'p1' },
    });
    expect(parseClientMessage('{"type":"resume","lastSeq":7,"epoch":"e1"}')).toEqual({
      ok: true,
      value: { type: 'resume', lastSeq: 7, epoch: 'e1' },
    });
    expect(parseClientMessage('{"type":"ack","seq":3}')).toEqual({
      ok: true,
      value: { type: 'ack', seq: 3 },
    });
  });

  it('drops fields the protocol does not define', () => {
    expect(parseClientMessage('{"type":"ping","id":"p","extra":1}')).toEqual({
      ok: true,
      value: { type: 'ping', id: 'p' },
    });
  });

  const bad: Array<[string, unknown, string, RegExp]> = [
    ['binary', new Uint8Array([1]), 'PROTO_BINARY_FRAME', /binary/],
    ['bad JSON', '{', 'PROTO_MALFORMED_JSON', /invalid JSON/],
    ['null', 'null', 'PROTO_NOT_A_MESSAGE', /got null/],
    ['no type', '{"id":"x"}', 'PROTO_NOT_A_MESSAGE', /string "type"/],
    ['unknown type', '{"type":"hello"}', 'PROTO_UNKNOWN_TYPE', /got "hello"/],
    [
      'ping without id',
      '{"type":"ping"}',
      'PROTO_INVALID_FIELD',
      /ping\.id: expected a non-empty string, got a value of type undefined/,
    ],
    [
      'fractional seq',
      '{"type":"ack","seq":1.5}',
      'PROTO_INVALID_FIELD',
      /ack\.seq: expected a non-negative integer, got 1\.5/,
    ],
    ['string seq', '{"type":"resume","lastSeq":"3","epoch":"e"}', 'PROTO_INVALID_FIELD', /lastSeq/],
    [
      'huge id',
      JSON.stringify({ type: 'ping', id: 'x'.repeat(200) }),
      'PROTO_INVALID_FIELD',
      /at most 128/,
    ],
  ];
  for (const [name, data, code, message] of bad) {
    it(`returns ${code} for ${name} without throwing`, () => {
      const result = parseClientMessage(data);
      expect(result.ok).toBe(false);
      if (!result.ok) {
        expect(result.error.code).toBe(code);
        expect(result.error.message).toMatch(message);
      }
    });
  }
});

describe('parseServerMessage', () => {
  it('accepts every server message of the protocol table', () => {
    const frames = [
      {
        type: 'hello',
        connectionId: 'c',
        epoch: 'e',
        serverTime: 1,
        heartbeat: { intervalMs: 30000, timeoutMs: 10000 },
      },
      { type: 'pong', id: 'p', timestamp: '2026-01-01T00:00:00.000Z', serverTime: 1767225600000 },
      { type: 'resumed', replayed: 2, gap: true, missed: 3 },
      {
        type: 'breach_alert',
        seq: 1,
        id: 'a',
        userId: 'u',
        severity: 'CRITICAL',
        title: 't',
        source: 's',
        detectedAt: '2026-01-01T00:00:00Z',
        publishedAt: '2026-01-01T00:00:01.123Z',
      },
      { type: 'error', code: 'PROTO_X', message: 'm' },
    ];
    for (const frame of frames)
      expect(parseServerMessage(JSON.stringify(frame))).toEqual({ ok: true, value: frame });
  });

  it('rejects an alert with seq 0, a bad severity or a bad date', () => {
    const base = {
      type: 'breach_alert',
      seq: 1,
      id: 'a',
      userId: 'u',
      severity: 'LOW',
      title: 't',
      source: 's',
      detectedAt: '2026-01-01T00:00:00Z',
      publishedAt: '2026-01-01T00:00:00Z',
    };
    expect(parseServerMessage(JSON.stringify({ ...base, seq: 0 })).ok).toBe(false);
    expect(parseServerMessage(JSON.stringify({ ...base, severity: 'low' })).ok).toBe(false);
    expect(
      parseServerMessage(JSON.stringify({ ...base, publishedAt: '2026-13-45T00:00:00Z' })).ok,
    ).toBe(false);
    expect(
      parseServerMessage(
        JSON.stringify({
          type: 'hello',
          connectionId: 'c',
          epoch: 'e',
          serverTime: 1,
          heartbeat: 5,
        }),
      ).ok,
    ).toBe(false);
  });
});

describe('parseAlertInput', () => {
  it('fills detectedAt with the given time when absent', () => {
    expect(
      parseAlertInput(
        { userId: 'u', severity: 'HIGH', title: 't', source: 's' },
        '2026-02-02T00:00:00.000Z',
      ),
    ).toEqual({
      ok: true,
      value: {
        userId: 'u',
        severity: 'HIGH',
        title: 't',
        source: 's',
        detectedAt: '2026-02-02T00:00:00.000Z',
      },
    });
  });

  it('refuses unknown fields, naming them, and quotes at most a few of them', () => {
    const valid = { userId: 'u', severity: 'HIGH', title: 't', source: 's' };
    expect(parseAlertInput({ ...valid, priority: 1 }, '2026-02-02T00:00:00.000Z')).toEqual({
      ok: false,
      error: {
        code: 'PROTO_UNKNOWN_FIELD',
        message:
          'alert: unknown field "priority"; expected only userId, severity, title, source, detectedAt',
      },
    });
    const many = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`f${i}`, i]));
    const result = parseAlertInput({ ...valid, ...many }, '2026-02-02T00:00:00.000Z');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.message).toMatch(
        /^alert: unknown fields "f0", "f1", "f2", "f3", "f4" and 45 more; expected only /,
      );
    }
  });
});

describe('close codes', () => {
  it('reads retryAfterMs from a 1013 reason and ignores anything else', () => {
    expect(parseRetryAfterReason('{"retryAfterMs":2500}')).toBe(2500);
    expect(parseRetryAfterReason('')).toBeUndefined();
    expect(parseRetryAfterReason('later')).toBeUndefined();
    expect(parseRetryAfterReason('{"retryAfterMs":-1}')).toBeUndefined();
  });
  it('treats only 4403 as terminal', () => {
    expect(isTerminalCloseCode(CloseCode.FORBIDDEN)).toBe(true);
    expect(isTerminalCloseCode(CloseCode.SERVICE_RESTART)).toBe(false);
  });
});

// Each field valid or not, in every combination: a frame whose fields are all valid parses to
// exactly those fields in the protocol's order; otherwise the error names the first bad field.
describe('parsing every mix of valid and invalid fields', () => {
  const variants = (valid: unknown[], invalid: unknown[]) =>
    fc.oneof(
      fc.constantFrom(...valid).map((value) => ({ ok: true, value })),
      fc.constantFrom(...invalid).map((value) => ({ ok: false, value })),
    );
  const date = ['2026-01-01T00:00:00Z', '2026-12-05T08:00:00.123Z', '2026-01-01T01:00:00+01:00'];
  const badDate = ['2026-13-45T00:00:00Z', '2026-01-01', 1767225600000, '', undefined];
  const text = (max: number) => ['a', 'x'.repeat(max), 'é🚨"\\\u2028'];
  const badText = (max: number) => ['', 'x'.repeat(max + 1), 7, null, undefined];

  function check(
    parse: (data: string) => { ok: boolean; value?: unknown; error?: { message: string } },
    type: string,
    fields: Record<string, { ok: boolean; value: unknown }>,
    kind = type,
  ): void {
    const frame: Record<string, unknown> = { type };
    for (const [name, field] of Object.entries(fields)) {
      if (field.value !== undefined) frame[name] = field.value;
    }
    const result = parse(JSON.stringify(frame));
    const firstBad = Object.keys(fields).find((name) => !fields[name]!.ok);
    if (firstBad === undefined) {
      expect(result).toEqual({ ok: true, value: frame });
      expect(Object.keys(result.value as object)).toEqual(['type', ...Object.keys(fields)]);
    } else {
      expect(result.ok).toBe(false);
      expect(result.error?.message).toMatch(new RegExp(`^${kind}\\.${firstBad}: `));
    }
  }

  it('breach_alert', () => {
    fc.assert(
      fc.property(
        fc.record({
          seq: variants([1, 2, 9_007_199_254_740_991], [0, -1, 1.5, '3', 2 ** 53]),
          id: variants(text(128), badText(128)),
          userId: variants(text(128), badText(128)),
          severity: variants(['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'], ['low', 'SEVERE', 3]),
          title: variants(text(500), badText(500)),
          source: variants(text(200), badText(200)),
          detectedAt: variants(date, badDate),
          publishedAt: variants(date, badDate),
        }),
        (fields) => check(parseServerMessage, 'breach_alert', fields),
      ),
      { numRuns: 500 },
    );
  });

  it('pong, ping and ack', () => {
    fc.assert(
      fc.property(
        fc.record({
          id: variants(text(128), badText(128)),
          timestamp: variants(date, badDate),
          serverTime: variants([0, 1767225600000, 1.5], ['1', null]),
        }),
        (fields) => check(parseServerMessage, 'pong', fields),
      ),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.record({ id: variants(text(128), badText(128)) }), (fields) =>
        check(parseClientMessage, 'ping', fields),
      ),
    );
    fc.assert(
      fc.property(
        fc.record({ seq: variants([0, 1, 2 ** 53 - 1], [-1, 1.5, '3', 2 ** 53]) }),
        (fields) => check(parseClientMessage, 'ack', fields),
      ),
    );
  });
});
