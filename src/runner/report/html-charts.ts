// The HTML report's charts, in the browser: bundled with uPlot by scripts/build-report-assets.js
// and inlined into the page by renderHtml, so the file needs no network to be read.
import uPlot from 'uplot';
import type { HtmlChartData } from './html-data.js';

/** The page marks its body with this attribute once every chart is drawn. */
const READY_ATTRIBUTE = 'data-charts';

interface Palette {
  text: string;
  grid: string;
  connected: string;
  reconnecting: string;
  failed: string;
  fault: string;
  faultText: string;
  bar: string;
}

function readPalette(): Palette {
  const style = getComputedStyle(document.documentElement);
  const read = (name: string) => style.getPropertyValue(name).trim();
  return {
    text: read('--text'),
    grid: read('--grid'),
    connected: read('--ok'),
    reconnecting: read('--warn'),
    failed: read('--bad'),
    fault: read('--fault-fill'),
    faultText: read('--fault-text'),
    bar: read('--accent'),
  };
}

function readData(): HtmlChartData {
  const element = document.getElementById('report-data');
  return JSON.parse(element?.textContent ?? '{}') as HtmlChartData;
}

const axis = (palette: Palette, label: string): uPlot.Axis => ({
  label,
  stroke: palette.text,
  grid: { stroke: palette.grid, width: 1 },
  ticks: { stroke: palette.grid, width: 1 },
});

/** Shades each fault's window behind the series and writes its name at the top. */
function faultBands(data: HtmlChartData, palette: Palette): uPlot.Plugin {
  return {
    hooks: {
      drawAxes: (u: uPlot) => {
        const { ctx } = u;
        const { top, height } = u.bbox;
        ctx.save();
        ctx.font = `${Math.round(11 * devicePixelRatio)}px system-ui, sans-serif`;
        ctx.textBaseline = 'top';
        data.faults.forEach((fault, index) => {
          const left = u.valToPos(fault.start, 'x', true);
          const right = u.valToPos(fault.end ?? data.durationSeconds, 'x', true);
          ctx.fillStyle = palette.fault;
          ctx.fillRect(left, top, Math.max(right - left, devicePixelRatio), height);
          ctx.fillStyle = palette.faultText;
          // Staggered so neighbouring labels do not overwrite each other.
          const line = index % 3;
          ctx.fillText(
            fault.name,
            left + 3 * devicePixelRatio,
            top + (2 + 13 * line) * devicePixelRatio,
          );
        });
        ctx.restore();
      },
    },
  };
}

function fleetChart(
  target: HTMLElement,
  data: HtmlChartData,
  palette: Palette,
  width: number,
): uPlot | undefined {
  const timeline = data.timeline;
  if (timeline === undefined) return undefined;
  const xs = timeline.connected.map((_, i) => i * timeline.stepSeconds);
  // Each point holds until the next: steps, not slopes between samples.
  const stepped = uPlot.paths.stepped?.({ align: 1 });
  const series = (label: string, stroke: string): uPlot.Series => ({
    label,
    stroke,
    width: 2,
    points: { show: false },
    ...(stepped === undefined ? {} : { paths: stepped }),
  });
  return new uPlot(
    {
      width,
      height: 260,
      scales: { x: { time: false, range: [0, Math.max(data.durationSeconds, xs.at(-1) ?? 0)] } },
      axes: [axis(palette, 'scenario seconds'), axis(palette, 'clients')],
      series: [
        { label: 's' },
        series('connected', palette.connected),
        series('reconnecting', palette.reconnecting),
        series('failed', palette.failed),
      ],
      legend: { live: false },
      plugins: [faultBands(data, palette)],
    },
    [xs, timeline.connected, timeline.reconnecting, timeline.failed],
    target,
  );
}

function backoffChart(
  target: HTMLElement,
  data: HtmlChartData,
  palette: Palette,
  width: number,
): uPlot | undefined {
  if (data.backoff.length === 0) return undefined;
  const bars = uPlot.paths.bars?.({ size: [0.6, 40] });
  return new uPlot(
    {
      width,
      height: 200,
      scales: { x: { time: false, range: [0.5, data.backoff.length + 0.5] } },
      axes: [
        // Whole attempts only.
        { ...axis(palette, 'attempt'), incrs: [1, 2, 5, 10, 20, 50, 100] },
        axis(palette, 'delay (s)'),
      ],
      series: [
        { label: 'attempt' },
        {
          label: 'delay (s)',
          stroke: palette.bar,
          fill: palette.bar,
          ...(bars === undefined ? {} : { paths: bars }),
          points: { show: false },
        },
      ],
      legend: { show: false },
    },
    [data.backoff.map((b) => b.attempt), data.backoff.map((b) => b.delay)],
    target,
  );
}

let charts: uPlot[] = [];

function draw(): void {
  for (const chart of charts) chart.destroy();
  charts = [];
  const data = readData();
  const palette = readPalette();
  const place = (
    id: string,
    make: (t: HTMLElement, d: HtmlChartData, p: Palette, w: number) => uPlot | undefined,
  ) => {
    const target = document.getElementById(id);
    if (target === null) return;
    const chart = make(target, data, palette, Math.max(320, target.clientWidth));
    if (chart !== undefined) charts.push(chart);
  };
  place('chart-fleet', fleetChart);
  place('chart-backoff', backoffChart);
  document.body.setAttribute(READY_ATTRIBUTE, String(charts.length));
}

draw();
// Colours follow the reader's scheme, widths the window.
matchMedia('(prefers-color-scheme: dark)').addEventListener('change', draw);
let resizing: number | undefined;
addEventListener('resize', () => {
  if (resizing !== undefined) cancelAnimationFrame(resizing);
  resizing = requestAnimationFrame(draw);
});
