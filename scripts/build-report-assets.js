// Bundles the HTML report's charts (src/runner/report/html-charts.ts with uPlot) into one
// script and copies uPlot's stylesheet, for `--html` to inline into each page. Run by
// `npm run build`; `node scripts/build-report-assets.js [outdir]` to run it alone.
import { copyFile, mkdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Where the HTML renderer looks: `<package root>/dist/report` (src/runner/report/html-assets.ts). */
export const DEFAULT_OUTDIR = join(ROOT, 'dist', 'report');

/** Writes report-charts.js and report-charts.css to `outdir`; returns the files written. */
export async function buildReportAssets(outdir = DEFAULT_OUTDIR) {
  await mkdir(outdir, { recursive: true });
  const script = join(outdir, 'report-charts.js');
  const css = join(outdir, 'report-charts.css');
  await build({
    entryPoints: [join(ROOT, 'src', 'runner', 'report', 'html-charts.ts')],
    outfile: script,
    bundle: true,
    // Inlined into a classic <script>: no module, no source map to fetch.
    format: 'iife',
    platform: 'browser',
    target: ['chrome109', 'firefox115', 'safari16'],
    minify: true,
    legalComments: 'inline',
    logLevel: 'warning',
  });
  const require = createRequire(import.meta.url);
  await copyFile(require.resolve('uplot/dist/uPlot.min.css'), css);
  return [script, css];
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = process.argv[2] === undefined ? DEFAULT_OUTDIR : resolve(process.argv[2]);
  const files = await buildReportAssets(outdir);
  process.stdout.write(`report assets: ${files.length} files in ${outdir}\n`);
}
