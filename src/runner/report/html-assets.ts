import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { RunnerError, RunnerErrorCode } from '../errors.js';
import type { HtmlAssets } from './html.js';

/**
 * Where `npm run build` (scripts/build-report-assets.js) writes the chart script and
 * stylesheet: `<package root>/dist/report/`, the same from src/ and from dist/.
 */
export const HTML_ASSETS_DIR = fileURLToPath(new URL('../../../dist/report/', import.meta.url));

/** Reads the HTML report's bundled chart script and stylesheet. */
export async function loadHtmlAssets(dir = HTML_ASSETS_DIR): Promise<HtmlAssets> {
  try {
    const [script, css] = await Promise.all([
      readFile(`${dir}/report-charts.js`, 'utf8'),
      readFile(`${dir}/report-charts.css`, 'utf8'),
    ]);
    return { script, css };
  } catch (error) {
    throw new RunnerError(
      RunnerErrorCode.REPORT_ASSETS_MISSING,
      `the HTML report's chart script is missing from ${dir} (run npm run build): ${(error as Error).message}`,
      { cause: error },
    );
  }
}
