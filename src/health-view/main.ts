/**
 * The health view's browser entry (bundled by scripts/build-health-view.js into
 * dist/health-view/public/health-view.bundle.js): gets a token, runs the reconnecting client
 * and renders its state, health and alerts; follows the runner's feed when `?feed=` is given.
 */
import {
  createBrowserTransport,
  createClient,
  createFallbackTransport,
  DEFAULT_BACKOFF,
  systemClock,
  type Client,
  type StateChange,
  type TokenProvider,
} from '../client/index.js';
import { connectView } from './controller.js';
import { subscribeFleetFeed } from './fleet-feed.js';
import { parseViewParams, timingOptions, type ViewParams } from './params.js';
import { createReplayTracker } from './replay-tracker.js';
import {
  createCachedTokenProvider,
  fetchDemoToken,
  readTokenClaims,
  type TokenGrant,
} from './token.js';
import { mountHealthView, type HealthView } from './view.js';

/** The browser's time zone offset from UTC at `atMs`, ms east (Date counts minutes west). */
function localOffsetMs(atMs: number): number {
  return -new Date(atMs).getTimezoneOffset() * 60_000;
}

/** Keeps the picked window in the URL, so a reload or a shared link shows the same one. */
function rememberWindow(value: string): void {
  const url = new URL(globalThis.location.href);
  url.searchParams.set('window', value);
  globalThis.history.replaceState(null, '', url);
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function startClient(
  params: ViewParams,
  view: HealthView,
  serverUrl: string,
  userId: string,
  getToken: TokenProvider,
  onFailed?: (change: StateChange) => void,
): Client {
  // Behind a proxy that does not pass WebSocket, alerts keep coming by long polling (same
  // origin: the server serves this page).
  const replay = createReplayTracker(
    createFallbackTransport({
      websocket: createBrowserTransport(),
      clock: systemClock,
      ...(params.timings.probeIntervalMs === undefined
        ? {}
        : { probeIntervalMs: params.timings.probeIntervalMs }),
    }),
  );
  const client = createClient({
    url: serverUrl,
    userId,
    getToken,
    transport: replay.transport,
    clock: systemClock,
    ...timingOptions(params.timings),
  });
  connectView({
    client,
    view,
    replay,
    clock: systemClock,
    maxAttempts: params.timings.maxAttempts ?? DEFAULT_BACKOFF.maxAttempts,
    windowMs: params.windowMs,
    offsetOf: localOffsetMs,
    ...(onFailed === undefined ? {} : { onFailed }),
  });
  view.onReconnect(() => client.reconnect());
  view.setSubtitle(`user ${userId} · ${new URL(serverUrl).host}`);
  client.connect();
  return client;
}

/** Asks for a token with the form; the token lives only in this closure and the client. */
function askForToken(params: ViewParams, view: HealthView, serverUrl: string): void {
  let token = '';
  let client: Client | undefined;
  let userId: string | undefined;
  // Browsers hide a refused upgrade's status, so after giving up the page cannot tell a dead
  // server from an expired token: it offers both the Reconnect button and a new token.
  const askAgain = (change: StateChange): void =>
    view.showTokenForm(
      submit,
      change.reason === 'auth'
        ? 'The server refused this token. Enter a new one.'
        : 'Could not reconnect. If your token expired, enter a new one; otherwise press Reconnect.',
    );
  function submit(candidate: string): string | undefined {
    const claims = readTokenClaims(candidate);
    if (claims === undefined)
      return 'That is not a JWT: expected three base64url parts with a sub claim.';
    const wanted = params.user ?? claims.sub;
    if (userId !== undefined && wanted !== userId) {
      return `This page follows user ${userId}; reload it to switch to ${wanted}.`;
    }
    token = candidate;
    view.hideTokenForm();
    if (client === undefined) {
      userId = wanted;
      client = startClient(params, view, serverUrl, wanted, () => token, askAgain);
    } else client.reconnect();
    return undefined;
  }
  view.showTokenForm(submit);
}

async function boot(): Promise<void> {
  const params = parseViewParams(globalThis.location.search);
  const view = mountHealthView({ panelOpen: params.panelOpen });
  view.onWindowChange(rememberWindow);
  const problems = [...params.problems];
  view.showProblems(problems);
  if (params.feed !== undefined) {
    subscribeFleetFeed(params.feed, {
      onSnapshot: (snapshot) => view.renderFleet(snapshot),
      onStatus: (text) => view.setFleetStatus(text),
    });
  }

  const serverUrl = params.server ?? globalThis.location.origin;
  const fetchFn = globalThis.fetch.bind(globalThis);
  let grant: TokenGrant | undefined;
  try {
    grant = await fetchDemoToken(serverUrl, fetchFn);
  } catch (error) {
    problems.push(`No demo token: ${describeError(error)}`);
    view.showProblems(problems);
  }
  if (grant === undefined) {
    askForToken(params, view, serverUrl);
    return;
  }
  const tokens = createCachedTokenProvider(
    grant,
    async () => {
      const next = await fetchDemoToken(serverUrl, fetchFn);
      if (next === undefined) throw new Error('the server stopped handing out demo tokens');
      return next;
    },
    systemClock,
  );
  const client = startClient(params, view, serverUrl, params.user ?? grant.userId, tokens.getToken);
  // Browsers hide why an upgrade was refused (a bad token looks like a lost connection), so any
  // failed attempt drops the cached token: the next one fetches a fresh demo token.
  client.on('state', (change) => {
    if (change.from === 'connecting' && change.to !== 'connected') tokens.invalidate();
  });
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => void boot(), { once: true });
} else {
  void boot();
}
