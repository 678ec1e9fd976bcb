import type { RunReport } from './report.js';

const escape = (text: string): string =>
  text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');

/**
 * JUnit XML: one test case per threshold and per steady-state probe, so CI systems show which
 * reliability target failed.
 */
export function renderJunit(report: RunReport): string {
  const cases: string[] = [];
  let skipped = 0;
  let failures = 0;
  const suite = escape(report.scenario.title);
  for (const phase of ['before', 'after'] as const) {
    for (const probe of report.steadyState[phase]) {
      const name = escape(
        `steady state ${phase}: ${probe.name} (${probe.metric} ${probe.expected})`,
      );
      if (probe.met) cases.push(`    <testcase classname="${suite}" name="${name}"/>`);
      else {
        failures += 1;
        cases.push(
          `    <testcase classname="${suite}" name="${name}">\n      <failure message="${escape(`actual ${probe.actual}`)}"/>\n    </testcase>`,
        );
      }
    }
  }
  for (const t of report.thresholds) {
    const name = escape(`${t.metric}: ${t.threshold} [${t.window}]`);
    if (t.notMeasured !== undefined) {
      skipped += 1;
      cases.push(
        `    <testcase classname="${suite}" name="${name}">\n      <skipped message="${escape(`not measured: ${t.notMeasured}`)}"/>\n    </testcase>`,
      );
    } else if (t.passed) cases.push(`    <testcase classname="${suite}" name="${name}"/>`);
    else if (t.inconclusive) {
      skipped += 1;
      cases.push(
        `    <testcase classname="${suite}" name="${name}">\n      <skipped message="${escape(`inconclusive: actual ${t.actual ?? 'no data'}, within the host lag's ±${t.uncertainty ?? 0} s`)}"/>\n    </testcase>`,
      );
    } else {
      failures += 1;
      cases.push(
        `    <testcase classname="${suite}" name="${name}">\n      <failure message="${escape(`actual ${t.actual ?? 'no data'}`)}"/>\n    </testcase>`,
      );
    }
  }
  // A harness error, or a run stopped before its end, is one error case.
  const errors = report.verdict === 'error' || report.verdict === 'interrupted' ? 1 : 0;
  if (errors === 1) {
    cases.push(
      `    <testcase classname="${suite}" name="harness">\n      <error message="${escape(report.reason ?? 'error')}"/>\n    </testcase>`,
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="stormwatch" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}">`,
    `  <testsuite name="${suite}" tests="${cases.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${report.durationSeconds}">`,
    ...cases,
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}
