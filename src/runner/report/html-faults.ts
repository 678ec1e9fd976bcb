import { escapeHtml } from './html-escape.js';
import type { RunReport } from './report.js';

const ROW_HEIGHT = 26;
const AXIS_HEIGHT = 24;
/** Width of the drawing in SVG units; the page scales it to the column. */
const WIDTH = 1000;
/** Room on the left for the fault names. */
const LABEL_WIDTH = 220;

const seconds = (value: number): string => String(Number(value.toFixed(1)));

/** Round tick spacing giving about six ticks over `span` seconds. */
function tickStep(span: number): number {
  const raw = span / 6;
  const power = 10 ** Math.floor(Math.log10(raw));
  const nice = [1, 2, 5, 10].find((m) => m * power >= raw) ?? 10;
  return nice * power;
}

/**
 * The faults as labelled bars over the run's duration, one row each, as inline SVG (scenario
 * seconds from the method's start). A fault still open at the end runs to the end, hatched.
 * Empty string when the run had no faults.
 */
export function renderFaultTimeline(faults: RunReport['faults'], durationSeconds: number): string {
  if (faults.length === 0) return '';
  const span = Math.max(durationSeconds, ...faults.map((f) => f.end ?? f.start), 1);
  const plot = WIDTH - LABEL_WIDTH - 10;
  const x = (s: number) => LABEL_WIDTH + (Math.min(Math.max(s, 0), span) / span) * plot;
  const height = faults.length * ROW_HEIGHT + AXIS_HEIGHT;
  const parts: string[] = [];
  parts.push(
    `<svg class="faults" viewBox="0 0 ${WIDTH} ${height}" role="img" aria-label="fault timeline">`,
  );
  const step = tickStep(span);
  for (let t = 0; t <= span + 1e-9; t += step) {
    const at = x(t).toFixed(1);
    parts.push(
      `<line class="tick" x1="${at}" x2="${at}" y1="0" y2="${height - AXIS_HEIGHT}"/>`,
      `<text class="axis" x="${at}" y="${height - 6}" text-anchor="middle">${seconds(t)} s</text>`,
    );
  }
  faults.forEach((fault, i) => {
    const top = i * ROW_HEIGHT + 4;
    const left = x(fault.start);
    const right = x(fault.end ?? span);
    const name = escapeHtml(fault.name);
    const range = `${seconds(fault.start)}–${fault.end === null ? 'end' : seconds(fault.end)} s`;
    parts.push(
      `<g class="fault${fault.end === null ? ' open' : ''}" data-fault="${name}">`,
      `<title>${name}: ${range}</title>`,
      `<text class="label" x="${LABEL_WIDTH - 8}" y="${top + 13}" text-anchor="end">${name}</text>`,
      `<rect x="${left.toFixed(1)}" y="${top}" width="${Math.max(right - left, 2).toFixed(1)}" height="${ROW_HEIGHT - 8}" rx="3"/>`,
      // Beside the bar where there is room, else inside its right end.
      right < LABEL_WIDTH + plot * 0.8
        ? `<text class="range" x="${(right + 6).toFixed(1)}" y="${top + 13}">${range}</text>`
        : `<text class="range inside" x="${(right - 6).toFixed(1)}" y="${top + 13}" text-anchor="end">${range}</text>`,
      `</g>`,
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
