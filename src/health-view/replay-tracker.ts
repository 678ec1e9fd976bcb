import type { Transport } from '../client/index.js';
import { parseServerMessage } from '../protocol/index.js';

/** Tells live alerts from replayed ones by watching the frames of the client's sockets. */
export interface ReplayTracker {
  /** The transport to give the client: the inner one, observed. */
  readonly transport: Transport;
  /**
   * True when the alert with this id arrived inside a resume replay (between the server's
   * `hello` and its `resumed`). Each id is answered once, then forgotten.
   */
  takeReplayed(id: string): boolean;
}

/**
 * Decorates a transport so the page can mark replayed alerts. Per protocol v1 the server
 * answers `resume` with the missed alerts and then `resumed`, and holds live alerts behind the
 * replay, so every `breach_alert` between `hello` and `resumed` is a replayed one. The frames
 * still reach the client unchanged; the client delivers each alert exactly once by seq.
 */
export function createReplayTracker(inner: Transport): ReplayTracker {
  const replayed = new Set<string>();
  return {
    transport: {
      open(request, handlers) {
        let inReplay = false;
        return inner.open(request, {
          ...handlers,
          onMessage(data) {
            const parsed = parseServerMessage(data);
            if (parsed.ok) {
              const message = parsed.value;
              if (message.type === 'hello') {
                inReplay = true;
                // Ids never taken were duplicates the client dropped.
                replayed.clear();
              } else if (message.type === 'resumed') inReplay = false;
              else if (message.type === 'breach_alert' && inReplay) replayed.add(message.id);
            }
            handlers.onMessage(data);
          },
        });
      },
    },
    takeReplayed(id) {
      return replayed.delete(id);
    },
  };
}
