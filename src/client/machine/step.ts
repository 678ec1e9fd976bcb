import type { ClientMessage } from '../../protocol/index.js';
import type { ClientEventMap, TransitionReason } from '../events.js';
import type { Effect, MachineState, Phase, TimerName, TransitionContext } from './types.js';

// A copy written field by field: a literal of one shape is several times faster to build than a
// spread, and a client makes one each transition. The type makes sure no field is left out.
function copyState(s: MachineState): MachineState {
  return {
    phase: s.phase,
    attempt: s.attempt,
    failingSince: s.failingSince,
    previousDelayMs: s.previousDelayMs,
    authRetried: s.authRetried,
    urlCursor: s.urlCursor,
    nextSocketId: s.nextSocketId,
    nextTokenRequest: s.nextTokenRequest,
    tokenInFlight: s.tokenInFlight,
    tokenFreshFrom: s.tokenFreshFrom,
    online: s.online,
    visible: s.visible,
    quality: s.quality,
    pending: s.pending,
    nextPingId: s.nextPingId,
    sequence: s.sequence,
    ack: s.ack,
    lastFrameAt: s.lastFrameAt,
  };
}

/** Details a state change may carry. */
export interface ChangeDetails {
  closeCode?: number | undefined;
  httpStatus?: number | undefined;
  delayMs?: number | undefined;
  url?: string | undefined;
  detectionMs?: number | undefined;
}

/**
 * Accumulates the next state and the effects of one transition. Local to `transition`, so the
 * machine stays pure from the outside.
 */
export class Step {
  /**
   * The next state. The first update copies the state passed in (never mutated); later updates
   * write into that copy, which nothing outside this step has seen yet.
   */
  state: MachineState;
  #copied = false;
  /** Effects in the order the shell must run them. */
  readonly effects: Effect[] = [];
  readonly ctx: TransitionContext;

  constructor(state: MachineState, ctx: TransitionContext) {
    this.state = state;
    this.ctx = ctx;
  }

  /** Clock time of the event being handled, epoch ms. */
  get now(): number {
    return this.ctx.now;
  }

  /** Replaces fields of the state. */
  update(patch: Partial<MachineState>): void {
    if (!this.#copied) {
      this.state = copyState(this.state);
      this.#copied = true;
    }
    Object.assign(this.state, patch);
  }

  /** Queues an event for the app. */
  emit<K extends keyof ClientEventMap>(event: K, payload: ClientEventMap[K]): void {
    this.effects.push({ type: 'emit', event, payload } as Effect);
  }

  /** Queues a frame for `socketId`. */
  send(socketId: number, message: ClientMessage): void {
    this.effects.push({ type: 'send', socketId, message });
  }

  /** (Re)arms the named timer. */
  setTimer(timer: TimerName, delayMs: number): void {
    this.effects.push({ type: 'set-timer', timer, delayMs: Math.max(0, delayMs) });
  }

  /** Cancels the named timers. */
  clearTimer(...timers: TimerName[]): void {
    for (const timer of timers) this.effects.push({ type: 'clear-timer', timer });
  }

  /** Moves to `phase` and emits the state change (unless nothing visible changed). */
  enter(phase: Phase, reason: TransitionReason, details: ChangeDetails = {}): void {
    const from = this.state.phase;
    this.update({ phase });
    const attempt = 'attempt' in phase ? phase.attempt : this.state.attempt;
    const fromAttempt = 'attempt' in from ? from.attempt : this.state.attempt;
    const fromReason = 'reason' in from ? from.reason : undefined;
    const toReason = 'reason' in phase ? phase.reason : undefined;
    // connecting(token) → connecting(socket) is one step of the same attempt, not a change.
    if (from.name === phase.name && fromAttempt === attempt && fromReason === toReason) return;
    const change: ClientEventMap['state'] = {
      from: from.name,
      to: phase.name,
      reason,
      attempt,
      at: this.now,
    };
    if (details.closeCode !== undefined) change.closeCode = details.closeCode;
    if (details.httpStatus !== undefined) change.httpStatus = details.httpStatus;
    if (details.delayMs !== undefined) change.delayMs = details.delayMs;
    if (details.url !== undefined) change.url = details.url;
    if (details.detectionMs !== undefined) change.detectionMs = details.detectionMs;
    this.emit('state', change);
  }

  /** The socket of the current attempt or connection, if one exists. */
  liveSocket(): number | undefined {
    const phase = this.state.phase;
    if (phase.name === 'connected') return phase.socketId;
    if (phase.name === 'connecting' && phase.step === 'socket') return phase.socketId;
    return undefined;
  }

  /** Closes the live socket, if any; its later events are ignored (it is superseded). */
  closeLiveSocket(code: number, reason: string): void {
    const socketId = this.liveSocket();
    if (socketId !== undefined) this.effects.push({ type: 'close-socket', socketId, code, reason });
  }
}
