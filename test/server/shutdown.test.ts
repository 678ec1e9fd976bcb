import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CloseCode } from '../../src/protocol/index.js';
import { signToken } from '../../src/server/index.js';
import { openPeer } from '../helpers/ws-peer.js';
import { startServer, type TestServer } from '../helpers/server.js';

const isType = (type: string) => (m: Record<string, unknown>) => m.type === type;

describe('shutdown', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  const cases: Array<['restart' | 'going-away', number]> = [
    ['restart', CloseCode.SERVICE_RESTART],
    ['going-away', CloseCode.GOING_AWAY],
  ];
  for (const [mode, code] of cases) {
    it(`closes every socket with ${code} on a ${mode} shutdown and stops accepting`, async () => {
      server = await startServer();
      const a = await openPeer(server.wsUrl('alice'), { token: await server.token('alice') });
      const b = await openPeer(server.wsUrl('bob'), { token: await server.token('bob') });
      await Promise.all([a.next(isType('hello')), b.next(isType('hello'))]);
      await server.app.alertServer.shutdown(mode);
      expect((await a.closed).code).toBe(code);
      expect((await b.closed).code).toBe(code);
      await expect(fetch(`${server.httpUrl}/healthz`)).rejects.toThrow();
    });
  }

  it('drops sockets without a close frame on a kill shutdown (1006 at the client)', async () => {
    server = await startServer();
    const peer = await openPeer(server.wsUrl('alice'), { token: await server.token('alice') });
    await peer.next(isType('hello'));
    await server.app.alertServer.shutdown('kill');
    expect((await peer.closed).code).toBe(1006);
  });

  it('does not wait past the grace period for a peer that never answers the close frame', async () => {
    server = await startServer({ shutdownGraceMs: 200 });
    const peer = await openPeer(server.wsUrl('alice'), { token: await server.token('alice') });
    await peer.next(isType('hello'));
    // Stop reading: the close frame is never answered.
    (peer.socket as unknown as { _socket: { pause(): void } })._socket.pause();
    const started = performance.now();
    await server.app.alertServer.shutdown('going-away');
    expect(performance.now() - started).toBeLessThan(3000);
    peer.socket.terminate();
  });
});

describe('stormwatch serve', () => {
  it('exits 0 on SIGTERM after closing sockets with 1012', async () => {
    const bin = fileURLToPath(new URL('../../bin/stormwatch', import.meta.url));
    const secret = 'serve-test-secret';
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], {
      env: { ...process.env, STORMWATCH_JWT_SECRET: secret, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      while (!/listening on (http:\/\/\S+)/.test(out)) {
        await once(child.stdout, 'data');
      }
      const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
      const token = await signToken({ sub: 'alice' }, secret);
      const peer = await openPeer(`${url.replace('http', 'ws')}/ws/breach-alerts/alice`, { token });
      await peer.next(isType('hello'));
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      expect((await peer.closed).code).toBe(CloseCode.SERVICE_RESTART);
      const [code] = await exited;
      expect(code).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('prints its banner before any log line, and logs where it listens after', async () => {
    const bin = fileURLToPath(new URL('../../bin/stormwatch', import.meta.url));
    const child = spawn(process.execPath, [bin, 'serve', '--port', '0'], {
      env: { ...process.env, STORMWATCH_JWT_SECRET: 'serve-test-secret', LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      while (!/"msg":"listening"/.test(out)) await once(child.stdout, 'data');
      const lines = out.split('\n');
      expect(lines[0]).toMatch(/^stormwatch alert server listening on http:\/\/127\.0\.0\.1:\d+$/);
      expect(out).not.toContain('Server listening at');
      const logged = JSON.parse(lines.find((line) => line.includes('"msg":"listening"'))!) as {
        address: string;
      };
      expect(lines[0]).toBe(`stormwatch alert server listening on ${logged.address}`);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('rejects an unknown flag with a one-line error and exit code 1', async () => {
    const bin = fileURLToPath(new URL('../../bin/stormwatch', import.meta.url));
    const child = spawn(process.execPath, [bin, 'serve', '--prot', '80'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    const [code] = await once(child, 'exit');
    expect(code).toBe(1);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/--prot/);
  });

  it('scales its timings with --time-scale and advertises the heartbeat it was given', async () => {
    const bin = fileURLToPath(new URL('../../bin/stormwatch', import.meta.url));
    const secret = 'serve-test-secret';
    const child = spawn(
      process.execPath,
      [bin, 'serve', '--port', '0', '--time-scale', '0.1', '--ping-interval', '20000'],
      {
        env: { ...process.env, STORMWATCH_JWT_SECRET: secret, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      while (!/listening on (http:\/\/\S+)/.test(out)) {
        await once(child.stdout, 'data');
      }
      const url = /listening on (http:\/\/\S+)/.exec(out)![1]!;
      const token = await signToken({ sub: 'alice' }, secret);
      const peer = await openPeer(`${url.replace('http', 'ws')}/ws/breach-alerts/alice`, { token });
      const hello = await peer.next<{ heartbeat: unknown }>(isType('hello'));
      expect(hello.heartbeat).toEqual({ intervalMs: 2000, timeoutMs: 1000 });
      await peer.close();
    } finally {
      child.kill('SIGKILL');
    }
  });

  for (const [args, message] of [
    [['--time-scale', '0'], /--time-scale: expected a number within 0\.001\.\.100, got "0"/],
    [['--key-prefix', 'p:'], /--key-prefix: only with a Redis broker/],
    [['--broker', 'redis://127.0.0.1:1', '--key-prefix', 'a b'], /--key-prefix: expected 1-200/],
    [
      ['--ping-interval', 'soon'],
      /--ping-interval: expected an integer within \d+\.\.\d+, got "soon"; see stormwatch serve --help$/m,
    ],
  ] as const) {
    it(`refuses ${args.join(' ')} with one line`, async () => {
      const bin = fileURLToPath(new URL('../../bin/stormwatch', import.meta.url));
      const child = spawn(process.execPath, [bin, 'serve', '--port', '0', ...args], {
        env: { ...process.env, STORMWATCH_JWT_SECRET: 'x' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let err = '';
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      const [code] = await once(child, 'exit');
      expect(code).not.toBe(0);
      expect(err.trim().split('\n')).toHaveLength(1);
      expect(err).toMatch(message);
    });
  }
});
