import { CloseCode } from '../../protocol/index.js';
import { FRESH_ACK } from '../ack.js';
import { backoffDelayMs, nominalDelayMs } from '../backoff.js';
import { ClientError, ClientErrorCode } from '../errors.js';
import type { TransitionReason } from '../events.js';
import { createSequenceState } from '../resume.js';
import type { CloseInfo } from '../transports/types.js';
import { classifyClose } from './close-policy.js';
import {
  onAckTimer,
  onEchoedPings,
  onFrame,
  onHeartbeatCheck,
  onPingTimer,
  startHeartbeat,
} from './session.js';
import { Step, type ChangeDetails } from './step.js';
import type {
  MachineConfig,
  MachineEvent,
  MachineState,
  TimerName,
  Transition,
  TransitionContext,
} from './types.js';

const CONNECTION_TIMERS: TimerName[] = [
  'connect-timeout',
  'stable',
  'ping',
  'heartbeat-check',
  'ack',
];
const ALL_TIMERS: TimerName[] = ['retry', ...CONNECTION_TIMERS];

/** The state of a client that has not been asked to connect. */
export function createInitialState(config: MachineConfig): MachineState {
  return {
    phase: { name: 'disconnected', reason: 'initial' },
    attempt: 0,
    failingSince: undefined,
    previousDelayMs: config.backoff.initialDelayMs,
    authRetried: false,
    urlCursor: 0,
    nextSocketId: 1,
    nextTokenRequest: 1,
    tokenInFlight: undefined,
    tokenFreshFrom: 1,
    online: true,
    visible: true,
    quality: 'good',
    pending: [],
    nextPingId: 1,
    sequence: createSequenceState(config.resume.from),
    ack: FRESH_ACK,
    lastFrameAt: 0,
  };
}

/**
 * The client's pure core: given a state and an event, returns the next state and the effects
 * to run (open/close sockets, send frames, set/clear timers, emit events). It performs no I/O
 * and reads time and randomness only from `ctx`, so the same core runs on real sockets, in
 * tests on a simulated clock, and in the simulator.
 */
export function transition(
  state: MachineState,
  event: MachineEvent,
  ctx: TransitionContext,
): Transition {
  const step = new Step(state, ctx);
  handle(step, event);
  return { state: step.state, effects: step.effects };
}

function handle(step: Step, event: MachineEvent): void {
  const phase = step.state.phase;
  switch (event.type) {
    case 'connect':
      if (phase.name === 'disconnected' || phase.name === 'failed') restart(step, 'connect');
      return;
    case 'reconnect':
      step.closeLiveSocket(CloseCode.NORMAL, 'reconnect');
      restart(step, 'reconnect');
      return;
    case 'disconnect':
      if (phase.name === 'disconnected' && phase.reason === event.reason) return;
      step.closeLiveSocket(CloseCode.NORMAL, event.reason);
      step.clearTimer(...ALL_TIMERS);
      step.enter({ name: 'disconnected', reason: event.reason }, event.reason);
      return;
    case 'token':
    case 'token-error':
      onTokenSettled(step, event);
      return;
    case 'open':
      if (
        phase.name === 'connecting' &&
        phase.step === 'socket' &&
        phase.socketId === event.socketId
      ) {
        onOpen(step, phase.attempt, phase.socketId, phase.url);
      }
      return;
    case 'close':
      if (step.liveSocket() !== event.socketId) return;
      // The transport's own heartbeat declared the link dead: as the client's would have.
      if (event.info.heartbeatTimeout === true && phase.name === 'connected') {
        onLoss(step, event.info, 'heartbeat-timeout', step.now - step.state.lastFrameAt);
        return;
      }
      onLoss(step, event.info, 'close');
      return;
    case 'activity':
      if (phase.name === 'connected' && phase.socketId === event.socketId) {
        step.update({ lastFrameAt: step.now });
      }
      return;
    case 'message':
      if (phase.name === 'connected' && phase.socketId === event.socketId) {
        onFrame(step, event.socketId, event.data);
      }
      return;
    case 'timer':
      onTimer(step, event.timer);
      return;
    case 'echoed-pings':
      onEchoedPings(step, event.arrivedAt, event.rttMs);
      return;
    case 'offline':
      step.update({ online: false });
      if (
        phase.name === 'connecting' ||
        phase.name === 'connected' ||
        phase.name === 'reconnecting'
      ) {
        step.closeLiveSocket(CloseCode.NORMAL, 'offline');
        step.clearTimer(...ALL_TIMERS);
        // Going offline is not a failed attempt: the retry counter stays where it was, and the
        // retry budget starts again once the host is back (the server was not the problem).
        step.update({ failingSince: undefined });
        step.enter({ name: 'disconnected', reason: 'offline' }, 'offline');
      }
      return;
    case 'online':
      step.update({ online: true });
      if (phase.name === 'disconnected' && phase.reason === 'offline') {
        startAttempt(step, step.state.attempt, 'online');
      } else if (phase.name === 'reconnecting') {
        step.clearTimer('retry');
        startAttempt(step, phase.attempt, 'online');
      }
      return;
    case 'hidden':
      step.update({ visible: false });
      step.clearTimer('heartbeat-check');
      return;
    case 'visible':
      step.update({ visible: true });
      // Restart the heartbeat: pings sent while hidden were timed by throttled timers.
      if (phase.name === 'connected') startHeartbeat(step, true);
      return;
  }
}

