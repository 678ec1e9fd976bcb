// The image's build, replayed without Docker: exactly what the Dockerfile COPYs goes into an
// empty directory, its RUN lines run there with its ENV, then the ENTRYPOINT must start. A COPY
// the build needs but the Dockerfile lacks (as scripts/ once was) fails here. What only Docker
// can show (the base image, USER, the compose network) is left to `make up`.
import { execFile as execFileCb } from 'node:child_process';
import { cp, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { withTempDir } from '../helpers/temp-dir.js';

const execFile = promisify(execFileCb);
const ROOT = new URL('../../', import.meta.url).pathname;

interface Instruction {
  op: string;
  args: string;
}

/** Instructions of a Dockerfile, continuation lines joined, comments dropped. */
function instructions(text: string): Instruction[] {
  const joined = text.replace(/\\\n/g, ' ');
  const out: Instruction[] = [];
  for (const line of joined.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const [op, ...rest] = trimmed.split(/\s+/);
    out.push({ op: op!.toUpperCase(), args: rest.join(' ') });
  }
  return out;
}

/** `A=1 B=2` → { A: '1', B: '2' } (the ENV form the Dockerfile uses). */
function envOf(args: string): Record<string, string> {
  return Object.fromEntries(
    [...args.matchAll(/(\w+)=("[^"]*"|\S+)/g)].map((m) => [m[1]!, m[2]!.replace(/^"|"$/g, '')]),
  );
}

describe('dashboards/docker/Dockerfile, replayed in a temporary directory', () => {
  it('installs and builds from exactly the files it copies, and its entrypoint starts', async () => {
    const steps = instructions(await readFile(join(ROOT, 'dashboards/docker/Dockerfile'), 'utf8'));
    expect(steps.filter((s) => s.op === 'RUN').map((s) => s.args)).toEqual([
      'npm ci --no-audit --no-fund',
    ]);
    await withTempDir(async (app) => {
      const env: Record<string, string> = {};
      let entrypoint: string[] = [];
      for (const { op, args } of steps) {
        if (op === 'ENV') Object.assign(env, envOf(args));
        if (op === 'ENTRYPOINT') entrypoint = JSON.parse(args) as string[];
        if (op === 'COPY') {
          const parts = args.split(/\s+/);
          const target = parts.pop()!;
          for (const source of parts) {
            const into = target === './' ? join(app, source) : join(app, target);
            await cp(join(ROOT, source), into, { recursive: true });
          }
        }
        if (op === 'RUN') {
          // npm's own cache makes this an offline install after the first run on a machine.
          await execFile('sh', ['-c', args], {
            cwd: app,
            env: { ...process.env, ...env, npm_config_prefer_offline: 'true' },
            maxBuffer: 16 * 1024 * 1024,
            timeout: 240_000,
          });
        }
      }
      expect(entrypoint).toEqual(['node', 'bin/stormwatch']);
      const [command, ...rest] = entrypoint;
      for (const verb of ['serve', 'run']) {
        const { stdout } = await execFile(command!, [...rest, verb, '--help'], {
          cwd: app,
          env: { ...process.env, ...env },
        });
        expect(stdout).toMatch(new RegExp(`^Usage: stormwatch ${verb}`));
      }
      // The health view's bundle, which the prepare script builds, is in place.
      await expect(
        readFile(join(app, 'dist/health-view/public/index.html'), 'utf8'),
      ).resolves.toMatch(/<html/i);
      // And a scenario copied after the install loads.
      await expect(readFile(join(app, 'scenarios/mixed-chaos.yaml'), 'utf8')).resolves.toMatch(
        /version: 1/,
      );
    });
  }, 300_000);
});
