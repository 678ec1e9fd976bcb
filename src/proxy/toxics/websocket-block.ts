import { NO_LEFTOVERS, attribute, type Chunk, type ToxicKind } from './toxic.js';

/** Longest request head inspected; a longer one passes untouched. */
const MAX_HEAD_BYTES = 16 * 1024;
const HEAD_END = Buffer.from('\r\n\r\n');
const UPGRADE_HEADER = /^upgrade:[ \t]*websocket[ \t]*$/im;
// Hop-by-hop headers a middlebox drops along with the upgrade.
const STRIPPED = /^(upgrade|connection|sec-websocket-[a-z]+):.*$/i;

/** True when a chunk can start an HTTP/1.1 request (a WebSocket frame never starts with a method). */
function startsRequest(data: Buffer): boolean {
  return /^[A-Z]{3,7} /.test(data.subarray(0, 8).toString('latin1'));
}

/**
 * `websocket_block` (stormwatch's own; Toxiproxy has no such toxic), on the upstream stream: a
 * middlebox that does not let WebSocket through. Each connection's first request head is
 * read; a WebSocket upgrade is either stripped of its upgrade headers and passed on as the plain
 * GET such a proxy forwards (`reset: 0`, the default: the server answers it, not with 101), or
 * refused with a TCP reset (`reset: 1`). Other requests (plain HTTP, long polls) and
 * connections already upgraded when the toxic arrives pass untouched.
 */
export const websocketBlock: ToxicKind = {
  type: 'websocket_block',
  defaults: { reset: 0 },
  validate: (attributes) => {
    const reset = attribute(attributes, 'reset');
    return reset === 0 || reset === 1 ? undefined : `reset must be 0 or 1, got ${reset}`;
  },
  createStage: (attributes, context) => {
    const reset = attribute(attributes, 'reset') === 1;
    // 'head': collecting the first request head; 'pass': everything else flows untouched.
    let phase: 'start' | 'head' | 'pass' = 'start';
    let held: Buffer[] = [];
    let heldBytes = 0;
    let firstAt = 0;
    const release = (data: Buffer): void => {
      phase = 'pass';
      held = [];
      heldBytes = 0;
      context.emit({ data, timestamp: firstAt });
    };
    const inspect = (): void => {
      const buffer = Buffer.concat(held, heldBytes);
      const end = buffer.indexOf(HEAD_END);
      if (end < 0) {
        if (heldBytes > MAX_HEAD_BYTES) release(buffer);
        return;
      }
      const head = buffer.subarray(0, end).toString('latin1');
      if (!UPGRADE_HEADER.test(head)) {
        release(buffer);
        return;
      }
      if (reset) {
        phase = 'pass';
        context.discard(heldBytes);
        held = [];
        context.reset();
        return;
      }
      const lines = head.split('\r\n').filter((line) => !STRIPPED.test(line));
      lines.push('Connection: close');
      const rewritten = Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');
      // Bytes dropped from the head are accounted for, as any toxic that drops data.
      const rest = buffer.subarray(end + HEAD_END.length);
      const dropped = end + HEAD_END.length - rewritten.length;
      if (dropped > 0) context.discard(dropped);
      release(rest.length === 0 ? rewritten : Buffer.concat([rewritten, rest]));
    };
    return {
      write: (chunk: Chunk) => {
        if (phase === 'pass') {
          context.emit(chunk);
          return;
        }
        if (phase === 'start') {
          if (!startsRequest(chunk.data)) {
            phase = 'pass';
            context.emit(chunk);
            return;
          }
          phase = 'head';
          firstAt = chunk.timestamp;
        }
        held.push(chunk.data);
        heldBytes += chunk.data.length;
        inspect();
      },
      end: () => {
        if (phase === 'head' && heldBytes > 0) release(Buffer.concat(held, heldBytes));
        context.emitEnd();
      },
      detach: () => {
        if (phase !== 'head' || heldBytes === 0) return NO_LEFTOVERS;
        const chunks = [{ data: Buffer.concat(held, heldBytes), timestamp: firstAt }];
        held = [];
        heldBytes = 0;
        phase = 'pass';
        return { chunks, ended: false };
      },
      dispose: () => {
        held = [];
      },
    };
  },
};
