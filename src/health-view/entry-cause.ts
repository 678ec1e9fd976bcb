import type { TimelineEntry } from '../client/index.js';
import { describeCloseCode } from './format.js';

/**
 * Why a timeline entry happened, for people: `heartbeat timeout`, `refused with HTTP 429`,
 * `server restarting (1012)`; '' when the entry carries no cause. Shared by the event list and
 * the strip's hover text, so both name a cause the same way.
 */
export function describeCause(entry: TimelineEntry): string {
  if (entry.reason === 'heartbeat-timeout') return 'heartbeat timeout';
  if (entry.reason === 'connect-timeout') return 'attempt timed out';
  if (entry.reason === 'offline') return 'device offline';
  if (entry.reason === 'rate-limited') return 'rate limited';
  if (entry.httpStatus !== undefined) return `refused with HTTP ${entry.httpStatus}`;
  if (entry.closeCode !== undefined) return describeCloseCode(entry.closeCode);
  return '';
}
