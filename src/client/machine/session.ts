// What happens on an open connection: frames from the server and the heartbeat.
import { parseServerMessage, type ServerMessage } from '../../protocol/index.js';
import { ClientError, ClientErrorCode } from '../errors.js';
import { afterAlert, flush, type AckDecision } from '../ack.js';
import { addPing, judgePings, matchPong, nextCheckAt } from '../heartbeat.js';
import { applyAlert, applyHello, applyResumed } from '../resume.js';
import type { Step } from './step.js';
import type { MachineConfig, MachineState } from './types.js';

/** Starts the heartbeat on a fresh (or newly visible) connection: a clean slate and a timer. */
export function startHeartbeat(step: Step, pingNow: boolean): void {
  const socketId = step.liveSocket();
  const { intervalMs } = step.ctx.config.heartbeat;
  step.update({ pending: [] });
  step.clearTimer('heartbeat-check');
  if (socketId === undefined || intervalMs <= 0) return;
  if (pingNow) sendPing(step, socketId, false);
  step.setTimer('ping', intervalMs);
  scheduleCheck(step);
}

/** The `ping` timer fired: ping and rearm. */
export function onPingTimer(step: Step): void {
  const socketId = step.liveSocket();
  if (socketId === undefined || step.state.phase.name !== 'connected') return;
  sendPing(step, socketId, false);
  step.setTimer('ping', step.ctx.config.heartbeat.intervalMs);
  scheduleCheck(step);
}

/**
 * True when the `ping` timer firing now could be played as one round trip
 * (`TransportSocket.echoPing`): connected and visible, no ping in flight, quality good. Then the
 * ping, its pong and nothing else change the state, as {@link onEchoedPings} applies them.
 */
export function canEchoPing(state: MachineState, config: MachineConfig): boolean {
  return (
    state.phase.name === 'connected' &&
    state.visible &&
    state.pending.length === 0 &&
    state.quality === 'good' &&
    config.heartbeat.intervalMs > 0
  );
}

/**
 * Pongs that arrived at `arrivedAt[i]`, `rttMs[i]` after their pings left (in order, by now),
 * applied together: what {@link onPingTimer} at each send and each pong's {@link onFrame} do,
 * less the frames themselves and the `ping` timers the shell rearmed. Only valid after
 * {@link canEchoPing} held at the first send and with every pong on time (the transport
 * promises both): then nothing but the ping count, the last frame's time and the pong events
 * change. The effect carries the two arrays themselves (a day of 5 s pings is 172 M pongs).
 */
export function onEchoedPings(
  step: Step,
  arrivedAt: readonly number[],
  rttMs: readonly number[],
): void {
  const count = Math.min(arrivedAt.length, rttMs.length);
  if (count === 0 || !canEchoPing(step.state, step.ctx.config)) return;
  const first = step.state.nextPingId;
  step.update({ nextPingId: first + count, lastFrameAt: arrivedAt[count - 1]! });
  const at = arrivedAt.length === count ? arrivedAt : arrivedAt.slice(0, count);
  const rtt = rttMs.length === count ? rttMs : rttMs.slice(0, count);
  step.effects.push({ type: 'played-pongs', firstPingId: first, at, rttMs: rtt });
}

/**
 * The `heartbeat-check` timer fired: a ping unanswered for pongTimeoutMs makes quality poor and
 * sends one probe; an oldest unanswered ping older than deadAfterMs means the link is dead.
 * Returns true when the link is dead (the caller closes it with 4000).
 */
export function onHeartbeatCheck(step: Step): boolean {
  const socketId = step.liveSocket();
  if (socketId === undefined || step.state.phase.name !== 'connected') return false;
  // A hidden tab's timers are throttled; lateness measured there means nothing.
  if (!step.state.visible) return false;
  const verdict = judgePings(step.state.pending, step.now, step.ctx.config.heartbeat);
  step.update({ pending: verdict.pending });
  if (verdict.dead) return true;
  if (verdict.newlyLate.length > 0) {
    setQuality(step, 'poor');
    if (verdict.newlyLate.some((ping) => !ping.probe)) sendPing(step, socketId, true);
  }
  scheduleCheck(step);
  return false;
}

/** Handles one frame on the open connection. */
export function onFrame(step: Step, socketId: number, data: unknown): void {
  step.update({ lastFrameAt: step.now });
  const parsed = parseServerMessage(data);
  if (!parsed.ok) {
    step.emit(
      'error',
      new ClientError(ClientErrorCode.BAD_FRAME, `server frame rejected: ${parsed.error.message}`),
    );
    return;
  }
  onMessage(step, socketId, parsed.value);
}

