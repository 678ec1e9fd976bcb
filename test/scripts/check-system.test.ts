import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SCRIPT = join(dirname(new URL(import.meta.url).pathname), '../../scripts/check-system.js');

describe('scripts/check-system.js (run first by npm test)', () => {
  it('passes on this machine, where every system package is installed', () => {
    const result = spawnSync(process.execPath, [SCRIPT, '--check'], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('stops at once with the one apt-get command when packages are missing', () => {
    // A PATH with nothing on it but sh: no chromium, promtool, redis-server or amtool.
    const bin = mkdtempSync(join(tmpdir(), 'stormwatch-path-'));
    try {
      symlinkSync('/bin/sh', join(bin, 'sh'));
      const result = spawnSync(process.execPath, [SCRIPT, '--check'], {
        encoding: 'utf8',
        env: { PATH: bin },
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/needs Chromium, Prometheus and promtool, redis-server/);
      expect(result.stderr).toMatch(
        /sudo apt-get install -y --no-install-recommends chromium prometheus redis-server prometheus-alertmanager/,
      );
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
