// Bundles the health view (src/health-view/main.ts) for browsers and copies its page and
// stylesheet, so the alert server can serve `/` from dist/health-view/public. Run by
// `npm run build` after tsc; `node scripts/build-health-view.js [outdir]` to run it alone.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const SOURCE = join(ROOT, 'src', 'health-view');

/** Where the server looks for the page: `<package root>/dist/health-view/public`. */
export const DEFAULT_OUTDIR = join(ROOT, 'dist', 'health-view', 'public');

/**
 * Writes index.html, health-view.css, favicon.svg and health-view.bundle.js (+ its source map)
 * to `outdir`.
 * Returns the files written.
 */
export async function buildHealthView(outdir = DEFAULT_OUTDIR) {
  await mkdir(outdir, { recursive: true });
  await build({
    entryPoints: [join(SOURCE, 'main.ts')],
    outfile: join(outdir, 'health-view.bundle.js'),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome109', 'firefox115', 'safari16'],
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(join(SOURCE, 'index.html'), join(outdir, 'index.html'));
  await copyFile(join(SOURCE, 'health-view.css'), join(outdir, 'health-view.css'));
  await copyFile(join(SOURCE, 'favicon.svg'), join(outdir, 'favicon.svg'));
  return [
    'index.html',
    'health-view.css',
    'favicon.svg',
    'health-view.bundle.js',
    'health-view.bundle.js.map',
  ].map((file) => join(outdir, file));
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = process.argv[2] === undefined ? DEFAULT_OUTDIR : resolve(process.argv[2]);
  const files = await buildHealthView(outdir);
  process.stdout.write(`health view: ${files.length} files in ${outdir}\n`);
}