/** `connect()` from a resting state, or `reconnect()`: a fresh retry budget, attempt now. */
function restart(step: Step, reason: TransitionReason): void {
  step.clearTimer(...ALL_TIMERS);
  step.update({
    attempt: 0,
    failingSince: undefined,
    authRetried: false,
    previousDelayMs: step.ctx.config.backoff.initialDelayMs,
    tokenFreshFrom: step.state.nextTokenRequest,
  });
  startAttempt(step, 0, reason);
}

function startAttempt(step: Step, attempt: number, reason: TransitionReason): void {
  step.update({ attempt });
  if (!step.state.online) {
    step.enter({ name: 'disconnected', reason: 'offline' }, 'offline');
    return;
  }
  step.setTimer('connect-timeout', step.ctx.config.connectTimeoutMs);
  if (!step.ctx.config.tokenProvider) {
    openSocket(step, attempt, undefined, reason);
    return;
  }
  if (step.state.tokenInFlight !== undefined) {
    step.enter({ name: 'connecting', attempt, step: 'token-wait' }, reason);
    return;
  }
  const tokenRequest = step.state.nextTokenRequest;
  step.enter({ name: 'connecting', attempt, step: 'token', tokenRequest }, reason);
  requestToken(step);
}

function requestToken(step: Step): number {
  const requestId = step.state.nextTokenRequest;
  step.update({ nextTokenRequest: requestId + 1, tokenInFlight: requestId });
  step.effects.push({ type: 'request-token', requestId });
  return requestId;
}

function openSocket(
  step: Step,
  attempt: number,
  token: string | undefined,
  reason: TransitionReason,
): void {
  const { urls } = step.ctx.config;
  const url = urls[step.state.urlCursor % urls.length]!;
  const socketId = step.state.nextSocketId;
  step.update({ nextSocketId: socketId + 1, urlCursor: step.state.urlCursor + 1 });
  step.enter({ name: 'connecting', attempt, step: 'socket', socketId, url }, reason, { url });
  step.effects.push({ type: 'open-socket', socketId, url, token });
}

function onTokenSettled(
  step: Step,
  event: Extract<MachineEvent, { type: 'token' | 'token-error' }>,
): void {
  if (event.requestId !== step.state.tokenInFlight) return;
  step.update({ tokenInFlight: undefined });
  const phase = step.state.phase;
  if (phase.name !== 'connecting') return;
  if (phase.step === 'token-wait') {
    // The request belonged to a superseded attempt. One that timed out waiting for it left a
    // token as fresh as a new one (no socket was tried since it was asked for): use it, so a
    // provider slower than the connect timeout still gets the client in. After the app's
    // connect() or reconnect(), or a failure, ask again.
    if (event.type === 'token' && event.requestId >= step.state.tokenFreshFrom) {
      openSocket(step, phase.attempt, event.token, 'connect');
      return;
    }
    step.update({
      phase: {
        name: 'connecting',
        attempt: phase.attempt,
        step: 'token',
        tokenRequest: requestToken(step),
      },
    });
    return;
  }
  if (phase.step !== 'token' || phase.tokenRequest !== event.requestId) return;
  if (event.type === 'token') {
    openSocket(step, phase.attempt, event.token, 'connect');
    return;
  }
  step.emit(
    'error',
    new ClientError(ClientErrorCode.TOKEN_FAILED, 'getToken failed; retrying with backoff', {
      cause: event.error,
    }),
  );
  scheduleRetry(step, 'token-error', {}, {});
}

function onOpen(step: Step, attempt: number, socketId: number, url: string): void {
  step.clearTimer('connect-timeout');
  step.update({ quality: 'good', lastFrameAt: step.now, ack: FRESH_ACK });
  step.enter({ name: 'connected', attempt, socketId, url, connectedAt: step.now }, 'open', { url });
  step.setTimer('stable', step.ctx.config.backoff.minUptimeMs);
  startHeartbeat(step, false);
}

function onTimer(step: Step, timer: TimerName): void {
  const phase = step.state.phase;
  switch (timer) {
    case 'retry':
      if (phase.name === 'reconnecting') startAttempt(step, phase.attempt, 'retry');
      return;
    case 'connect-timeout':
      if (phase.name !== 'connecting') return;
      step.closeLiveSocket(CloseCode.NORMAL, 'connect timeout');
      onLoss(step, { code: 1006, reason: 'connect timeout', wasClean: false }, 'connect-timeout');
      return;
    case 'stable':
      // The connection stayed up for minUptimeMs: only now is the retry budget refilled.
      if (phase.name === 'connected') {
        step.update({
          attempt: 0,
          failingSince: undefined,
          authRetried: false,
          previousDelayMs: step.ctx.config.backoff.initialDelayMs,
        });
      }
      return;
    case 'ping':
      onPingTimer(step);
      return;
    case 'ack':
      onAckTimer(step);
      return;
    case 'heartbeat-check':
      if (onHeartbeatCheck(step)) {
        const detectionMs = step.now - step.state.lastFrameAt;
        step.closeLiveSocket(CloseCode.HEARTBEAT_TIMEOUT, 'heartbeat timeout');
        onLoss(
          step,
          { code: CloseCode.HEARTBEAT_TIMEOUT, reason: 'heartbeat timeout', wasClean: false },
          'heartbeat-timeout',
          detectionMs,
        );
      }
      return;
  }
}

