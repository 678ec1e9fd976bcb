import { bandwidth } from './bandwidth.js';
import { latency } from './latency.js';
import { limitData } from './limit-data.js';
import { noop } from './noop.js';
import { resetPeer } from './reset-peer.js';
import { slicer } from './slicer.js';
import { slowClose } from './slow-close.js';
import { timeout } from './timeout.js';
import type { ToxicKind } from './toxic.js';
import { websocketBlock } from './websocket-block.js';

/** Every toxic type the proxy knows, by its API `type` string. */
export const toxicKinds: ReadonlyMap<string, ToxicKind> = new Map(
  [latency, bandwidth, slowClose, timeout, resetPeer, slicer, limitData, noop, websocketBlock].map(
    (kind) => [kind.type, kind],
  ),
);
