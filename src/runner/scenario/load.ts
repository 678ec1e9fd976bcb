import { open, type FileHandle } from 'node:fs/promises';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { RunnerError, RunnerErrorCode, ScenarioError, type ScenarioLocation } from '../errors.js';
import { formatPath, type Path } from './reader.js';
import type { Scenario } from './types.js';
import { validateScenario, type ScenarioOverrides } from './validate.js';

/** The largest scenario file read, in bytes (1 MiB). */
export const MAX_SCENARIO_BYTES = 1024 * 1024;

/**
 * Parses YAML (or JSON) text keeping where each node came from: `locate(path)` gives the line
 * and column of a path's key or value (a missing one points at its nearest parent). Throws a
 * {@link ScenarioError} for YAML errors and for a file holding nothing; `what` names what was
 * expected in that message.
 */
export function parseLocatedYaml(
  text: string,
  file: string,
  what: string,
): { value: unknown; locate: (path: Path) => { line: number; column: number } } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length === 0 && (doc.contents === null || doc.contents === undefined)) {
    // Nothing but blanks or comments: say so rather than "version is required".
    throw new ScenarioError([
      { file, line: 1, column: 1, field: '', message: `the file is empty (expected ${what})` },
    ]);
  }
  if (doc.errors.length > 0) {
    throw new ScenarioError(
      doc.errors.map((error) => {
        const pos = lineCounter.linePos(error.pos[0]);
        return {
          file,
          line: pos.line,
          column: pos.col,
          field: '',
          message: `YAML: ${error.message.split('\n')[0] ?? error.message}`,
        };
      }),
    );
  }
  const locate = (path: Path): { line: number; column: number } => {
    // Walk up to the nearest node that exists (a missing field points at its parent).
    for (let depth = path.length; depth >= 0; depth--) {
      const node = nodeAt(doc, path.slice(0, depth));
      const range = node?.range;
      if (range !== undefined && range !== null) {
        const pos = lineCounter.linePos(range[0]);
        return { line: pos.line, column: pos.col };
      }
    }
    return { line: 1, column: 1 };
  };
  return { value: doc.toJS(), locate };
}

/** Turns issues into a {@link ScenarioError} with file, line and column, sorted by line. */
export function locatedError(
  file: string,
  issues: readonly { path: Path; message: string }[],
  locate: (path: Path) => { line: number; column: number },
): ScenarioError {
  const problems: ScenarioLocation[] = issues.map((issue) => ({
    file,
    ...locate(issue.path),
    field: formatPath(issue.path),
    message: issue.message,
  }));
  problems.sort((a, b) => a.line - b.line || a.column - b.column);
  return new ScenarioError(problems);
}

/** Parses and validates scenario text; throws a {@link ScenarioError} naming file and line. */
export function parseScenario(
  text: string,
  file: string,
  overrides: ScenarioOverrides = {},
): Scenario {
  const { value, locate } = parseLocatedYaml(text, file, 'a scenario: version, title, method, …');
  const { scenario, issues } = validateScenario(
    value,
    file,
    (path) => locate(path).line,
    overrides,
  );
  if (scenario === undefined) throw locatedError(file, issues, locate);
  return scenario;
}

function nodeAt(
  doc: Document,
  path: Path,
): { range?: [number, number, number] | null } | undefined {
  if (path.length === 0) return doc.contents ?? undefined;
  // For a key, point at the key itself rather than its value.
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  const last = path[path.length - 1];
  if (isNode(parent) && 'items' in parent && Array.isArray(parent.items)) {
    for (const [index, item] of (parent.items as unknown[]).entries()) {
      if (typeof last === 'number') {
        if (index === last) return isNode(item) ? item : undefined;
      } else if (typeof item === 'object' && item !== null && 'key' in item) {
        const key = item.key;
        if (isNode(key) && 'value' in key && key.value === last) return key;
      }
    }
  }
  const node = doc.getIn(path, true);
  return isNode(node) ? node : undefined;
}

/** Reads a scenario file; unreadable files and invalid content become one-line errors. */
export async function loadScenario(
  file: string,
  overrides: ScenarioOverrides = {},
): Promise<Scenario> {
  let text: string;
  try {
    const handle = await open(file, 'r');
    try {
      text = await readBounded(handle, file);
    } finally {
      await handle.close();
    }
  } catch (error) {
    if (error instanceof RunnerError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new RunnerError(
      RunnerErrorCode.SCENARIO_UNREADABLE,
      `${file}: cannot read scenario (${code === 'ENOENT' ? 'no such file' : (code ?? String(error))})`,
    );
  }
  return parseScenario(text, file, overrides);
}

/**
 * Reads at most {@link MAX_SCENARIO_BYTES}: a scenario is a page of YAML, not whatever a path
 * points at (a log, an image, /dev/zero). A regular file is measured before it is read.
 */
async function readBounded(handle: FileHandle, file: string): Promise<string> {
  const stats = await handle.stat();
  const tooBig = (size: number | undefined) =>
    new RunnerError(
      RunnerErrorCode.SCENARIO_INVALID,
      `${file}: scenario file is ${size === undefined ? 'over 1 MiB' : `${size} bytes`}, ` +
        `expected at most ${MAX_SCENARIO_BYTES} bytes (1 MiB)`,
    );
  if (stats.isFile() && stats.size > MAX_SCENARIO_BYTES) throw tooBig(stats.size);
  const buffer = Buffer.alloc(MAX_SCENARIO_BYTES + 1);
  let length = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
    if (bytesRead === 0) break;
    length += bytesRead;
    if (length > MAX_SCENARIO_BYTES) throw tooBig(undefined);
  }
  return buffer.toString('utf8', 0, length);
}
