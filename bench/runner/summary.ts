// Summarizing a day of pongs: the report's summary read in place (`summarizeSeries`) against
// summarizing a copy of the values (`summarize(series.values())`), the peer, on the same series in
// the same run. Prints median wall time of each and the memory the copy takes; not a test.
//
//   npx tsx bench/runner/summary.ts [--samples 28000000] [--rounds 5]
import { parseArgs } from 'node:util';
import { createSeededRandom } from '../../src/client/index.js';
import { summarize } from '../../src/runner/measure/order-stats.js';
import { summarizeSeries } from '../../src/runner/measure/series-stats.js';
import { SampleSeries } from '../../src/runner/measure/series.js';
import { median } from '../lib/stats.js';

const { values } = parseArgs({
  options: {
    samples: { type: 'string', default: '28000000' },
    rounds: { type: 'string', default: '5' },
  },
});
const samples = Number(values.samples);
const rounds = Number(values.rounds);
if (!(samples > 0) || !(rounds > 0)) {
  console.error('summary: --samples and --rounds must be positive numbers');
  process.exit(2);
}

// RTTs of a fleet-day: 5–235 ms, with one in a thousand behind a 12 s latency patch.
const random = createSeededRandom(2024);
const series = new SampleSeries({ times: false });
for (let i = 0; i < samples; i++) {
  series.push(0, 5 + random() * 230 + (random() < 0.001 ? 12_000 : 0));
}
const map = (ms: number) => ms / 1000;

const inPlace: number[] = [];
const copied: number[] = [];
for (let r = 0; r < rounds; r++) {
  let start = performance.now();
  const a = summarizeSeries(series, { map });
  inPlace.push(performance.now() - start);
  start = performance.now();
  const b = summarize(series.values(undefined, map), true);
  copied.push(performance.now() - start);
  if (JSON.stringify(a) !== JSON.stringify(b)) {
    console.error('summary: the two summaries differ', a, b);
    process.exit(1);
  }
}
const fmt = (ms: number) => `${ms.toFixed(0)} ms`;
console.log(
  `summary of ${samples.toLocaleString('en-US')} samples, median of ${rounds}: in place ${fmt(median(inPlace))}, copy ${fmt(median(copied))} (${(median(inPlace) / median(copied)).toFixed(2)}×); the copy takes ${((samples * 8) / 2 ** 20).toFixed(0)} MiB more`,
);
