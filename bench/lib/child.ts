import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A bench target in its own process, so its memory is its own. */
export interface Child {
  process: ChildProcess;
  port: number;
  /** Resident set size in bytes, read from /proc (Linux). */
  rss(): number;
  /** CPU time (user + system) it has used so far, seconds, read from /proc (Linux). */
  cpuSeconds(): number;
  stop(): Promise<void>;
}

/**
 * Starts `script` (a .ts file beside the bench) under tsx and waits for `READY <port>`. Node
 * flags for the child (say `--cpu-prof --cpu-prof-dir=prof` to profile a server under the
 * bench's load) go in `BENCH_CHILD_FLAGS`, space-separated: Node refuses them in NODE_OPTIONS.
 */
export function startChild(script: URL, env: Record<string, string> = {}): Promise<Child> {
  return startNode(['--import', 'tsx', fileURLToPath(script)], env, script.pathname);
}

/**
 * Starts Node with `args` (after the `BENCH_CHILD_FLAGS`) and waits for `READY <port>` on its
 * stdout; `name` names it in the error when it exits first.
 */
export async function startNode(
  args: string[],
  env: Record<string, string>,
  name: string,
): Promise<Child> {
  const flags = (process.env.BENCH_CHILD_FLAGS ?? '').split(' ').filter((flag) => flag !== '');
  const child = spawn(process.execPath, [...flags, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /READY (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.once('exit', (code) => reject(new Error(`${name} exited with ${code}`)));
  });
  return {
    process: child,
    port,
    rss() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = /VmRSS:\s+(\d+) kB/.exec(status);
      return kb ? Number(kb[1]) * 1024 : Number.NaN;
    },
    cpuSeconds: () => cpuSecondsOf(child.pid!),
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** Clock ticks a second in /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const TICKS_PER_S = 100;

/** CPU-seconds (user + system) process `pid` has used so far, from /proc. */
export function cpuSecondsOf(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces and parentheses), from field 3 on.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_S;
}
