import { parseFleetSnapshot, type FleetSnapshot } from './fleet.js';

/** What the fleet feed reports. */
export interface FleetFeedHandlers {
  onSnapshot(snapshot: FleetSnapshot): void;
  /** The feed's own condition: waiting, lost (EventSource retries by itself), bad data. */
  onStatus(text: string): void;
}

/**
 * Follows the runner's live feed, a server-sent events stream of JSON snapshots
 * (`stormwatch run --feed-port`). The browser's EventSource reconnects by itself; once a
 * snapshot carries the run's verdict the feed is closed. Returns a function that stops it.
 */
export function subscribeFleetFeed(url: string, handlers: FleetFeedHandlers): () => void {
  const source = new EventSource(url);
  handlers.onStatus('Waiting for the runner’s feed…');
  source.onmessage = (event: MessageEvent<unknown>) => {
    let value: unknown;
    try {
      value = typeof event.data === 'string' ? JSON.parse(event.data) : undefined;
    } catch {
      handlers.onStatus('The feed sent something that is not JSON; ignored.');
      return;
    }
    const parsed = parseFleetSnapshot(value);
    if (!parsed.ok) {
      handlers.onStatus(`The feed sent a bad snapshot (${parsed.error}); ignored.`);
      return;
    }
    handlers.onSnapshot(parsed.value);
    if (parsed.value.verdict !== null) source.close();
  };
  source.onerror = () => {
    if (source.readyState === EventSource.CLOSED) handlers.onStatus('The runner’s feed is closed.');
    else handlers.onStatus('The runner’s feed is unreachable; retrying…');
  };
  return () => source.close();
}
