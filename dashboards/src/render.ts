import { fileURLToPath } from 'node:url';
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { format, resolveConfig } from 'prettier';
import { buildAlertServer } from './alert-server.js';
import { buildConnectionHealth } from './connection-health.js';

/** The `dashboards/` folder: where the generated JSON lives. */
export const DASHBOARDS_DIR = fileURLToPath(new URL('../', import.meta.url));

/** Every generated dashboard: its file name in `dashboards/` and how to build it. */
export const DASHBOARDS: ReadonlyArray<{ file: string; build: () => Dashboard }> = [
  { file: 'connection-health.json', build: buildConnectionHealth },
  { file: 'alert-server.json', build: buildAlertServer },
];

/**
 * Serializes a dashboard exactly as it is committed: JSON formatted by the repository's
 * Prettier settings, so `prettier --check` and the "committed equals generated" test agree.
 */
export async function renderDashboard(d: Dashboard, file: string): Promise<string> {
  const path = `${DASHBOARDS_DIR}${file}`;
  const options = (await resolveConfig(path)) ?? {};
  return format(JSON.stringify(d), { ...options, filepath: path });
}
