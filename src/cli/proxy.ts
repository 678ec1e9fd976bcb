import { readFile } from 'node:fs/promises';
import type { Verb } from '../cli.js';
import { createToxiproxyServer, DEFAULT_API_PORT, TOXIPROXY_VERSION } from '../proxy/index.js';
import { parseFlags, readIntFlag, UsageError } from './args.js';

const USAGE = `Usage: stormwatch proxy [--host 127.0.0.1] [--port ${DEFAULT_API_PORT}] [--config proxies.json]

Runs the embedded fault proxy: a TCP proxy with Toxiproxy ${TOXIPROXY_VERSION}'s HTTP API, so
toxiproxy-node-client, toxiproxy-cli and curl scripts written for Toxiproxy drive it unchanged.

Flags:
  --host H         address of the HTTP API (env HOST; default 127.0.0.1)
  --port P         port of the HTTP API, 0 for any free port (env PORT; default ${DEFAULT_API_PORT})
  --config FILE    JSON array of proxies to create at start, as POST /populate takes it:
                   [{"name":"redis","listen":"127.0.0.1:26379","upstream":"127.0.0.1:6379"}]

Example:
  curl -s -X POST localhost:${DEFAULT_API_PORT}/proxies \\
    -d '{"name":"alerts","listen":"127.0.0.1:18080","upstream":"127.0.0.1:8080"}'
  curl -s -X POST localhost:${DEFAULT_API_PORT}/proxies/alerts/toxics \\
    -d '{"type":"latency","attributes":{"latency":500}}'

Signals: SIGINT or SIGTERM closes every proxy and connection; the process exits 0.
`;

/** `stormwatch proxy`: runs the Toxiproxy-compatible fault proxy until SIGINT or SIGTERM. */
export const proxy: Verb = async (argv) => {
  const { values, positionals } = parseFlags('proxy', argv, {
    host: { type: 'string' },
    port: { type: 'string' },
    config: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 0) {
    throw new UsageError(`proxy: unexpected argument "${positionals[0]}"`);
  }
  const host = values.host ?? process.env.HOST ?? '127.0.0.1';
  const port = readIntFlag('port', values.port ?? process.env.PORT, DEFAULT_API_PORT, 0, 65535);
  const config = values.config === undefined ? undefined : await readConfig(values.config);

  const server = createToxiproxyServer({
    onWarning: (message) => process.stderr.write(`stormwatch proxy: warning: ${message}\n`),
  });
  try {
    if (config !== undefined) {
      const result = await server.populate(config);
      if (result.error !== undefined) {
        throw new UsageError(`--config ${values.config}: ${result.error.message}`);
      }
    }
    const address = await server.listen({ host, port });
    const lines = [
      `stormwatch proxy (Toxiproxy ${TOXIPROXY_VERSION} API) listening on ${address.url}`,
    ];
    for (const created of server.proxies.list()) {
      lines.push(`  proxy ${created.name}: ${created.listen} -> ${created.upstream}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
    await waitForSignal();
  } finally {
    await server.close();
  }
  return 0;
};

async function readConfig(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new UsageError(`--config ${path}: cannot read file (${reason})`);
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new UsageError(`--config ${path}: invalid JSON (${(error as Error).message})`);
  }
}

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const onSignal = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      process.stderr.write(`stormwatch proxy: ${signal}, closing\n`);
      resolve(signal);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
}
