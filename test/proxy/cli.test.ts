import { afterEach, describe, expect, it, vi } from 'vitest';
import { proxy } from '../../src/cli/proxy.js';

describe('stormwatch proxy', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('--help prints usage and returns 0', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    expect(await proxy(['--help'])).toBe(0);
    expect(String(write.mock.calls[0]?.[0])).toMatch(/^Usage: stormwatch proxy/);
  });

  it('rejects a bad port and a missing config file with one-line errors', async () => {
    await expect(proxy(['--port', 'http'])).rejects.toThrow(
      '--port: expected an integer within 0..65535, got "http"',
    );
    await expect(proxy(['--config', '/nonexistent/proxies.json'])).rejects.toThrow(
      '--config /nonexistent/proxies.json: cannot read file (ENOENT)',
    );
  });

  it('serves until SIGTERM, then closes and returns 0', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      process.nextTick(() => process.emit('SIGTERM', 'SIGTERM'));
      return true;
    });
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    expect(await proxy(['--port', '0'])).toBe(0);
    expect(lines.join('')).toMatch(/listening on http:\/\/127\.0\.0\.1:\d+/);
  });
});
