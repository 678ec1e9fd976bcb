import { quoteValue, UsageError } from './cli/args.js';

/** One `stormwatch <verb>`: returns the process exit code. */
export type Verb = (argv: string[]) => Promise<number>;

const verbs: Record<string, { summary: string; load: () => Promise<Verb> }> = {
  serve: {
    summary: 'run the alert server',
    load: async () => (await import('./cli/serve.js')).serve,
  },
  run: {
    summary: 'run a chaos scenario in real time and judge its thresholds',
    load: async () => (await import('./cli/run.js')).run,
  },
  sim: {
    summary: 'run a chaos scenario in deterministic simulation (virtual time, 10k clients, 24 h)',
    load: async () => (await import('./cli/sim.js')).sim,
  },
  proxy: {
    summary: 'run the embedded Toxiproxy-compatible fault proxy',
    load: async () => (await import('./cli/proxy.js')).proxy,
  },
  report: {
    summary: 'render a JSON report again, as one self-contained HTML page (--html)',
    load: async () => (await import('./cli/report.js')).report,
  },
  token: {
    summary: 'print a signed token (HS256, STORMWATCH_JWT_SECRET) for a user or a publisher',
    load: async () => (await import('./cli/token.js')).token,
  },
};

const HELP = `stormwatch — prove a real-time alert channel survives bad networks

Usage: stormwatch <verb> [flags]   (stormwatch <verb> --help for details)
       stormwatch --version

Verbs:
${Object.entries(verbs)
  .map(([name, verb]) => `  ${name.padEnd(8)} ${verb.summary}`)
  .join('\n')}
`;

/** Runs the CLI with `argv` (without node and script). Returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(HELP);
    return name === undefined ? 1 : 0;
  }
  if (name === '--version') {
    const { VERSION } = await import('./server/index.js');
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  const verb = Object.hasOwn(verbs, name) ? verbs[name] : undefined;
  if (verb === undefined) {
    const what = name.startsWith('-') ? 'option' : 'verb';
    process.stderr.write(
      `stormwatch: unknown ${what} ${quoteValue(name)} (expected ${Object.keys(verbs).join(', ')} or --version); see stormwatch --help\n`,
    );
    return 1;
  }
  // A reader that goes away (`stormwatch sim … | head`) stops the output, not the command: a
  // run still rolls its faults back and writes its reports.
  process.stdout.on('error', ignoreClosedPipe);
  process.stderr.on('error', ignoreClosedPipe);
  try {
    return await (
      await verb.load()
    )(rest);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // Usage errors name their verb already; say it once.
    const text = message.startsWith(`${name}: `) ? message.slice(name.length + 2) : message;
    // A usage error points at the verb's help, where every flag is listed.
    const hint = error instanceof UsageError ? `; see stormwatch ${name} --help` : '';
    process.stderr.write(`stormwatch ${name}: ${text}${hint}\n`);
    if (!(error instanceof UsageError) && process.env.STORMWATCH_DEBUG) console.error(error);
    return 1;
  }
}

function ignoreClosedPipe(error: NodeJS.ErrnoException): void {
  if (error.code !== 'EPIPE') throw error;
}