// Closes by which a server that was reached objects to the client itself: retried right away,
// each would open and close again in a loop.
const POLICY_CLOSES: ReadonlySet<number> = new Set([
  CloseCode.POLICY,
  CloseCode.TOO_BIG,
  CloseCode.INTERNAL,
]);

/**
 * True when the live connection opened less than minUptimeMs ago and the server closed it
 * with a policy code: a loop of accept-and-close, which must back off instead of hammering.
 */
function isPolicyLoop(step: Step, info: CloseInfo): boolean {
  const phase = step.state.phase;
  return (
    phase.name === 'connected' &&
    POLICY_CLOSES.has(info.code) &&
    step.now - phase.connectedAt < step.ctx.config.backoff.minUptimeMs
  );
}

/** The live socket closed, failed to open, or was declared dead. */
function onLoss(step: Step, info: CloseInfo, reason: TransitionReason, detectionMs?: number): void {
  const policyLoop = isPolicyLoop(step, info);
  step.clearTimer(...CONNECTION_TIMERS);
  step.update({ pending: [] });
  const details: ChangeDetails = { closeCode: info.code, httpStatus: info.httpStatus, detectionMs };
  const verdict = classifyClose(info);
  switch (verdict.kind) {
    case 'forbidden':
      step.update({ attempt: 0 });
      step.enter({ name: 'disconnected', reason: 'forbidden' }, 'forbidden', details);
      step.emit(
        'error',
        new ClientError(
          ClientErrorCode.FORBIDDEN,
          `server forbade this user (close ${info.code}${httpSuffix(info)}); not retrying`,
        ),
      );
      return;
    case 'auth':
      if (step.state.authRetried) {
        step.enter({ name: 'failed', reason: 'auth' }, 'auth', details);
        step.emit(
          'error',
          new ClientError(
            ClientErrorCode.AUTH_FAILED,
            `server refused a freshly fetched token (close ${info.code}${httpSuffix(info)}); giving up`,
          ),
        );
        return;
      }
      // Refresh once, right away: the next attempt calls getToken before opening.
      step.update({ authRetried: true });
      scheduleRetry(step, 'auth', details, { delayMs: 0 });
      return;
    case 'retry': {
      // A policy close right after opening is a server that was reached and objected, not an
      // outage: it neither refills the retry counter (the delay keeps growing to the cap) nor
      // spends the retry budget (which runs afresh from this close), and the wait is at least
      // half the nominal delay rather than whatever short draw the jitter makes.
      let floorMs = 0;
      if (policyLoop) {
        floorMs = nominalDelayMs(step.state.attempt + 1, step.ctx.config.backoff) / 2;
        step.update({ failingSince: undefined });
      }
      scheduleRetry(step, verdict.retryAfterMs === undefined ? reason : 'rate-limited', details, {
        atLeastMs: Math.max(floorMs, verdict.retryAfterMs ?? 0),
      });
      return;
    }
  }
}

function scheduleRetry(
  step: Step,
  reason: TransitionReason,
  details: ChangeDetails,
  delay: { delayMs?: number; atLeastMs?: number },
): void {
  step.clearTimer(...CONNECTION_TIMERS);
  const { backoff } = step.ctx.config;
  const attempt = step.state.attempt + 1;
  const failingSince = step.state.failingSince ?? step.now;
  const spentMs = step.now - failingSince;
  if (spentMs >= backoff.giveUpAfterMs) {
    step.enter({ name: 'failed', reason: 'max-attempts' }, 'max-attempts', details);
    step.emit(
      'error',
      new ClientError(
        ClientErrorCode.ATTEMPTS_EXHAUSTED,
        `gave up after ${Math.round(spentMs / 1000)} s of retrying (${step.state.attempt} reconnect attempts) without reaching the server; call reconnect() to start over`,
      ),
    );
    return;
  }
  let delayMs = delay.delayMs;
  if (delayMs === undefined) {
    delayMs = backoffDelayMs(attempt, backoff, step.ctx.random, step.state.previousDelayMs);
    step.update({ previousDelayMs: delayMs });
  }
  // The last retry lands at the end of the budget rather than after it.
  delayMs = Math.max(Math.min(delayMs, backoff.giveUpAfterMs - spentMs), delay.atLeastMs ?? 0);
  step.update({ attempt, failingSince });
  step.enter({ name: 'reconnecting', attempt, delayMs }, reason, { ...details, delayMs });
  step.setTimer('retry', delayMs);
}

function httpSuffix(info: CloseInfo): string {
  return info.httpStatus === undefined ? '' : `, HTTP ${info.httpStatus}`;
}
