// The time scale CI runs each library scenario at (test/e2e/scenario-library.test.ts, and the
// loaded-host test, which runs them beside CPU burners).
// Compressed by default. A restart storm needs room to show the herd: a scenario
// second must hold more connections than the storm's 150 bound, and this machine opens about
// 390 a second when quiet (at 0.5 that is 195 a scenario second, at 0.1 57: below the bound the
// herd thresholds are inconclusive, exit 97), so the storms run in real time.
// A restart's own real time (closing and re-listening) is divided by the scale too: at 0.05 it
// added up to 5.01 s to the graceful restart's average reconnect, against its 5 s target.
const TIME_SCALE: Record<string, number> = {
  'restart-storm.yaml': 1,
  'restart-storm-no-jitter.yaml': 1,
  'server-restart-graceful.yaml': 0.25,
  'server-restart-hard.yaml': 0.25,
  // Its pong p95 < 100 ms passes at 0.05 too (the loopback round trip is kept out of the
  // scaling), but a loaded runner makes it inconclusive there: real time keeps CI at exit 0.
  'steady.yaml': 1,
  'mixed-chaos.yaml': 0.25,
  // Its replays of ~1,200 alerts per tab take real time that the scale magnifies: at 0.1 the
  // slowest catch-up read 0.39–0.41 s of scenario time against its 5 s target (0.44 s at 0.25),
  // and 1.04 s beside two CPU burners.
  'hot-user-backlog.yaml': 0.1,
  // Several server processes: a SIGKILLed instance's herd reconnects in real time (about
  // 0.5 s here) that the scale magnifies; at 0.05 that alone is 10 s against the 5 s target.
  'instance-failover.yaml': 0.25,
  // Redis's command timeout (2 s) and reconnects are real time too.
  'redis-outage.yaml': 0.25,
  'redis-restart.yaml': 0.25,
  // Each long poll and probe is a real HTTP round trip that the scale would magnify 20-fold.
  'websocket-blocked.yaml': 0.25,
};

/** The CI time scale of `file` (a name in scenarios/): 0.05 unless listed above. */
export function ciTimeScale(file: string): number {
  return TIME_SCALE[file] ?? 0.05;
}
