import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Progress, RunReport } from '../runner/index.js';
import { loadHtmlAssets, renderHtml, renderJunit, renderMarkdown } from '../runner/index.js';
import type { ReportPaths } from './report-paths.js';

/**
 * Writes the reports asked for; a missing folder is made, and the line that names the file
 * says so (`wrote out/ci/r.json (made the folder out/ci)`).
 */
export async function writeReports(report: RunReport, paths: ReportPaths): Promise<string[]> {
  const written: string[] = [];
  const write = async (path: string | undefined, text: string) => {
    if (path === undefined) return;
    const made = await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    written.push(made === undefined ? path : `${path} (made the folder ${made})`);
  };
  await write(paths.report, JSON.stringify(report, null, 2) + '\n');
  await write(paths.junit, renderJunit(report));
  await write(paths.markdown, renderMarkdown(report));
  if (paths.html !== undefined) await write(paths.html, renderHtml(report, await loadHtmlAssets()));
  return written;
}

/**
 * Writes the reports asked for, says where, and repeats a harness error's reason on stderr
 * (the one line CI logs show).
 */
export async function finishReports(
  verb: string,
  report: RunReport,
  paths: ReportPaths,
  out: NodeJS.WritableStream,
): Promise<void> {
  for (const path of await writeReports(report, paths)) out.write(`wrote ${path}\n`);
  if (report.verdict === 'error') {
    process.stderr.write(`stormwatch ${verb}: ${report.reason ?? 'error'}\n`);
  }
}

/** One progress line: elapsed, connected/total, clients per state, active faults. */
export function formatProgress(p: Progress): string {
  const s = p.snapshot;
  const states = [
    s.poor > 0 ? `${s.poor} poor` : '',
    s.polling > 0 ? `${s.polling} polling` : '',
    s.byState.connecting > 0 ? `${s.byState.connecting} connecting` : '',
    s.byState.reconnecting > 0 ? `${s.byState.reconnecting} reconnecting` : '',
    s.byState.failed > 0 ? `${s.byState.failed} failed` : '',
    s.byState.disconnected > 0 ? `${s.byState.disconnected} disconnected` : '',
  ].filter(Boolean);
  const faults = p.activeFaults.length > 0 ? ` · faults: ${p.activeFaults.join(', ')}` : '';
  return `[${p.elapsedSeconds.toFixed(1).padStart(6)}s] ${p.phase.padEnd(8)} connected ${s.byState.connected}/${s.total}${states.length > 0 ? ` (${states.join(', ')})` : ''} · alerts ${p.published}${faults}`;
}
