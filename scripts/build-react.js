// Copies the React components' stylesheet next to their compiled entry, so the package ships
// dist/react/stormwatch-react.css. Run by `npm run build` after tsc;
// `node scripts/build-react.js [outdir]` to run it alone.
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The stylesheet in the source tree. */
export const STYLESHEET = join(ROOT, 'src', 'react', 'stormwatch-react.css');

/** Where the package's `stormwatch/react` entry lives: `<package root>/dist/react`. */
export const DEFAULT_OUTDIR = join(ROOT, 'dist', 'react');

/** Writes stormwatch-react.css to `outdir`. Returns the files written. */
export async function buildReact(outdir = DEFAULT_OUTDIR) {
  await mkdir(outdir, { recursive: true });
  const target = join(outdir, 'stormwatch-react.css');
  await copyFile(STYLESHEET, target);
  return [target];
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outdir = process.argv[2] === undefined ? DEFAULT_OUTDIR : resolve(process.argv[2]);
  const files = await buildReact(outdir);
  process.stdout.write(`react: ${files.length} file in ${outdir}\n`);
}
