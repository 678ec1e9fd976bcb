import { randomUUID } from 'node:crypto';
import type { Verb } from '../cli.js';
import { systemClock } from '../protocol/index.js';
import { parseRedisUrl } from '../server/index.js';
import {
  FleetRecorder,
  FEED_PATH,
  LiveFeed,
  LiveMetrics,
  defaultWorkers,
  RealHarness,
  renderSummary,
  runScenario,
  RunnerError,
  RunnerErrorCode,
  applyTargetOptions,
  describeTokenSource,
} from '../runner/index.js';
import { interruptOnSignals } from './interrupt.js';
import { loadScenarioWithProgress } from './load-progress.js';
import { readOverrides, reportPaths, SCENARIO_FLAGS, scenarioFile } from './scenario-flags.js';
import { checkReportPaths } from './report-paths.js';
import { parseFlags, quoteValue, readIntFlag, UsageError } from './args.js';
import { formatProgress, finishReports } from './output.js';

const USAGE = `Usage: stormwatch run <scenario.yaml> [flags]

Runs a chaos scenario in real time over real sockets: the alert server, the fault proxy in front
of it, a publisher and a fleet of reconnecting clients; then judges the thresholds.

Flags:
  --time-scale X     multiply every duration (scenario, client, server) by X, e.g. 0.1
  --clients N        override config.clients
  --seed S           override config.seed
  --report FILE      write the JSON report
  --junit FILE       write JUnit XML (one test case per threshold and probe)
  --markdown FILE    write a Markdown summary
  --html FILE        write one self-contained HTML report (verdict, thresholds, charts)
  --server-cmd CMD   run the server as a child process (restarts are process restarts);
                     CMD gets PORT, HOST and STORMWATCH_JWT_SECRET
  --server-url URL   use a running server (needs STORMWATCH_JWT_SECRET; no restarts)
  --toxiproxy URL    use a real Toxiproxy API instead of the embedded proxy

A foreign service (not stormwatch's server; see docs/targets.md):
  --target URL       its endpoint with {user}, e.g. ws://127.0.0.1:8000/ws/breach-alerts/{user}/
                     (with --server-cmd the host and port are the child's PORT)
  --profile P        how to speak to it: django-channels, json, ws-ping, or a YAML/JSON
                     profile file
  --token-env NAME   token from an environment variable
  --token-file F     token read from a file before every attempt
  --token-cmd CMD    token printed by a command run before every attempt (user in
                     STORMWATCH_USER); default: HS256 signed with STORMWATCH_JWT_SECRET
  --publish P        none (connection health only; delivery thresholds not measured), a URL
                     or path for the shorthand request POST {"userId","alert":{"id":marker,…}},
                     or a YAML/JSON request file (method, url, headers, body with {marker})
  --ready PATH       a path polled until the service answers (default: a TCP connect)
  --redis URL        a Redis for scenarios with config.topology.broker: redis, instead of
                     the redis-server the run starts on a free port (the run uses keys of
                     its own and deletes them; redis.* steps need the run's own Redis)
  --metrics-port P   serve alert_client_* and chaos_* on http://127.0.0.1:P/metrics
  --metrics-host H   address for --metrics-port (default 127.0.0.1; 0.0.0.0 in a container)
  --feed-port P      serve the fleet's live feed on http://127.0.0.1:P/feed for the health
                     view's fleet panel (the run prints the page's address)
  --proxy-listen A   listen address of the run's proxy (default 127.0.0.1:0; with a real
                     Toxiproxy in another container e.g. 0.0.0.0:20000; instance K of a
                     topology listens on port + K - 1)
  --workers N        spread the fleet over N worker processes; 0 keeps it in this process
                     (default: 0 while this process stays under 15,000 sockets, else one
                     worker per 15,000 clients); the recorder here gets every client's
                     events, so the figures are those of one fleet
  --strict           an inconclusive threshold fails the run (99 instead of 97)
  --quiet            no progress lines

Exit codes: 0 pass · 99 a threshold failed · 98 steady state not met · 97 inconclusive (a
timing threshold missed by less than the host lag could add, nothing failed for certain) ·
1 harness error.
`;

