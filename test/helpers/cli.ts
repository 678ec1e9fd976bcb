import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN = fileURLToPath(new URL('../../bin/stormwatch', import.meta.url));
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bin/stormwatch` with `args`; kills it after `timeoutMs`. */
export function runCli(
  args: string[],
  options: {
    timeoutMs?: number;
    env?: Record<string, string>;
    onStdout?: (text: string, child: ChildProcess) => void;
  } = {},
): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * Runs `bin/stormwatch` with `args` and sends it SIGINT once a progress line of the method
 * shows (the method is under way); `sent` says whether it was sent. Killed after `timeoutMs`,
 * so a run that never stops shows its output.
 */
export async function runCliInterruptedInMethod(
  args: string[],
  timeoutMs = 45_000,
): Promise<CliResult & { sent: boolean }> {
  let sent = false;
  const result = await runCli(args, {
    timeoutMs,
    onStdout: (text, child) => {
      if (!sent && /\] method /.test(text)) {
        sent = true;
        child.kill('SIGINT');
      }
    },
  });
  return { ...result, sent };
}
