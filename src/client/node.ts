/**
 * stormwatch/client/node — the client for Node: everything in `stormwatch/client` plus the `ws`
 * transport, which sends `Authorization: Bearer <token>` and reports the HTTP status and
 * `Retry-After` of a refused upgrade.
 */
import type { Client } from './shell/client.js';
import { createClient } from './shell/client.js';
import type { ClientOptions } from './options.js';
import { checkProfile } from './profiles/validate.js';
import { createNodeTransport, type NodeTransportOptions } from './transports/node.js';
import { createSocketIoTransport } from './transports/socketio.js';

export * from './index.js';
export { createNodeTransport } from './transports/node.js';
export { createSocketIoTransport } from './transports/socketio.js';
export type { SocketIoTransportOptions } from './transports/socketio.js';
export type { NodeTransportOptions } from './transports/node.js';

/**
 * {@link createClient} with the `ws` transport as default (sharing the client's clock for
 * `Retry-After` dates).
 */
export function createNodeClient(
  options: ClientOptions,
  transportOptions: NodeTransportOptions = {},
): Client {
  const profile = options.profile === undefined ? undefined : checkProfile(options.profile);
  const clock = options.clock === undefined ? {} : { clock: options.clock };
  const transport =
    options.transport ??
    (profile?.ok === true && profile.profile.kind === 'socketio'
      ? createSocketIoTransport({ profile: profile.profile, userId: options.userId, ...clock })
      : createNodeTransport({ ...clock, ...transportOptions }));
  return createClient({ ...options, transport });
}
