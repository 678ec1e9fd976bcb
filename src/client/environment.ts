/** Host conditions the client reacts to. */
export type EnvironmentSignal = 'online' | 'offline' | 'visible' | 'hidden';

/**
 * A source of host signals: network reachability and page visibility. The browser one listens to
 * `online`/`offline` and `visibilitychange`; tests and simulators drive their own.
 */
export interface Environment {
  /**
   * Starts delivering signals to `listener`; returns a function that stops them. May deliver the
   * current conditions (e.g. `offline`, `hidden`) synchronously during the call.
   */
  subscribe(listener: (signal: EnvironmentSignal) => void): () => void;
}

interface BrowserGlobals {
  addEventListener(type: string, listener: () => void): void;
  removeEventListener(type: string, listener: () => void): void;
  navigator?: { onLine?: boolean };
  document?: {
    visibilityState?: string;
    addEventListener(type: string, listener: () => void): void;
    removeEventListener(type: string, listener: () => void): void;
  };
}

function browserGlobals(): BrowserGlobals | undefined {
  const g = globalThis as Partial<BrowserGlobals>;
  if (typeof g.addEventListener !== 'function' || typeof g.removeEventListener !== 'function') {
    return undefined;
  }
  return g as BrowserGlobals;
}

/**
 * The browser's signals: `window` `online`/`offline` and `document` `visibilitychange`.
 * Returns undefined outside a browser (no global `addEventListener`).
 */
export function createBrowserEnvironment(): Environment | undefined {
  const g = browserGlobals();
  if (g === undefined) return undefined;
  return {
    subscribe(listener) {
      const onOnline = (): void => listener('online');
      const onOffline = (): void => listener('offline');
      const onVisibility = (): void =>
        listener(g.document?.visibilityState === 'hidden' ? 'hidden' : 'visible');
      g.addEventListener('online', onOnline);
      g.addEventListener('offline', onOffline);
      g.document?.addEventListener('visibilitychange', onVisibility);
      if (g.navigator?.onLine === false) listener('offline');
      if (g.document?.visibilityState === 'hidden') listener('hidden');
      return () => {
        g.removeEventListener('online', onOnline);
        g.removeEventListener('offline', onOffline);
        g.document?.removeEventListener('visibilitychange', onVisibility);
      };
    },
  };
}

/**
 * An environment driven by hand, for tests and simulators: `emit('offline')` and the client
 * reacts as it would to the browser event.
 */
export function createManualEnvironment(): Environment & {
  emit(signal: EnvironmentSignal): void;
  /** Number of current subscribers. */
  readonly listeners: number;
} {
  const listeners = new Set<(signal: EnvironmentSignal) => void>();
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(signal) {
      for (const listener of [...listeners]) listener(signal);
    },
    get listeners() {
      return listeners.size;
    },
  };
}
