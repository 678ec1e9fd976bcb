import { describe, expect, it } from 'vitest';
import {
  createBrowserTransport,
  type CloseInfo,
  type WebSocketLike,
} from '../../../src/client/index.js';

class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];
  readyState = 0;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code: number; reason: string; wasClean: boolean }) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;
  readonly sent: string[] = [];
  closedWith: [number | undefined, string | undefined] | undefined;

  constructor(
    readonly url: string,
    readonly protocols?: string[],
  ) {
    if (url === 'bad') throw new SyntaxError('invalid url');
    FakeWebSocket.instances.push(this);
  }

  send(data: string): void {
    this.sent.push(data);
  }

  close(code?: number, reason?: string): void {
    this.closedWith = [code, reason];
  }
}

function open(url: string, token: string | undefined) {
  const transport = createBrowserTransport({ WebSocket: FakeWebSocket });
  const log: string[] = [];
  const closes: CloseInfo[] = [];
  const socket = transport.open(
    { url, token },
    {
      onOpen: () => log.push('open'),
      onMessage: (data) => log.push(`message:${String(data)}`),
      onClose: (info) => closes.push(info),
    },
  );
  return { socket, log, closes, ws: FakeWebSocket.instances.at(-1)! };
}

describe('createBrowserTransport', () => {
  it('carries the token as subprotocols ["stormwatch.v1", "bearer.<jwt>"]', () => {
    const { ws } = open('ws://h/ws/breach-alerts/alice', 'a.b.c');
    expect(ws.protocols).toEqual(['stormwatch.v1', 'bearer.a.b.c']);
    expect(open('ws://h', undefined).ws.protocols).toEqual(['stormwatch.v1']);
  });

  it('maps WebSocket events to handlers and reports close once', () => {
    const { socket, log, closes, ws } = open('ws://h', 't');
    socket.send('early'); // not open yet: dropped
    ws.readyState = 1;
    ws.onopen?.({});
    socket.send('hello');
    ws.onmessage?.({ data: '{"type":"x"}' });
    ws.onerror?.({});
    ws.onclose?.({ code: 1006, reason: '', wasClean: false });
    ws.onclose?.({ code: 1006, reason: '', wasClean: false });
    expect(ws.sent).toEqual(['hello']);
    expect(log).toEqual(['open', 'message:{"type":"x"}']);
    expect(closes).toEqual([{ code: 1006, reason: '', wasClean: false }]);
    socket.close(4000, 'heartbeat timeout');
    expect(ws.closedWith).toEqual([4000, 'heartbeat timeout']);
  });

  it('reports a constructor failure as close 1006 instead of throwing', () => {
    const { closes } = open('bad', undefined);
    expect(closes).toEqual([{ code: 1006, reason: 'invalid url', wasClean: false }]);
  });

  it('throws CLIENT_INVALID_OPTIONS without any WebSocket implementation', () => {
    expect(() => createBrowserTransport()).toThrow(/no global WebSocket/);
  });
});
