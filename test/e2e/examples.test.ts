import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

describe('README example', () => {
  it(
    'examples/node-client.ts resumes across a restart with every alert once',
    { timeout: 30_000 },
    async () => {
      const child = spawn(process.execPath, ['--import', 'tsx', 'examples/node-client.ts'], {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
      const [code] = await once(child, 'exit');
      expect(code).toBe(0);
      expect(out).toMatch(/state {2}connected → reconnecting \(close 1012\)/);
      expect(out).toMatch(/seen {3}1, 2, 3 \(each once\)/);
    },
  );
});
