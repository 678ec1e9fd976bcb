import { readFile } from 'node:fs/promises';
import type { Verb } from '../cli.js';
import { parseReport, RunnerError, RunnerErrorCode } from '../runner/index.js';
import { parseFlags, UsageError } from './args.js';
import { writeReports } from './output.js';
import { checkReportPaths } from './report-paths.js';

const USAGE = `Usage: stormwatch report <REPORT.json> --html FILE

Renders a JSON report written by "stormwatch run --report" or "stormwatch sim --report" again:
one self-contained HTML page (verdict, thresholds, summary figures, faults over the run, the
fleet over time and the backoff schedule as charts; no network needed to view it).

Flags:
  --html FILE        write the HTML report
`;

/** `stormwatch report`: renders an existing JSON report; exits 0, or 1 on an error. */
export const report: Verb = async (argv) => {
  const { values, positionals } = parseFlags('report', argv, {
    html: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      `report: expected one JSON report, got ${positionals.length === 0 ? 'none' : positionals.join(' ')}`,
    );
  }
  const file = positionals[0]!;
  if (values.html === undefined) throw new UsageError('report: expected --html FILE, got nothing');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RunnerError(
      RunnerErrorCode.REPORT_UNREADABLE,
      code === 'ENOENT'
        ? `${file}: no such file`
        : code === 'EISDIR'
          ? `${file}: expected a JSON report, got a folder`
          : `${file}: cannot read (${(error as Error).message})`,
    );
  }
  const parsed = parseReport(text, file);
  await checkReportPaths({ html: values.html });
  for (const path of await writeReports(parsed, { html: values.html })) {
    process.stdout.write(`wrote ${path}\n`);
  }
  return 0;
};
