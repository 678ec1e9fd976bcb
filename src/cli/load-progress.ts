import { stat } from 'node:fs/promises';
import { loadScenario, type Scenario, type ScenarioOverrides } from '../runner/index.js';

/** Files from this size on take noticeable time to read: the reading is announced. */
export const LARGE_SCENARIO_BYTES = 256 * 1024;

/**
 * {@link loadScenario}, saying on `log` (one line before, one after) when the file is large
 * enough to take a while, so a big scenario does not look like a hang.
 */
export async function loadScenarioWithProgress(
  verb: string,
  file: string,
  overrides: ScenarioOverrides,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<Scenario> {
  const bytes = await stat(file).then(
    (s) => (s.isFile() ? s.size : 0),
    () => 0,
  );
  const large = bytes >= LARGE_SCENARIO_BYTES;
  const started = performance.now();
  if (large) log(`stormwatch ${verb}: reading ${file} (${Math.round(bytes / 1024)} KiB)…`);
  const scenario = await loadScenario(file, overrides);
  if (large) {
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    log(`stormwatch ${verb}: read ${scenario.method.length} steps in ${seconds} s`);
  }
  return scenario;
}
