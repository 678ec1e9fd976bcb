/**
 * stormwatch/client/node — the client for Node: everything in `stormwatch/client` plus the `ws`
 * transport, which sends `Authorization: Bearer <token>` and reports the HTTP status and
 * `Retry-After` of a refused upgrade.
 */
import type { Client } from './shell/client.js';
import { createClient } from './shell/client.js';
import type { ClientOptions } from './options.js';
import { createNodeTransport, type NodeTransportOptions } from './transports/node.js';

export * from './index.js';
export { createNodeTransport } from './transports/node.js';
export type { NodeTransportOptions } from './transports/node.js';

/**
 * {@link createClient} with the `ws` transport as default (sharing the client's clock for
 * `Retry-After` dates).
 */
export function createNodeClient(
  options: ClientOptions,
  transportOptions: NodeTransportOptions = {},
): Client {
  const transport =
    options.transport ??
    createNodeTransport({
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...transportOptions,
    });
  return createClient({ ...options, transport });
}
