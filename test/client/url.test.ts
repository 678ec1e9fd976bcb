import { describe, expect, it } from 'vitest';
import { buildEndpointUrl, ClientErrorCode } from '../../src/client/index.js';

describe('buildEndpointUrl', () => {
  it.each([
    ['ws://127.0.0.1:8080', 'ws://127.0.0.1:8080/ws/breach-alerts/alice'],
    ['ws://127.0.0.1:8080/', 'ws://127.0.0.1:8080/ws/breach-alerts/alice'],
    ['wss://alerts.example.com/api/', 'wss://alerts.example.com/api/ws/breach-alerts/alice'],
    ['http://localhost:3000', 'ws://localhost:3000/ws/breach-alerts/alice'],
    ['https://localhost', 'wss://localhost/ws/breach-alerts/alice'],
    ['ws://h/ws/breach-alerts/alice', 'ws://h/ws/breach-alerts/alice'],
    ['ws://h:1/?region=eu', 'ws://h:1/ws/breach-alerts/alice?region=eu'],
  ])('%s → %s', (base, expected) => {
    expect(buildEndpointUrl(base, 'alice')).toBe(expected);
  });

  it('encodes the user id', () => {
    expect(buildEndpointUrl('ws://h', 'a b/c')).toBe('ws://h/ws/breach-alerts/a%20b%2Fc');
  });

  it.each(['not a url', 'ftp://h', '/relative'])('rejects %s', (base) => {
    expect(() => buildEndpointUrl(base, 'alice')).toThrow(
      expect.objectContaining({ code: ClientErrorCode.INVALID_OPTIONS }),
    );
  });
});
