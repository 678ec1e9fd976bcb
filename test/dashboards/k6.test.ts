import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ROOT, runTool } from './helpers.js';

describe('k6 scripts (scenarios/k6)', () => {
  it(
    'type-check against @types/k6: tsc -p scenarios/k6/tsconfig.json --noEmit',
    { timeout: 60_000 },
    async () => {
      const tsc = `${ROOT}node_modules/.bin/tsc`;
      const result = await runTool(tsc, ['-p', 'scenarios/k6/tsconfig.json', '--noEmit']);
      expect(result.stdout + result.stderr).toBe('');
      expect(result.code).toBe(0);
    },
  );

  it('use k6/websockets and judge the scenario library targets', async () => {
    const script = await readFile(`${ROOT}scenarios/k6/alert-channel.ts`, 'utf8');
    expect(script).toMatch(/from 'k6\/websockets'/);
    expect(script).toMatch(/Authorization: `Bearer \$\{/);
    expect(script).toContain("pong_rtt: ['p(95)<100']");
    expect(script).toContain("ws_connect_success: ['rate>0.95']");
    expect(script).toContain("alerts_lost: ['count==0']");
    expect(script).toContain("alerts_duplicated: ['count==0']");
    expect(script).toMatch(/export function handleSummary/);
  });
});
