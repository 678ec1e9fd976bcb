import type { RunResult } from './run-fault.js';

const HEADER = [
  'fault',
  'pass',
  'policy closes',
  'published',
  'lost',
  'duplicated',
  'disconnects',
  'recovery s',
  'final state',
];

function policyCell(result: RunResult): string {
  // The client's count and the server's flood metric should agree; show both when they don't
  // (a 1008 the client never saw was lost with its socket).
  return result.policyCloses === result.serverFloodCloses
    ? String(result.policyCloses)
    : `${result.policyCloses} (srv ${result.serverFloodCloses})`;
}

function row(result: RunResult): string[] {
  if (result.error !== undefined) {
    return [result.fault, String(result.pass), 'error: ' + result.error, '', '', '', '', '', ''];
  }
  return [
    result.fault,
    String(result.pass),
    policyCell(result),
    String(result.published),
    String(result.lost),
    String(result.duplicated),
    String(result.disconnects),
    result.recoveryS === null ? 'never' : result.recoveryS.toFixed(1),
    result.finalState,
  ];
}

/** The results as an aligned text table, one row per fault and pass. */
export function formatTable(results: readonly RunResult[]): string {
  const rows = [HEADER, ...results.map(row)];
  const widths = HEADER.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows
    .map((cells) =>
      cells
        .map((cell, i) =>
          i === 0 || i === 8 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!),
        )
        .join(' | ')
        .trimEnd(),
    )
    .join('\n');
}
