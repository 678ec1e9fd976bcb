import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SUBPROTOCOL } from '../../src/protocol/index.js';
import { MetricName } from '../../src/metrics/index.js';
import { openPeer } from '../helpers/ws-peer.js';
import { startServer } from '../helpers/server.js';

const isType = (type: string) => (m: Record<string, unknown>) => m.type === type;

describe('logs', () => {
  it('never writes a token, whichever way it arrived, and logs each open and close', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const server = await startServer({ logger: { level: 'debug', stream } });
    try {
      const token = await server.token('alice');
      const viaHeader = await openPeer(server.wsUrl('alice'), { token });
      const viaProtocol = await openPeer(server.wsUrl('alice'), {
        protocols: [SUBPROTOCOL, `bearer.${token}`],
      });
      const viaQuery = await openPeer(`${server.wsUrl('alice')}?token=${token}`);
      for (const peer of [viaHeader, viaProtocol, viaQuery]) {
        await peer.next(isType('hello'));
        await peer.close();
      }
      // A refused upgrade and a bad API call log too.
      await fetch(`${server.httpUrl}/api/alerts?token=${token}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}` },
      });
      await fetch(`${server.httpUrl}/nowhere?token=${token}`);
    } finally {
      await server.close();
    }
    const log = lines.join('\n');
    const signature = (await import('../helpers/server.js')).SECRET;
    expect(log).not.toContain(signature);
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect(line).not.toMatch(/eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/);
    }
    const events = lines.map(
      (line) => JSON.parse(line) as { event?: string; reason?: string; durationMs?: number },
    );
    expect(events.filter((e) => e.event === 'ws_open')).toHaveLength(3);
    const closes = events.filter((e) => e.event === 'ws_close');
    expect(closes).toHaveLength(3);
    for (const close of closes) {
      expect(close.reason).toBe('client_close');
      expect(typeof close.durationMs).toBe('number');
    }
  });
});

describe('/metrics', () => {
  it('exports every alert_server_* metric and the process defaults', async () => {
    const server = await startServer({ defaultMetrics: true });
    try {
      const peer = await openPeer(server.wsUrl('alice'), { token: await server.token('alice') });
      await peer.next(isType('hello'));
      peer.send({ type: 'ping', id: '1' });
      await peer.next(isType('pong'));
      await server.publish('alice');
      await peer.close();
      const response = await fetch(`${server.httpUrl}/metrics`);
      expect(response.headers.get('content-type')).toMatch(/text\/plain/);
      const text = await response.text();
      const serverNames = Object.entries(MetricName)
        .filter(([key]) => key.startsWith('server'))
        .map(([, name]) => name);
      expect(serverNames).toHaveLength(12);
      for (const name of serverNames) expect(text).toContain(`# TYPE ${name}`);
      expect(text).toMatch(/^alert_server_ws_connections 0$/m);
      expect(text).toMatch(/^alert_server_ws_connections_opened_total 1$/m);
      expect(text).toMatch(/^alert_server_pings_total 1$/m);
      expect(text).toMatch(/^alert_server_alerts_published_total\{severity="HIGH"\} 1$/m);
      expect(text).toMatch(/^alert_server_ws_disconnections_total\{reason="client_close"\} 1$/m);
      expect(text).toContain('process_resident_memory_bytes');
      expect(text).toContain('nodejs_eventloop_lag_seconds');
    } finally {
      await server.close();
    }
  });
});

describe('a frame over the size limit', () => {
  it('is logged and counted as 1009 (too_big), not 1006', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _encoding, done) {
        lines.push(...chunk.toString().split('\n').filter(Boolean));
        done();
      },
    });
    const server = await startServer({ logger: { level: 'info', stream } });
    try {
      const peer = await openPeer(server.wsUrl('alice'), { token: await server.token('alice') });
      await peer.next(isType('hello'));
      peer.send({ type: 'ping', id: 'x'.repeat(17 * 1024) });
      expect((await peer.closed).code).toBe(1009);
      const text = await (await fetch(`${server.httpUrl}/metrics`)).text();
      expect(text).toMatch(/^alert_server_ws_closes_total\{code="1009"\} 1$/m);
      expect(text).not.toMatch(/^alert_server_ws_closes_total\{code="1006"\}/m);
      expect(text).toMatch(/^alert_server_ws_disconnections_total\{reason="too_big"\} 1$/m);
    } finally {
      await server.close();
    }
    const closes = lines
      .map((line) => JSON.parse(line) as { event?: string; code?: number; reason?: string })
      .filter((e) => e.event === 'ws_close');
    expect(closes).toEqual([expect.objectContaining({ code: 1009, reason: 'too_big' })]);
  });
});