function onMessage(step: Step, socketId: number, message: ServerMessage): void {
  const { resume } = step.ctx.config;
  switch (message.type) {
    case 'hello': {
      const outcome = applyHello(step.state.sequence, message.epoch);
      step.update({ sequence: outcome.state });
      if (outcome.reset !== undefined) step.emit('gap', { ...outcome.reset, at: step.now });
      if (resume.enabled) step.send(socketId, outcome.resume);
      // Without a resume the server is live at once: measure the link now.
      else pingAtConnect(step, socketId);
      return;
    }
    case 'pong':
      onPong(step, message.id);
      return;
    case 'resumed': {
      const outcome = applyResumed(step.state.sequence, message);
      step.update({ sequence: outcome.state });
      if (outcome.gap !== undefined) step.emit('gap', { ...outcome.gap, at: step.now });
      // The replay is over: what it delivered is acked now, not at the end of a window.
      if (resume.ack) applyAck(step, socketId, flush(step.state.ack, step.state.sequence));
      // The replay is over and the server live: the first round trip is measured now, not a
      // whole interval later.
      pingAtConnect(step, socketId);
      return;
    }
    case 'breach_alert': {
      const outcome = applyAlert(step.state.sequence, message);
      step.update({ sequence: outcome.state });
      if (outcome.duplicate) return;
      if (outcome.gap !== undefined) step.emit('gap', { ...outcome.gap, at: step.now });
      step.emit('alert', message);
      if (resume.ack) {
        applyAck(step, socketId, afterAlert(step.state.ack, step.state.sequence, resume.ackEvery));
      }
      return;
    }
    case 'error':
      step.emit(
        'error',
        new ClientError(
          ClientErrorCode.SERVER_ERROR,
          `server rejected a frame: ${message.code}: ${message.message}`,
        ),
      );
      return;
  }
}

/** The `ack` timer fired: the coalescing window closed; send what it held back, if anything. */
export function onAckTimer(step: Step): void {
  const phase = step.state.phase;
  if (phase.name !== 'connected') return;
  applyAck(step, phase.socketId, flush(step.state.ack, step.state.sequence));
}

// Sends the ack decided on, and keeps the window open for ackIntervalMs after it.
function applyAck(step: Step, socketId: number, decision: AckDecision): void {
  const wasOpen = step.state.ack.windowOpen;
  step.update({ ack: decision.state });
  if (decision.send !== undefined) {
    step.send(socketId, { type: 'ack', seq: decision.send });
    step.setTimer('ack', step.ctx.config.resume.ackIntervalMs);
  } else if (wasOpen && !decision.state.windowOpen) {
    step.clearTimer('ack');
  }
}

function onPong(step: Step, id: string): void {
  const match = matchPong(step.state.pending, id, step.now, step.ctx.config.heartbeat);
  if (match === undefined) return;
  step.update({ pending: match.pending });
  const throttled = !step.state.visible;
  step.emit('pong', { id, rttMs: match.rttMs, onTime: match.onTime, throttled, at: step.now });
  if (match.onTime && !throttled) setQuality(step, 'good');
  scheduleCheck(step);
}

// One ping as the connection goes live, unless one is out already. The `ping` timer keeps its
// period.
function pingAtConnect(step: Step, socketId: number): void {
  const { heartbeat } = step.ctx.config;
  if (heartbeat.intervalMs <= 0 || heartbeat.pingOnConnect === false || !step.state.visible) return;
  if (step.state.pending.length > 0) return;
  sendPing(step, socketId, false);
  scheduleCheck(step);
}

function sendPing(step: Step, socketId: number, probe: boolean): void {
  const id = `p${step.state.nextPingId}`;
  step.update({
    nextPingId: step.state.nextPingId + 1,
    pending: addPing(step.state.pending, id, step.now, probe),
  });
  step.send(socketId, { type: 'ping', id });
}

function scheduleCheck(step: Step): void {
  const at = step.state.visible
    ? nextCheckAt(step.state.pending, step.ctx.config.heartbeat)
    : undefined;
  if (at === undefined) step.clearTimer('heartbeat-check');
  else step.setTimer('heartbeat-check', at - step.now);
}

function setQuality(step: Step, quality: 'good' | 'poor'): void {
  const from = step.state.quality;
  if (from === quality) return;
  step.update({ quality });
  step.emit('quality', { from, to: quality, at: step.now });
}
