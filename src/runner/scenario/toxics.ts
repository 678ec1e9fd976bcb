import type { ToxicType } from './types.js';

/** How a toxic attribute is written in a scenario and sent to Toxiproxy. */
export interface AttributeSpec {
  /** `ms`/`us`: a duration ("12s") or a number in that unit; scaled by timeScale. */
  unit: 'ms' | 'us' | 'bytes' | 'KB/s' | 'flag';
  required: boolean;
  fallback: number;
  /** Smallest value accepted. */
  min: number;
}

/** Attributes of every toxic, in Toxiproxy 2.12's names and units. */
export const TOXIC_ATTRIBUTES: Record<ToxicType, Record<string, AttributeSpec>> = {
  latency: {
    latency: { unit: 'ms', required: true, fallback: 0, min: 0 },
    jitter: { unit: 'ms', required: false, fallback: 0, min: 0 },
  },
  timeout: { timeout: { unit: 'ms', required: false, fallback: 0, min: 0 } },
  reset_peer: { timeout: { unit: 'ms', required: false, fallback: 0, min: 0 } },
  bandwidth: { rate: { unit: 'KB/s', required: true, fallback: 0, min: 0 } },
  slicer: {
    average_size: { unit: 'bytes', required: true, fallback: 0, min: 1 },
    size_variation: { unit: 'bytes', required: false, fallback: 0, min: 0 },
    delay: { unit: 'us', required: false, fallback: 0, min: 0 },
  },
  limit_data: { bytes: { unit: 'bytes', required: true, fallback: 0, min: 0 } },
  slow_close: { delay: { unit: 'ms', required: true, fallback: 0, min: 0 } },
  // The embedded proxy's own: upgrades stripped (0) or reset (1) on the way in.
  websocket_block: { reset: { unit: 'flag', required: false, fallback: 0, min: 0 } },
};

/**
 * Streams a toxic may act on, the first being its default, where not every stream makes sense:
 * a blocked upgrade is a request on its way in.
 */
export const TOXIC_STREAMS: Partial<
  Record<ToxicType, readonly ('upstream' | 'downstream' | 'both')[]>
> = {
  websocket_block: ['upstream'],
};

/** Toxics only the embedded proxy has (a real Toxiproxy answers them with an error). */
export const EMBEDDED_ONLY_TOXICS: ReadonlySet<ToxicType> = new Set(['websocket_block']);

/** The toxic types a scenario may name after `fault.`. */
export const TOXIC_TYPES = Object.keys(TOXIC_ATTRIBUTES) as ToxicType[];

/** Attributes in Toxiproxy units with every duration multiplied by `timeScale`. */
export function scaleAttributes(
  toxic: ToxicType,
  attributes: Record<string, number>,
  timeScale: number,
): Record<string, number> {
  const specs = TOXIC_ATTRIBUTES[toxic];
  const out: Record<string, number> = {};
  for (const [name, value] of Object.entries(attributes)) {
    const unit = specs[name]?.unit;
    out[name] = unit === 'ms' || unit === 'us' ? Math.round(value * timeScale) : value;
  }
  return out;
}
