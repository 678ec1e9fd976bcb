import type { SimFaultModel } from './types.js';

/** How a sim fault attribute is written in a scenario. */
export interface SimAttributeSpec {
  /** `ms`: a duration ("2h"), scaled by timeScale; `ratio`: a number within [min, max]. */
  unit: 'ms' | 'ratio';
  required: boolean;
  fallback: number;
  min: number;
  max?: number;
}

/** Attributes of the sim-only fault models (`sim.drops`, `sim.latency`, `sim.outage`). */
export const SIM_FAULT_ATTRIBUTES: Record<SimFaultModel, Record<string, SimAttributeSpec>> = {
  // Each client's connection is reset after an exponentially distributed time with this mean.
  drops: { mtbf: { unit: 'ms', required: true, fallback: 3_600_000, min: 1 } },
  // One-way latency added to every frame: `base` at the start, `peak` half a `period` later.
  latency: {
    base: { unit: 'ms', required: false, fallback: 0, min: 0 },
    peak: { unit: 'ms', required: true, fallback: 0, min: 0 },
    period: { unit: 'ms', required: false, fallback: 86_400_000, min: 1 },
  },
  // A seeded choice of this share of the clients loses its link (refused and dropped).
  outage: { fraction: { unit: 'ratio', required: true, fallback: 0, min: 0, max: 1 } },
};

/** The sim fault models a scenario may name after `sim.`. */
export const SIM_FAULT_MODELS = Object.keys(SIM_FAULT_ATTRIBUTES) as SimFaultModel[];

/** Attributes with every duration multiplied by `timeScale`. */
export function scaleSimAttributes(
  model: SimFaultModel,
  attributes: Record<string, number>,
  timeScale: number,
): Record<string, number> {
  const specs = SIM_FAULT_ATTRIBUTES[model];
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(attributes)) {
    out[name] = specs[name]?.unit === 'ms' ? value * timeScale : value;
  }
  return out;
}
