import type { Profile } from './types.js';

/**
 * Built-in profiles by name. `django-channels` matches the original breach-alert backend: path
 * `/ws/breach-alerts/<user>/` (trailing slash), `{"type":"ping"}` answered by
 * `{"type":"pong","timestamp":…}` without an id (so pongs are matched by order), alerts as
 * `{"type":"breach_alert","data":{…}}` deduplicated by `data.id`.
 */
export const PROFILE_PRESETS: Readonly<Record<string, Profile>> = {
  stormwatch: { kind: 'stormwatch' },
  json: { kind: 'json' },
  'ws-ping': { kind: 'ws-ping' },
  socketio: { kind: 'socketio' },
  'django-channels': {
    kind: 'json',
    path: '/ws/breach-alerts/{user}/',
    ping: { frame: { type: 'ping' } },
    pong: { match: { '/type': 'pong' } },
    alert: { match: { '/type': 'breach_alert' }, dataPointer: '/data', idPointer: '/data/id' },
  },
};

/** Names of the built-in profiles. */
export const PROFILE_PRESET_NAMES: readonly string[] = Object.keys(PROFILE_PRESETS);
