import type { ClientEventMap, ClientEventName } from '../events.js';

/** A listener of one client event. */
export type Listener<K extends ClientEventName> = (payload: ClientEventMap[K]) => void;

/**
 * Typed listeners for the client's events. A throwing listener does not disturb the client or
 * the other listeners: its error is reported to the host (`reportError`, else a microtask throw).
 */
export class Emitter {
  readonly #listeners = new Map<ClientEventName, Set<(payload: never) => void>>();

  on<K extends ClientEventName>(event: K, listener: Listener<K>): () => void {
    let set = this.#listeners.get(event);
    if (set === undefined) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    const entry = listener as (payload: never) => void;
    set.add(entry);
    return () => {
      set.delete(entry);
    };
  }

  emit<K extends ClientEventName>(event: K, payload: ClientEventMap[K]): void {
    const set = this.#listeners.get(event);
    if (set === undefined) return;
    for (const listener of [...set]) {
      try {
        (listener as Listener<K>)(payload);
      } catch (error) {
        reportListenerError(error);
      }
    }
  }

  clear(): void {
    this.#listeners.clear();
  }
}

function reportListenerError(error: unknown): void {
  const report = (globalThis as { reportError?: (error: unknown) => void }).reportError;
  if (typeof report === 'function') report(error);
  else
    queueMicrotask(() => {
      throw error;
    });
}
