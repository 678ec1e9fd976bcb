import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LARGE_SCENARIO_BYTES, loadScenarioWithProgress } from '../../src/cli/load-progress.js';
import { withTempDir } from '../helpers/temp-dir.js';

function scenarioOf(steps: number): string {
  const lines = ['version: 1', 'title: many steps', 'method:'];
  for (let i = 0; i < steps; i++) lines.push('  - { action: wait, duration: 1s }');
  return `${lines.join('\n')}\n`;
}

describe('loadScenarioWithProgress', () => {
  it('says it is reading a large file, and how many steps it read', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'big.yaml');
      const steps = Math.ceil(LARGE_SCENARIO_BYTES / 34) + 10;
      await writeFile(file, scenarioOf(steps));
      const lines: string[] = [];
      const scenario = await loadScenarioWithProgress('run', file, {}, (line) => lines.push(line));
      expect(scenario.method).toHaveLength(steps);
      expect(lines).toHaveLength(2);
      expect(lines[0]).toMatch(/^stormwatch run: reading .*big\.yaml \(\d+ KiB\)…$/);
      expect(lines[1]).toMatch(new RegExp(`^stormwatch run: read ${steps} steps in \\d+\\.\\d s$`));
    });
  });

  it('says nothing for an ordinary file', async () => {
    await withTempDir(async (dir) => {
      const file = join(dir, 'small.yaml');
      await writeFile(file, scenarioOf(3));
      const lines: string[] = [];
      await loadScenarioWithProgress('sim', file, {}, (line) => lines.push(line));
      expect(lines).toEqual([]);
    });
  });
});