/** `stormwatch run`: runs a scenario and exits 0, 99, 98 or 1. */
export const run: Verb = async (argv) => {
  const { values, positionals } = parseFlags('run', argv, {
    ...SCENARIO_FLAGS,
    'server-cmd': { type: 'string' },
    'server-url': { type: 'string' },
    toxiproxy: { type: 'string' },
    redis: { type: 'string' },
    strict: { type: 'boolean', default: false },
    'metrics-port': { type: 'string' },
    'metrics-host': { type: 'string' },
    'feed-port': { type: 'string' },
    workers: { type: 'string' },
    'proxy-listen': { type: 'string' },
    target: { type: 'string' },
    profile: { type: 'string' },
    'token-env': { type: 'string' },
    'token-file': { type: 'string' },
    'token-cmd': { type: 'string' },
    publish: { type: 'string' },
    ready: { type: 'string' },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const file = scenarioFile('run', positionals);
  if (values['server-cmd'] !== undefined && values['server-url'] !== undefined) {
    throw new UsageError('run: --server-cmd and --server-url exclude each other');
  }
  const proxyListen = values['proxy-listen'];
  if (proxyListen !== undefined && !/^(\[[0-9a-fA-F:]+\]|[^\s:[\]]*):\d{1,5}$/.test(proxyListen)) {
    throw new UsageError(
      `--proxy-listen: expected host:port such as 0.0.0.0:20000, got ${quoteValue(proxyListen)}`,
    );
  }
  if (values.redis !== undefined) {
    try {
      parseRedisUrl(values.redis);
    } catch (error) {
      throw new UsageError(`--redis: ${(error as Error).message}`);
    }
  }
  const feedPort =
    values['feed-port'] === undefined
      ? undefined
      : readIntFlag('feed-port', values['feed-port'], 0, 0, 65535);
  const metricsPort =
    values['metrics-port'] === undefined
      ? undefined
      : readIntFlag('metrics-port', values['metrics-port'], 0, 0, 65535);
  const scenario = await applyTargetOptions(
    await loadScenarioWithProgress('run', file, readOverrides(values)),
    {
      target: values.target,
      profile: values.profile,
      tokenEnv: values['token-env'],
      tokenFile: values['token-file'],
      tokenCmd: values['token-cmd'],
      publish: values.publish,
      ready: values.ready,
    },
  );
  await checkReportPaths(reportPaths(values));
  const workers =
    values.workers === undefined
      ? defaultWorkers(scenario.config)
      : readIntFlag('workers', values.workers, 0, 0, 64);
  const needsRestart = [...scenario.method, ...scenario.rollbacks].some((s) =>
    s.action.startsWith('server.'),
  );
  if (needsRestart && scenario.config.target !== undefined && values['server-cmd'] === undefined) {
    throw new RunnerError(
      RunnerErrorCode.START_FAILED,
      `${scenario.file}: server.* actions restart the target: start it with --server-cmd (a target someone else runs cannot be restarted)`,
    );
  }
  if (needsRestart && values['server-url'] !== undefined) {
    throw new RunnerError(
      RunnerErrorCode.START_FAILED,
      `${scenario.file}: server.* actions need the in-process server or --server-cmd, not --server-url`,
    );
  }

  const onRedis = [...scenario.method, ...scenario.rollbacks].find((s) =>
    s.action.startsWith('redis.'),
  );
  if (onRedis !== undefined && values.redis !== undefined) {
    throw new RunnerError(
      RunnerErrorCode.START_FAILED,
      `${scenario.file}:${onRedis.line}: ${onRedis.action} pauses, kills or starts Redis: it needs the run's own redis-server, not --redis`,
    );
  }

  const simOnly = [...scenario.method, ...scenario.rollbacks].find((s) => s.action === 'sim');
  if (simOnly?.action === 'sim') {
    throw new RunnerError(
      RunnerErrorCode.SCENARIO_INVALID,
      `${scenario.file}:${simOnly.line}: sim.${simOnly.model} is a sim-only action (run the scenario with stormwatch sim)`,
    );
  }

  const out = process.stdout;
  const live = out.isTTY && !values.quiet;
  const recorder = new FleetRecorder(systemClock);
  const interrupt = interruptOnSignals();

  const c = scenario.config;
  const target = c.target;
  out.write(
    `stormwatch run: ${scenario.title} (${scenario.file}) — ${c.clients} clients, ${c.users} users, seed ${c.seed}, timeScale ${c.timeScale}${c.topology.instances > 1 || c.topology.broker === 'redis' ? `, ${c.topology.instances} instance${c.topology.instances === 1 ? '' : 's'} on ${c.topology.broker}` : ''}\n`,
  );
  if (target !== undefined) {
    out.write(
      `target ${target.url} (profile ${target.profileName}, ${describeTokenSource(target.token)}, publish ${target.publish.kind === 'http' ? `${target.publish.method} ${target.publish.url}` : target.publish.kind})\n`,
    );
  }
  let harness: RealHarness | undefined;
  let metrics: LiveMetrics | undefined;
  let feed: LiveFeed | undefined;
  try {
    harness = await RealHarness.start(scenario, recorder, {
      serverCmd: values['server-cmd'],
      serverUrl: values['server-url'],
      toxiproxyUrl: values.toxiproxy,
      proxyListen: values['proxy-listen'],
      redisUrl: values.redis,
      workers,
    });
    if (metricsPort !== undefined) {
      metrics = new LiveMetrics(recorder, scenario, randomUUID());
      const host = values['metrics-host'] ?? '127.0.0.1';
      const port = await metrics.serve(metricsPort, host);
      out.write(`metrics on http://${host}:${port}/metrics\n`);
    }
    let feedUrl: string | undefined;
    if (feedPort !== undefined) {
      feed = new LiveFeed(recorder, scenario, randomUUID());
      feedUrl = `http://127.0.0.1:${await feed.serve(feedPort)}${FEED_PATH}`;
      out.write(`live feed on ${feedUrl}\n`);
    }
    const page = harness.pageUrl;
    if (page !== undefined) {
      out.write(
        `health view (through the fault proxy): ${page}${feedUrl === undefined ? '' : `?feed=${encodeURIComponent(feedUrl)}`}\n`,
      );
    }
    let lastPlain = -Infinity;
    const outcome = await runScenario(scenario, harness, recorder, {
      mode: 'real',
      signal: interrupt.signal,
      strict: values.strict,
      progressEveryMs: live ? 250 : 1000,
      onProgress: (p) => {
        metrics?.update();
        feed?.update(p);
        if (values.quiet) return;
        if (live) out.write(`\r\x1b[2K${formatProgress(p)}`);
        else if (
          p.elapsedSeconds - lastPlain >= 5 * c.timeScale * 0 + 5 ||
          p.elapsedSeconds === 0
        ) {
          lastPlain = p.elapsedSeconds;
          out.write(`${formatProgress(p)}\n`);
        }
      },
      onEvent: (line, elapsedMs) => {
        if (values.quiet) return;
        const elapsed = (elapsedMs / 1000 / c.timeScale).toFixed(1);
        out.write(`${live ? '\r\x1b[2K' : ''}[${elapsed.padStart(6)}s] ${line}\n`);
      },
    });
    feed?.finish(outcome.report.verdict);
    const left = await harness.activeToxics();
    if (left > 0)
      process.stderr.write(`warning: ${left} toxics left on the proxy after the rollbacks\n`);
    if (live) out.write('\r\x1b[2K');
    out.write('\n' + renderSummary(outcome.report));
    await finishReports('run', outcome.report, reportPaths(values), out);
    return outcome.exitCode;
  } finally {
    interrupt.dispose();
    await metrics?.close();
    await feed?.close();
    await harness?.close();
  }
};
