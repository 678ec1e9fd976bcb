// `npm run bench -- mutation [--tests-from REF] [id…]`: breaks one rule at a time
// (bench/mutation/mutants.ts) in a copy of the working tree and runs the tests named for it
// there. A mutant the tests fail on is killed; one they pass is a rule nothing checks. Prints
// each mutant and the score; exits 1 when any mutant survives (or the unmutated copy fails its
// own tests). `--tests-from REF` puts the test/ folder of git revision REF in each copy instead
// of the working tree's: the score an older suite gets against today's source.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MUTANTS, type Mutant } from './mutants.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** Longest one mutant's tests may run, s. */
const TEST_LIMIT_S = 240;
const SKIP = new Set(['node_modules', '.git', 'dist', 'out', 'coverage']);

/** A copy of the working tree (node_modules linked, not copied). */
function copyTree(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stormwatch-mutant-'));
  cpSync(ROOT, dir, {
    recursive: true,
    filter: (source) => {
      const rel = relative(ROOT, source);
      return rel === '' || !SKIP.has(rel.split('/')[0]!);
    },
  });
  symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
  if (testsFrom !== undefined) {
    rmSync(join(dir, 'test'), { recursive: true, force: true });
    const archive = execFileSync('git', ['archive', testsFrom, 'test'], {
      cwd: ROOT,
      maxBuffer: 256 * 1024 * 1024,
    });
    execFileSync('tar', ['-x', '-C', dir], { input: archive });
  }
  return dir;
}

function apply(dir: string, mutant: Mutant): void {
  const path = join(dir, mutant.file);
  const text = readFileSync(path, 'utf8');
  const count = text.split(mutant.from).length - 1;
  if (count !== 1) {
    throw new Error(`${mutant.id}: expected the source once in ${mutant.file}, found it ${count}×`);
  }
  writeFileSync(path, text.replace(mutant.from, mutant.to));
}

/**
 * Compiles the copy (tests that start `bin/stormwatch` as a process run dist/, which must hold
 * the mutant too); true when it compiled.
 */
function build(dir: string): boolean {
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
    { cwd: dir, encoding: 'utf8' },
  );
  return result.status === 0;
}

/** Runs `tests` in `dir`; true when they all pass. */
function passes(
  dir: string,
  tests: readonly string[],
): { ok: boolean; timedOut: boolean; seconds: number; output: string } {
  // An older suite may lack some of the files named (vitest fails on a path it cannot find,
  // which would read as a kill): only those present run, and none present kills nothing.
  tests = tests.filter((test) => existsSync(join(dir, test)));
  if (tests.length === 0) return { ok: true, timedOut: false, seconds: 0, output: 'no tests' };
  const started = performance.now();
  // A mutant can make a test spin (a loop waiting for a state that never comes): a run that
  // outlasts the limit did not pass. coreutils' timeout signals the whole process group, so
  // vitest's workers go too.
  const result = spawnSync(
    'timeout',
    [
      '--kill-after=10',
      String(TEST_LIMIT_S),
      process.execPath,
      join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
      'run',
      ...tests,
      '--reporter=dot',
    ],
    { cwd: dir, encoding: 'utf8', env: { ...process.env, CI: 'true' } },
  );
  const output = `${result.stdout}${result.stderr}`;
  return {
    ok: result.status === 0,
    // timeout exits 124 (137 after --kill-after): the tests hung rather than failed.
    timedOut: result.status === 124 || result.status === 137,
    seconds: (performance.now() - started) / 1000,
    output,
  };
}

const args = process.argv.slice(2);
const fromAt = args.indexOf('--tests-from');
const testsFrom = fromAt < 0 ? undefined : args[fromAt + 1];
if (fromAt >= 0) {
  if (testsFrom === undefined || testsFrom.startsWith('-')) {
    console.error('--tests-from needs a git revision (a commit, tag or branch)');
    process.exit(1);
  }
  const known = spawnSync('git', ['rev-parse', '--verify', '--quiet', `${testsFrom}^{commit}`], {
    cwd: ROOT,
  });
  if (known.status !== 0) {
    console.error(`--tests-from: "${testsFrom}" is not a revision of this repository`);
    process.exit(1);
  }
  args.splice(fromAt, 2);
  console.log(`tests: test/ as of ${testsFrom}`);
}
const wanted = args;
const selected = wanted.length === 0 ? MUTANTS : MUTANTS.filter((m) => wanted.includes(m.id));
if (selected.length === 0) {
  console.error(`unknown mutant (expected ${MUTANTS.map((m) => m.id).join(', ')})`);
  process.exit(1);
}

const baselineDir = copyTree();
if (!build(baselineDir)) {
  console.error('the unmutated copy does not compile');
  process.exit(1);
}
const allTests = [...new Set(selected.flatMap((m) => m.tests))];
const baseline = passes(baselineDir, allTests);
rmSync(baselineDir, { recursive: true, force: true });
console.log(
  `unmutated copy: ${baseline.ok ? 'passes' : 'FAILS'} ${allTests.join(' ')} (${baseline.seconds.toFixed(1)} s)`,
);
if (!baseline.ok) {
  console.error(baseline.output.split('\n').slice(-40).join('\n'));
  process.exit(1);
}

let killed = 0;
for (const mutant of selected) {
  const dir = copyTree();
  try {
    apply(dir, mutant);
    // A mutant that does not compile is killed by the type checker, not by a test: say so.
    const compiled = build(dir);
    const run = passes(dir, mutant.tests);
    if (!compiled) console.log(`  (${mutant.id} does not compile; its tests ran on tsx)`);
    if (!run.ok) killed += 1;
    console.log(
      `${run.ok ? 'SURVIVED' : 'killed  '}  ${mutant.id.padEnd(20)} ${mutant.rule} (${run.seconds.toFixed(1)} s${run.timedOut ? ', by the time limit: a test hung' : ''})`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
const score = (100 * killed) / selected.length;
console.log(`mutation score: ${killed}/${selected.length} killed (${score.toFixed(0)} %)`);
process.exit(killed === selected.length ? 0 : 1);
