import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { loadHtmlAssets } from '../runner/index.js';
import { UsageError } from './args.js';

/** A path in an error, whole: the reader needs all of it to find the file. */
const quotePath = (path: string): string => JSON.stringify(path);

/** The report files a run or `stormwatch report` writes, by flag (undefined: not asked for). */
export interface ReportPaths {
  report?: string | undefined;
  junit?: string | undefined;
  markdown?: string | undefined;
  html?: string | undefined;
}

/** The closest folder of `path` that exists, or the file that stands in its way. */
async function closestExisting(path: string): Promise<{ path: string; isDirectory: boolean }> {
  let at = resolve(path);
  for (;;) {
    const found = await stat(at).catch(() => undefined);
    if (found !== undefined) return { path: at, isDirectory: found.isDirectory() };
    const up = dirname(at);
    if (up === at) return { path: at, isDirectory: true };
    at = up;
  }
}

/**
 * Checks, before a run starts, that every report asked for can be written: the path is not a
 * folder, its folder exists or can be made and is writable; with `--html`, that the chart
 * script is built. A {@link UsageError} naming the flag otherwise, so an hour-long run never
 * ends unable to write its reports.
 */
export async function checkReportPaths(paths: ReportPaths): Promise<void> {
  for (const [flag, path] of Object.entries(paths)) {
    if (typeof path !== 'string') continue;
    if (path === '') throw new UsageError(`--${flag}: expected a file name, got ""`);
    const target = await stat(path).catch(() => undefined);
    if (target?.isDirectory() === true) {
      throw new UsageError(`--${flag}: expected a file, got the folder ${quotePath(path)}`);
    }
    // An existing file is overwritten; else its folder is made where missing.
    const folder =
      target === undefined ? await closestExisting(dirname(path)) : { path, isDirectory: true };
    if (!folder.isDirectory) {
      throw new UsageError(
        `--${flag}: cannot write ${quotePath(path)}: ${quotePath(folder.path)} is a file, not a folder`,
      );
    }
    const writable = await access(folder.path, constants.W_OK).then(
      () => true,
      () => false,
    );
    if (!writable) {
      throw new UsageError(
        `--${flag}: cannot write ${quotePath(path)}: ${quotePath(folder.path)} is not writable`,
      );
    }
  }
  if (paths.html !== undefined) await loadHtmlAssets();
}
