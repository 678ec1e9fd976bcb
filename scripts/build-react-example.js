// Bundles the React dashboard example (examples/react-dashboard/main.tsx) for browsers, with
// its page and the components' stylesheet: `node scripts/build-react-example.js [outdir]`
// (default out/react-dashboard). The bundle is a classic script, so index.html also opens
// straight from disk.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = join(ROOT, 'examples', 'react-dashboard');

/** Where the example is written without an argument. */
export const DEFAULT_OUTDIR = join(ROOT, 'out', 'react-dashboard');

/**
 * Writes index.html, stormwatch-react.css and dashboard.bundle.js (+ its source map) to
 * `outdir`. Returns the files written.
 */
export async function buildReactExample(outdir = DEFAULT_OUTDIR) {
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: [join(SOURCE, 'main.tsx')],
    outfile: join(outdir, 'dashboard.bundle.js'),
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome109', 'firefox115', 'safari16'],
    jsx: 'automatic',
    // React's production build: what a deployed dashboard runs.
    define: { 'process.env.NODE_ENV': '"production"' },
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(join(SOURCE, 'index.html'), join(outdir, 'index.html'));
  await copyFile(
    join(ROOT, 'src', 'react', 'stormwatch-react.css'),
    join(outdir, 'stormwatch-react.css'),
  );
  return [
    'index.html',
    'stormwatch-react.css',
    'dashboard.bundle.js',
    'dashboard.bundle.js.map',
  ].map((file) => join(outdir, file));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = process.argv[2] === undefined ? DEFAULT_OUTDIR : resolve(process.argv[2]);
  const files = await buildReactExample(outdir);
  process.stdout.write(`react dashboard: ${files.length} files in ${outdir}\n`);
}
