/**
 * Writes the Grafana dashboards (`dashboards/*.json`) from their TypeScript definitions in
 * `dashboards/src/`. Run: `npx tsx dashboards/generate.ts` (`--check` only compares and exits 1
 * when a committed file differs from what the generator makes).
 */
import { readFile, writeFile } from 'node:fs/promises';
import process, { argv, stderr, stdout } from 'node:process';
import { DASHBOARDS, DASHBOARDS_DIR, renderDashboard } from './src/render.js';

const check = argv.includes('--check');
let stale = 0;
for (const { file, build } of DASHBOARDS) {
  const path = `${DASHBOARDS_DIR}${file}`;
  const text = await renderDashboard(build(), file);
  if (check) {
    const committed = await readFile(path, 'utf8').catch(() => '');
    if (committed !== text) {
      stale += 1;
      stderr.write(`dashboards/${file} differs from the generator's output\n`);
    }
  } else {
    await writeFile(path, text);
    stdout.write(`wrote dashboards/${file}\n`);
  }
}
if (stale > 0) {
  stderr.write('run: npx tsx dashboards/generate.ts\n');
  process.exitCode = 1;
}
