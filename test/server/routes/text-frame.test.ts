import type { AddressInfo, Socket } from 'node:net';
import pino from 'pino';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { encodeMessage, type BreachAlertMessage } from '../../../src/protocol/index.js';
import { AlertWireFrames } from '../../../src/server/routes/alert-wire.js';
import { SocketLink } from '../../../src/server/routes/socket-link.js';
import { TextFrames, textFrame } from '../../../src/server/routes/text-frame.js';

// Texts across the three length encodings (7-bit, 16-bit, 64-bit) and their edges, in bytes:
// a multibyte character moves the byte length away from the character count.
const TEXTS = [
  '',
  'x',
  'a'.repeat(125),
  'a'.repeat(126),
  'a'.repeat(65_535),
  'a'.repeat(65_536),
  'é'.repeat(63), // 126 bytes
  '€'.repeat(21_846), // 65,538 bytes
  '{"type":"breach_alert","title":"line\u2028sep 🚨"}',
];

// Alerts framed byte by byte (the first two) and from their text (a user id JSON escapes).
const ALERTS: BreachAlertMessage[] = ['user-1', 'user-2', 'ü "quoted"'].map((userId, i) => ({
  type: 'breach_alert',
  seq: 41 + i,
  id: `00000000-0000-4000-8000-00000000000${i}`,
  userId,
  severity: 'HIGH',
  title: 'Breach 🚨',
  source: 'scanner',
  detectedAt: '2026-01-02T03:04:00.000Z',
  publishedAt: '2026-01-02T03:04:05.678Z',
}));

// ws's frame builder (not in its type declarations).
const { Sender } = createRequire(import.meta.url)('ws') as {
  Sender: { frame(data: Buffer, options: Record<string, unknown>): Buffer[] };
};

/** The frame ws's own sender builds for `text` on a server socket. */
function wsFrame(text: string): Buffer {
  const data = Buffer.from(text);
  const parts = Sender.frame(data, {
    fin: true,
    opcode: 1,
    mask: false,
    readOnly: false,
    rsv1: false,
  });
  return Buffer.concat(parts);
}

describe('textFrame', () => {
  it('builds the bytes ws builds for the same text, at every length encoding', () => {
    for (const text of TEXTS) expect(textFrame(text).equals(wsFrame(text))).toBe(true);
  });

  it('frames a text once for sockets handed it in turn, and each new text anew', () => {
    const frames = new TextFrames();
    const text = `{"seq":${1}}`;
    const first = frames.frame(text);
    expect(frames.frame(text)).toBe(first);
    const other = frames.frame('{"seq":2}');
    expect(other).not.toBe(first);
    expect(other.equals(wsFrame('{"seq":2}'))).toBe(true);
  });
});

describe('SocketLink.send over a real socket', () => {
  let wss: WebSocketServer | undefined;
  afterEach(async () => {
    await new Promise<void>((resolve) =>
      wss === undefined ? resolve() : wss.close(() => resolve()),
    );
    wss = undefined;
  });

  /**
   * A ws server whose sockets send through a SocketLink, and a ws client reading them: what the
   * client received, in order, after `script` ran on the server's socket.
   */
  async function exchange(
    perMessageDeflate: boolean,
    script: (link: SocketLink, socket: WebSocket) => void,
  ): Promise<{ texts: string[]; extensions: string; pings: number }> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate });
    wss = server;
    await new Promise<void>((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    let extensions = '';
    server.on('connection', (socket: WebSocket) => {
      const raw = (socket as unknown as { _socket: Socket })._socket;
      extensions = socket.extensions;
      const link = new SocketLink(
        socket,
        raw,
        pino({ level: 'silent' }),
        new Set(),
        new TextFrames(),
        new AlertWireFrames(),
      );
      script(link, socket);
    });
    const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate });
    const texts: string[] = [];
    let pings = 0;
    client.on('message', (data, isBinary) => {
      expect(isBinary).toBe(false);
      texts.push((data as Buffer).toString('utf8'));
    });
    client.on('ping', () => (pings += 1));
    const code = await new Promise<number>((resolve) => client.once('close', resolve));
    expect(code).toBe(1000);
    return { texts, extensions, pings };
  }

  it('writes its frames among ws’s own, in order, and the peer reads every text', async () => {
    const result = await exchange(false, (link, socket) => {
      for (const text of TEXTS.slice(0, 4)) link.send(text);
      socket.ping();
      socket.send('from ws');
      link.sendAlert(ALERTS[0]!);
      for (const text of TEXTS.slice(4)) link.send(text);
      link.send(TEXTS[8]!); // the same text again: the cached frame
      for (const alert of ALERTS) link.sendAlert(alert);
      link.close(1000, 'done');
      link.send('after close'); // not sent: the socket is closing
      link.sendAlert(ALERTS[1]!);
    });
    expect(result.extensions).toBe('');
    expect(result.pings).toBe(1);
    expect(result.texts).toEqual([
      ...TEXTS.slice(0, 4),
      'from ws',
      encodeMessage(ALERTS[0]!),
      ...TEXTS.slice(4),
      TEXTS[8],
      ...ALERTS.map(encodeMessage),
    ]);
  });

  it('leaves framing to ws when the socket negotiated permessage-deflate', async () => {
    const result = await exchange(true, (link) => {
      for (const text of TEXTS) link.send(text);
      for (const alert of ALERTS) link.sendAlert(alert);
      link.close(1000, 'done');
    });
    expect(result.extensions).toBe('permessage-deflate');
    expect(result.texts).toEqual([...TEXTS, ...ALERTS.map(encodeMessage)]);
  });
});
