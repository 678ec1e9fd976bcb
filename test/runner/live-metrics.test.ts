import { describe, expect, it } from 'vitest';
import type { Client, ClientEventMap, ClientEventName } from '../../src/client/index.js';
import { MetricName } from '../../src/metrics/index.js';
import { SimulatedClock } from '../../src/protocol/index.js';
import { FleetRecorder, LiveMetrics, parseScenario } from '../../src/runner/index.js';

class Emitter {
  state = 'disconnected';
  readonly listeners = new Map<string, Array<(p: unknown) => void>>();
  on<K extends ClientEventName>(event: K, fn: (p: ClientEventMap[K]) => void) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), fn as (p: unknown) => void]);
    return () => undefined;
  }
  emit<K extends ClientEventName>(event: K, payload: ClientEventMap[K]) {
    for (const fn of this.listeners.get(event) ?? []) fn(payload);
  }
}

describe('LiveMetrics', () => {
  it('serves alert_client_* and chaos_* from the recording, durations in scenario seconds', async () => {
    const clock = new SimulatedClock(0);
    const recorder = new FleetRecorder(clock);
    const client = new Emitter();
    recorder.attach(0, 'user-0', client as unknown as Client);
    const scenario = parseScenario(
      `version: 1
title: live
config: { clients: 1, timeScale: 0.5 }
steady_state:
  probes:
    - { name: all-connected, metric: alert_client_connected, tolerance: { eq: 1 } }
method:
  - { action: wait, duration: 1s }
`,
      'live.yaml',
    );
    const live = new LiveMetrics(recorder, scenario, 'run-1');
    client.emit('state', {
      from: 'disconnected',
      to: 'connected',
      reason: 'open',
      attempt: 0,
      at: 0,
    });
    recorder.markStart();
    clock.advanceTo(1000);
    const endFault = recorder.recordFault('latency:downstream');
    client.emit('state', {
      from: 'connected',
      to: 'reconnecting',
      reason: 'close',
      attempt: 0,
      at: 1000,
      closeCode: 1006,
    });
    client.emit('state', {
      from: 'reconnecting',
      to: 'connected',
      reason: 'open',
      attempt: 1,
      at: 1500,
    });
    client.emit('pongs', { at: [1600], rttMs: [20], throttled: false });
    clock.advanceTo(2000);
    const port = await live.serve(0);
    try {
      const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      for (const [key, name] of Object.entries(MetricName)) {
        if (key.startsWith('client') || key.startsWith('chaos'))
          expect(text).toContain(`# TYPE ${name}`);
      }
      expect(text).toMatch(/^alert_client_connected 1$/m);
      // 1.5 s connected and 0.5 s down, measured; at timeScale 0.5 that is 3 s and 1 s.
      expect(text).toMatch(/^alert_client_connected_seconds_total 3$/m);
      expect(text).toMatch(/^alert_client_disconnected_seconds_total 1$/m);
      expect(text).toMatch(/^alert_client_reconnect_duration_seconds_sum 1$/m);
      expect(text).toMatch(/^alert_client_pong_rtt_seconds_sum 0.04$/m);
      expect(text).toMatch(/^alert_client_disconnections_total\{reason="close"\} 1$/m);
      expect(text).toMatch(/^chaos_fault_active\{fault="latency:downstream"\} 1$/m);
      expect(text).toMatch(/^chaos_steady_state_met\{probe="all-connected"\} 1$/m);
      expect(text).toMatch(/^chaos_experiment_info\{scenario="live",run_id="run-1"\} 1$/m);
      endFault();
      const later = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(later).toMatch(/^chaos_fault_active\{fault="latency:downstream"\} 0$/m);
      expect(later).toMatch(/^chaos_faults_injected_total\{fault="latency:downstream"\} 1$/m);
      expect((await fetch(`http://127.0.0.1:${port}/other`)).status).toBe(404);
    } finally {
      await live.close();
    }
  });
});
