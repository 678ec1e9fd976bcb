// The behaviours a mutant breaks one at a time: each names the rule, the source it flips and the
// test files expected to notice. Every `from` must occur exactly once in its file.

/** One deliberate break of one rule. */
export interface Mutant {
  id: string;
  /** The rule it breaks, in words. */
  rule: string;
  file: string;
  from: string;
  to: string;
  /** Test files or folders run against it (unit tests: seconds, not minutes). */
  tests: string[];
}

const CLIENT = ['test/client'];
const SERVER_CORE = ['test/server'];

export const MUTANTS: readonly Mutant[] = [
  {
    id: 'flood-burst',
    rule: 'the flood guard allows a burst of 2 s of frames',
    file: 'src/server/core/flood-guard.ts',
    from: 'this.#capacity = Math.max(1, ratePerSecond * burstSeconds);',
    to: 'this.#capacity = Math.max(1, (ratePerSecond * burstSeconds) / 4);',
    tests: SERVER_CORE,
  },
  {
    id: 'flood-acks-cost',
    rule: 'an ack that moves the acknowledged point is free for the flood guard',
    file: 'src/server/core/session.ts',
    from: "case 'ack':\n        return this.#ledger?.owes(message.seq) === true ? 0 : 1;",
    to: "case 'ack':\n        return this.#ledger?.owes(message.seq) === true ? 1 : 1;",
    tests: SERVER_CORE,
  },
  {
    id: 'ack-every-alert',
    rule: 'acks are coalesced: at most one per window or per ackEvery alerts',
    file: 'src/client/ack.ts',
    from: 'if (!ack.windowOpen || owed >= ackEvery) return flush',
    to: 'if (owed >= 0) return flush',
    tests: CLIENT,
  },
  {
    id: 'ack-never',
    rule: 'a replay that ends acks what it delivered',
    file: 'src/client/ack.ts',
    from: 'if (point <= ack.sentSeq || ack.owed === 0) {',
    to: 'if (point <= ack.sentSeq || ack.owed >= 0) {',
    tests: CLIENT,
  },
  {
    id: 'backoff-no-cap',
    rule: 'backoff delays are capped at maxDelayMs (30 s)',
    file: 'src/client/backoff.ts',
    from: 'return Math.min(options.initialDelayMs * options.multiplier ** exponent, options.maxDelayMs);',
    to: 'return options.initialDelayMs * options.multiplier ** exponent;',
    tests: CLIENT,
  },
  {
    id: 'dedupe-off-by-one',
    rule: 'an alert with seq ≤ the last delivered is a duplicate',
    file: 'src/client/resume.ts',
    from: 'if (seq <= state.lastSeq) {',
    to: 'if (seq < state.lastSeq) {',
    tests: CLIENT,
  },
  {
    id: 'dead-late',
    rule: 'a link is dead once the oldest unanswered ping is deadAfterMs old',
    file: 'src/client/heartbeat.ts',
    from: 'now - oldest.sentAt >= options.deadAfterMs',
    to: 'now - oldest.sentAt >= 2 * options.deadAfterMs',
    tests: CLIENT,
  },
  {
    id: 'no-ping-at-connect',
    rule: 'the first ping goes out as the connection goes live',
    file: 'src/client/machine/session.ts',
    from: 'if (step.state.pending.length > 0) return;\n  sendPing',
    to: 'if (step.state.pending.length >= 0) return;\n  sendPing',
    tests: CLIENT,
  },
  {
    id: 'fallback-late',
    rule: 'two failed upgrades in a row switch attempts to long polling',
    file: 'src/client/transports/fallback.ts',
    from: 'if (state.failures >= settings.fallbackAfter) setMode',
    to: 'if (state.failures > settings.fallbackAfter) setMode',
    tests: CLIENT,
  },
  {
    id: 'long-poll-not-woken',
    rule: "a long poll returns as soon as the user's next alert is published",
    file: 'src/server/core/alert-service.ts',
    from: '    wakeUser(alert.userId);\n',
    to: '\n',
    tests: ['test/server/long-poll.test.ts'],
  },
  {
    id: 'replay-off-by-one',
    rule: 'a resume replays every alert after lastSeq',
    file: 'src/server/broker/memory.ts',
    from: 'const start = Math.max(0, afterSeq + 1 - firstSeq);',
    to: 'const start = Math.max(0, afterSeq + 2 - firstSeq);',
    tests: [...SERVER_CORE, ...CLIENT],
  },
  {
    id: 'jitter-fixed-draw',
    rule: 'full jitter draws each delay from the random source, uniform in [0, nominal)',
    file: 'src/client/backoff.ts',
    from: 'return Math.floor(random() * nominal);',
    to: 'return Math.floor(0.5 * nominal);',
    tests: CLIENT,
  },
  {
    id: 'hello-clock-zero',
    rule: "hello carries the server's clock (serverTime), which the client's offset is read from",
    file: 'src/server/core/session.ts',
    from: 'serverTime: this.#env.clock.now(),',
    to: 'serverTime: 0,',
    tests: SERVER_CORE,
  },
  {
    id: 'slicer-one-piece',
    rule: 'the slicer cuts a chunk into pieces of about average_size bytes',
    file: 'src/proxy/toxics/slicer.ts',
    from: 'while (remaining > averageSize + sizeVariation) {',
    to: 'while (remaining > averageSize + sizeVariation && pieces.length < 0) {',
    tests: ['test/proxy/toxics/slicer.test.ts'],
  },
];
