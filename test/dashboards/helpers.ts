import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** dashboards/prometheus/. */
export const PROM_DIR = `${ROOT}dashboards/prometheus/`;

export interface ToolResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs a command-line tool (promtool, prometheus, tsc) and returns its exit code and output. A
 * tool that is not installed is a failure that says how to install it, never a skip.
 */
export function runTool(
  command: string,
  args: readonly string[],
  options: { input?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      command,
      args,
      { cwd: options.cwd ?? ROOT, timeout: options.timeoutMs ?? 60_000, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        if (error !== null && (error as NodeJS.ErrnoException).code === 'ENOENT') {
          reject(
            new Error(
              `${command} is not installed: apt-get install -y prometheus (Debian ships promtool with it); .ci/run installs it`,
            ),
          );
          return;
        }
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** One query of a dashboard panel (or annotation), as committed in dashboards/*.json. */
export interface PanelQuery {
  dashboard: string;
  panel: string;
  panelType: string;
  unit: string | undefined;
  refId: string;
  expr: string;
  instant: boolean;
}

interface JsonPanel {
  type: string;
  id?: number;
  title?: string;
  targets?: Array<{ refId?: string; expr?: string; instant?: boolean }>;
  fieldConfig?: { defaults?: { unit?: string } };
}

export interface JsonDashboard {
  uid: string;
  title: string;
  panels: JsonPanel[];
  annotations?: { list: Array<{ name: string; expr?: string }> };
  templating: { list: Array<{ name: string; type: string }> };
}

/** The generated dashboards, as committed. */
export const DASHBOARD_FILES = ['connection-health.json', 'alert-server.json'] as const;

export async function readDashboard(file: string): Promise<JsonDashboard> {
  return JSON.parse(await readFile(`${ROOT}dashboards/${file}`, 'utf8')) as JsonDashboard;
}

/** Every PromQL query in a dashboard: each panel target, and each annotation's `expr`. */
export function panelQueries(d: JsonDashboard): PanelQuery[] {
  const out: PanelQuery[] = [];
  for (const panel of d.panels) {
    for (const target of panel.targets ?? []) {
      out.push({
        dashboard: d.uid,
        panel: panel.title ?? '',
        panelType: panel.type,
        unit: panel.fieldConfig?.defaults?.unit,
        refId: target.refId ?? '',
        expr: target.expr ?? '',
        instant: target.instant === true,
      });
    }
  }
  for (const a of d.annotations?.list ?? []) {
    if (a.expr !== undefined && a.expr !== '') {
      out.push({
        dashboard: d.uid,
        panel: `annotation: ${a.name}`,
        panelType: 'annotation',
        unit: undefined,
        refId: 'annotation',
        expr: a.expr,
        instant: false,
      });
    }
  }
  return out;
}

/**
 * Replaces Grafana's template variables the way Grafana would before sending a query:
 * label variables with "All" become `.*`, `$__rate_interval` / `$__interval` / `$__range`
 * the given durations.
 */
export function substitute(
  expr: string,
  values: { rateInterval: string; interval: string; range: string },
): string {
  return expr
    .replaceAll('$__rate_interval', values.rateInterval)
    .replaceAll('$__interval', values.interval)
    .replaceAll('$__range', values.range)
    .replace(/\$\{?(job|instance)\}?/g, '.*');
}

const PROMQL_KEYWORDS = new Set([
  'by',
  'without',
  'and',
  'or',
  'unless',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
  'offset',
  'inf',
  'nan',
]);

/**
 * Metric names a PromQL expression reads: identifiers that are not functions, keywords, label
 * names (inside `{…}` or `by (…)`), strings or durations.
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"[^"]*"/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/(?<![\w.:])([a-zA-Z_:][a-zA-Z0-9_:]*)(?![\w:])(?!\s*\()/g)) {
    const name = match[1]!;
    if (!PROMQL_KEYWORDS.has(name.toLowerCase())) names.add(name);
  }
  return [...names];
}
