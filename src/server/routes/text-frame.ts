/**
 * Unmasked, unfragmented WebSocket text frames (RFC 6455 §5.2: FIN and opcode 0x1, then the
 * payload length in 7, 7+16 or 7+64 bits, then the UTF-8 payload), built whole in one buffer so
 * a socket takes a frame in one write.
 *
 * Keeps the last text and its frame: the sockets of a user with many tabs are handed the same
 * text in turn, and it is framed once for all of them. Nothing grows with the traffic.
 */
export class TextFrames {
  #text: string | undefined;
  #frame: Buffer = Buffer.alloc(0);

  /** The frame carrying `text`. */
  frame(text: string): Buffer {
    if (text === this.#text) return this.#frame;
    const frame = textFrame(text);
    this.#text = text;
    this.#frame = frame;
    return frame;
  }
}

/** The frame carrying `text` (see {@link TextFrames}). */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text, 'utf8');
  const frame = allocTextFrame(length);
  frame.write(text, frame.length - length, length, 'utf8');
  return frame;
}

/** The header's length of a frame whose payload is `length` bytes. */
export function textFrameHeaderBytes(length: number): number {
  return length < 126 ? 2 : length < 0x10000 ? 4 : 10;
}

/**
 * A text frame for a payload of `length` bytes with its header written: the payload goes in
 * its last `length` bytes.
 */
export function allocTextFrame(length: number): Buffer {
  const headerBytes = textFrameHeaderBytes(length);
  const frame = Buffer.allocUnsafe(headerBytes + length);
  frame[0] = 0x81;
  if (headerBytes === 2) {
    frame[1] = length;
  } else if (headerBytes === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    // Lengths below 2^53: the high 32 bits, then the low 32.
    frame.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  return frame;
}
