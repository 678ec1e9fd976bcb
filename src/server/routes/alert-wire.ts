import type { BreachAlertMessage } from '../../protocol/index.js';
import { AlertFrames } from '../core/alert-frame.js';
import { allocTextFrame, textFrame, textFrameHeaderBytes } from './text-frame.js';

const PREFIX = Buffer.from('{"type":"breach_alert","seq":');
const ID = Buffer.from(',"id":"');
const USER_ID = Buffer.from('","userId":"');
// Their lengths as plain numbers: a Buffer's length is a getter the compiled code calls.
const PREFIX_BYTES = PREFIX.length;
const ID_BYTES = ID.length;
const USER_ID_BYTES = USER_ID.length;

/**
 * The WebSocket frames of alerts, written byte by byte into the frame's buffer: the text
 * {@link AlertFrames} encodes, without building it as a string first. A batch publish sends
 * 10,000 such frames in one go, and the string of each (a concatenation V8 then flattens,
 * measures and copies out as UTF-8) cost about as much as everything else the server does for
 * it (`npm run bench -- server`, to everyone).
 *
 * An alert whose id or user id holds a character JSON escapes or that is not ASCII, or of
 * another shape (see {@link AlertFrames.sharedTail}), is framed from its encoded text. Keeps
 * the last alert and its frame, for a user with many sockets, and the bytes of one set of
 * shared fields: nothing grows with the traffic.
 */
export class AlertWireFrames {
  readonly #texts = new AlertFrames();
  #alert: BreachAlertMessage | undefined;
  #frame: Buffer = Buffer.alloc(0);
  #tailText: string | undefined;
  // `"` (the user id's closing quote), then the shared tail's bytes.
  #tail: Buffer = Buffer.alloc(0);
  #tailBytes = 0;

  /** The frame carrying the alert's `breach_alert` message. */
  frame(alert: BreachAlertMessage): Buffer {
    if (alert === this.#alert) return this.#frame;
    const frame = this.#build(alert) ?? textFrame(this.#texts.encode(alert));
    this.#alert = alert;
    this.#frame = frame;
    return frame;
  }

  /** The alert's message as text (for a socket whose frames only ws can build). */
  text(alert: BreachAlertMessage): string {
    return this.#texts.encode(alert);
  }

  #build(alert: BreachAlertMessage): Buffer | undefined {
    const tailText = this.#texts.sharedTail(alert);
    const { seq, id, userId } = alert;
    if (tailText === undefined || seq < 0) return undefined;
    if (tailText !== this.#tailText) {
      this.#tailText = tailText;
      this.#tail = Buffer.from(`"${tailText}`);
      this.#tailBytes = this.#tail.length;
    }
    const digits = decimalDigits(seq);
    const length =
      PREFIX_BYTES +
      digits +
      ID_BYTES +
      id.length +
      USER_ID_BYTES +
      userId.length +
      this.#tailBytes;
    const frame = allocTextFrame(length);
    let at = textFrameHeaderBytes(length);
    frame.set(PREFIX, at);
    at += PREFIX_BYTES + digits;
    for (let i = at - 1, rest = seq; i >= at - digits; i--, rest = Math.floor(rest / 10)) {
      frame[i] = 0x30 + (rest % 10);
    }
    frame.set(ID, at);
    at += ID_BYTES;
    if (!writePlain(frame, at, id)) return undefined;
    at += id.length;
    frame.set(USER_ID, at);
    at += USER_ID_BYTES;
    if (!writePlain(frame, at, userId)) return undefined;
    frame.set(this.#tail, at + userId.length);
    return frame;
  }
}

/** Decimal digits of a non-negative safe integer. */
function decimalDigits(n: number): number {
  let digits = 1;
  for (let bound = 10; n >= bound && digits < 16; bound *= 10) digits += 1;
  return digits;
}

/**
 * Writes `text` at `at` when JSON writes it as it is and every character is one byte (printable
 * ASCII but `"` and `\`); false, with part of it written, otherwise.
 */
function writePlain(frame: Buffer, at: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code > 0x7e || code === 0x22 || code === 0x5c) return false;
    frame[at + i] = code;
  }
  return true;
}
