import type { IncomingMessage, ServerResponse } from 'node:http';
import { parseJson, readBody, send, sendEmpty, sendError, sendJson } from './http-io.js';
import { METRICS_CONTENT_TYPE, renderMetrics } from './metrics.js';
import type { ProxyJson } from './proxy.js';
import type { ProxyRegistry } from './registry.js';
import { toxicToJson, type ToxicEntry } from './toxic-entry.js';
import { createWarningSink, ProxyWarningCode, type ProxyWarning } from './warnings.js';

/** The Toxiproxy release whose API and semantics this proxy reproduces. */
export const TOXIPROXY_VERSION = '2.12.0';

/** A request handler for node:http. */
export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void;

type Params = readonly string[];
type Route = (request: Request) => Promise<void> | void;

interface Request {
  readonly params: Params;
  readonly response: ServerResponse;
  /** The parsed JSON body (read on first use, after path lookups, as Toxiproxy orders it). */
  readonly json: () => Promise<unknown>;
}

/** Options of {@link createApiHandler}. */
export interface ApiOptions {
  /**
   * Called with a one-line warning when a request does what Toxiproxy 2.12 accepts but is
   * likely a mistake (a toxicity outside 0..1, slicer sizes Toxiproxy mishandles). Default
   * `process.emitWarning` with a {@link ProxyWarningCode}.
   */
  readonly onWarning?: (message: string) => void;
}

/**
 * Builds the Toxiproxy 2.12 HTTP API over `registry`: same paths, bodies, status codes and
 * error bodies. Requests from browsers (`User-Agent: Mozilla/…`) are refused with 403, as
 * Toxiproxy does to keep web pages from driving it.
 */
export function createApiHandler(
  registry: ProxyRegistry,
  options: ApiOptions = {},
): RequestHandler {
  const warn = createWarningSink(options.onWarning);
  const routes = buildRoutes(registry, (proxy, entry) => {
    for (const warning of toxicWarnings(proxy, entry)) warn(warning);
    return entry;
  });
  return (request, response) => {
    void handle(routes, request, response);
  };
}

async function handle(
  routes: RouteTable,
  request: IncomingMessage,
  response: ServerResponse,
): Promise<void> {
  try {
    if ((request.headers['user-agent'] ?? '').startsWith('Mozilla/')) {
      send(response, 403, 'User agent not allowed\n', 'text/plain; charset=utf-8');
      return;
    }
    const match = matchRoute(routes, request.method ?? 'GET', request.url ?? '/');
    if (match === 'not-found') {
      send(response, 404, '404 page not found\n', 'text/plain; charset=utf-8');
      return;
    }
    if (match === 'method-not-allowed') {
      sendEmpty(response, 405);
      return;
    }
    let body: Promise<unknown> | undefined;
    await match.route({
      params: match.params,
      response,
      json: () => (body ??= readBody(request).then(parseJson)),
    });
  } catch (error) {
    if (!response.headersSent) sendError(response, error);
    else response.destroy();
  } finally {
    // Drain an unread body so keep-alive connections stay usable.
    request.resume();
  }
}

type RouteTable = ReadonlyArray<{
  readonly pattern: readonly string[];
  readonly methods: Readonly<Record<string, Route>>;
}>;

/**
 * Toxiproxy 2.12 takes any toxicity (it compares a random number in [0, 1) with it) and does not
 * check toxic attributes, so the API accepts what Toxiproxy accepts and says what it means
 * instead of refusing it.
 */
function toxicWarnings(proxy: string, entry: ToxicEntry): ProxyWarning[] {
  const prefix = `proxy ${proxy}, toxic ${entry.name}`;
  const warnings: ProxyWarning[] = [];
  const { toxicity } = entry;
  if (toxicity < 0 || toxicity > 1) {
    const effect =
      toxicity > 1 ? 'applies to every connection, as 1 would' : 'never applies, as 0 would';
    warnings.push({
      code: ProxyWarningCode.TOXICITY,
      message: `${prefix}: toxicity ${toxicity} is outside 0..1; it ${effect}`,
    });
  }
  const lint = entry.kind.lint?.(entry.attributes);
  if (lint !== undefined) {
    warnings.push({ code: ProxyWarningCode.ATTRIBUTES, message: `${prefix}: ${lint}` });
  }
  return warnings;
}

/** Checks a toxic the API has just stored; returns it. */
type ToxicCheck = (proxy: string, entry: ToxicEntry) => ToxicEntry;

