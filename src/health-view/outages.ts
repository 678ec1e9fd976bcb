import type { TimelineEntry } from '../client/index.js';

/** One lost connection: from the loss until the client was connected again. */
export interface Outage {
  /** When the connection was lost, epoch ms. */
  from: number;
  /** When it was back, epoch ms; undefined while the outage goes on. */
  to: number | undefined;
  /** Index in the entries of the `connected` entry that ended it; undefined while it goes on. */
  endIndex: number | undefined;
}

/**
 * The outages in a client's timeline, oldest first: every connection lost (`reconnecting`,
 * `failed`, or `disconnected` by the server or network) after being connected, whether it came
 * back or not yet. Not outages: a disconnect or reconnect the page asked for (as in the
 * client's stats), and a loss the page then closed for good. The event list, the strip and the
 * panel summary all count these, so they always agree. Pure.
 */
export function findOutages(entries: readonly TimelineEntry[]): Outage[] {
  const outages: Outage[] = [];
  let lostAt: number | undefined;
  let wasConnected = false;
  entries.forEach((entry, index) => {
    switch (entry.kind) {
      case 'connected':
        if (lostAt !== undefined) outages.push({ from: lostAt, to: entry.at, endIndex: index });
        lostAt = undefined;
        wasConnected = true;
        break;
      case 'connecting':
        // A retry continues the outage; the first attempt or reconnect() by the page is none.
        if (entry.reason !== 'retry') wasConnected = false;
        break;
      case 'reconnecting':
      case 'failed':
        if (wasConnected) lostAt ??= entry.at;
        wasConnected = false;
        break;
      case 'disconnected':
        if (entry.reason === 'client' || entry.reason === 'disposed') lostAt = undefined;
        else if (wasConnected) lostAt ??= entry.at;
        wasConnected = false;
        break;
      case 'good':
      case 'poor':
        break;
    }
  });
  if (lostAt !== undefined) outages.push({ from: lostAt, to: undefined, endIndex: undefined });
  return outages;
}
