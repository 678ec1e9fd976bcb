import type { ClientEventMap, ClientEventName } from '../events.js';

/** A listener of one client event. */
export type Listener<K extends ClientEventName> = (payload: ClientEventMap[K]) => void;

/**
 * Typed listeners for the client's events. A throwing listener does not disturb the client or
 * the other listeners: its error is reported to the host (`reportError`, else a microtask throw).
 */
export class Emitter {
  // Copy-on-write arrays: emitting iterates the array current when it began, so a listener
  // added or removed meanwhile takes effect from the next event, without a copy per event.
  readonly #listeners = new Map<ClientEventName, readonly ((payload: never) => void)[]>();

  on<K extends ClientEventName>(event: K, listener: Listener<K>): () => void {
    const entry = listener as (payload: never) => void;
    const current = this.#listeners.get(event) ?? [];
    if (!current.includes(entry)) this.#listeners.set(event, [...current, entry]);
    return () => {
      const now = this.#listeners.get(event);
      if (now?.includes(entry))
        this.#listeners.set(
          event,
          now.filter((l) => l !== entry),
        );
    };
  }

  /** True when `event` has a listener (so its payload is worth building). */
  listens(event: ClientEventName): boolean {
    const listeners = this.#listeners.get(event);
    return listeners !== undefined && listeners.length > 0;
  }

  emit<K extends ClientEventName>(event: K, payload: ClientEventMap[K]): void {
    const listeners = this.#listeners.get(event);
    if (listeners === undefined) return;
    for (let i = 0; i < listeners.length; i++) {
      try {
        (listeners[i] as Listener<K>)(payload);
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