function buildRoutes(registry: ProxyRegistry, checked: ToxicCheck): RouteTable {
  const proxyJson = (name: string): ProxyJson => registry.get(name).toJSON();
  const updateProxy: Route = async ({ params, response, json }) => {
    const name = params[0]!;
    registry.get(name);
    const proxy = await registry.update(name, await json());
    sendJson(response, 200, proxy.toJSON());
  };
  const updateToxic: Route = async ({ params, response, json }) => {
    const proxy = registry.get(params[0]!);
    proxy.toxics.get(params[1]!);
    const entry = proxy.toxics.update(params[1]!, await json());
    sendJson(response, 200, toxicToJson(checked(proxy.name, entry)));
  };
  return [
    {
      pattern: ['reset'],
      methods: {
        POST: async ({ response }) => {
          await registry.reset();
          sendEmpty(response, 204);
        },
      },
    },
    {
      pattern: ['proxies'],
      methods: {
        GET: ({ response }) => {
          const all: Record<string, ProxyJson> = {};
          for (const proxy of registry.list()) all[proxy.name] = proxy.toJSON();
          sendJson(response, 200, all);
        },
        POST: async ({ response, json }) => {
          const proxy = await registry.create(await json());
          sendJson(response, 201, proxy.toJSON());
        },
      },
    },
    {
      pattern: ['populate'],
      methods: {
        POST: async ({ response, json }) => {
          const result = await registry.populate(await json());
          const proxies = result.proxies.map((proxy) => proxy.toJSON());
          if (result.error === undefined) sendJson(response, 201, { proxies });
          else sendJson(response, result.error.status, { ...result.error.toJSON(), proxies });
        },
      },
    },
    {
      pattern: ['proxies', '*'],
      methods: {
        GET: ({ params, response }) => {
          sendJson(response, 200, proxyJson(params[0]!));
        },
        POST: updateProxy,
        PATCH: updateProxy,
        DELETE: async ({ params, response }) => {
          await registry.remove(params[0]!);
          sendEmpty(response, 204);
        },
      },
    },
    {
      pattern: ['proxies', '*', 'toxics'],
      methods: {
        GET: ({ params, response }) => {
          sendJson(response, 200, registry.get(params[0]!).toxics.list().map(toxicToJson));
        },
        POST: async ({ params, response, json }) => {
          const proxy = registry.get(params[0]!);
          const entry = proxy.toxics.add(await json());
          sendJson(response, 200, toxicToJson(checked(proxy.name, entry)));
        },
      },
    },
    {
      pattern: ['proxies', '*', 'toxics', '*'],
      methods: {
        GET: ({ params, response }) => {
          sendJson(response, 200, toxicToJson(registry.get(params[0]!).toxics.get(params[1]!)));
        },
        POST: updateToxic,
        PATCH: updateToxic,
        DELETE: ({ params, response }) => {
          registry.get(params[0]!).toxics.remove(params[1]!);
          sendEmpty(response, 204);
        },
      },
    },
    {
      pattern: ['version'],
      methods: {
        GET: ({ response }) => {
          // Toxiproxy's exact bytes, including the space and the trailing newline.
          const body = `{"version": "${TOXIPROXY_VERSION}"}\n`;
          send(response, 200, body, 'application/json;charset=utf-8');
        },
      },
    },
    {
      pattern: ['metrics'],
      methods: {
        GET: ({ response }) => {
          send(response, 200, renderMetrics(registry), METRICS_CONTENT_TYPE);
        },
      },
    },
  ];
}

type Match =
  { readonly route: Route; readonly params: Params } | 'not-found' | 'method-not-allowed';

function matchRoute(routes: RouteTable, method: string, url: string): Match {
  const path = url.split('?', 1)[0] ?? '/';
  if (!path.startsWith('/')) return 'not-found';
  let segments: string[];
  try {
    segments = path.slice(1).split('/').map(decodeURIComponent);
  } catch {
    return 'not-found';
  }
  for (const { pattern, methods } of routes) {
    if (pattern.length !== segments.length) continue;
    const params: string[] = [];
    const matches = pattern.every((part, index) => {
      const segment = segments[index]!;
      if (part !== '*') return part === segment;
      params.push(segment);
      return segment !== '';
    });
    if (!matches) continue;
    const route = methods[method];
    return route === undefined ? 'method-not-allowed' : { route, params };
  }
  return 'not-found';
}
