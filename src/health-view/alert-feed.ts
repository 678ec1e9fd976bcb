import type { GapEvent } from '../client/index.js';
import type { BreachAlertMessage, Severity } from '../protocol/index.js';

/** An alert as the list shows it. */
export interface AlertItem {
  kind: 'alert';
  /** The alert id: unique across epochs, so it keys the list. */
  key: string;
  seq: number;
  severity: Severity;
  title: string;
  source: string;
  /** When the server accepted it, epoch ms (NaN if the server sent a bad date). */
  publishedAt: number;
  /** Received when the page caught up after a disconnection, not live. */
  replayed: boolean;
}

/** A gap the client detected: alerts it will never receive, or a history reset. */
export interface GapItem {
  kind: 'gap';
  key: string;
  /** Clock time it was noticed, epoch ms. */
  at: number;
  /** Alerts known to be lost; undefined when unknowable (a history reset). */
  missed: number | undefined;
  text: string;
}

/** One row of the live alert list. */
export type FeedItem = AlertItem | GapItem;

/** The live alert list, newest first, bounded. */
export interface AlertFeed {
  items: readonly FeedItem[];
  /** Alert ids already listed (the list is exactly-once even across reconnects). */
  seen: ReadonlySet<string>;
  /** Alerts received in total, including ones dropped from the bounded list. */
  received: number;
  replayed: number;
  gaps: number;
}

/** An empty feed. */
export function createAlertFeed(): AlertFeed {
  return { items: [], seen: new Set(), received: 0, replayed: 0, gaps: 0 };
}

/** Rows kept in the list by default. */
export const DEFAULT_FEED_SIZE = 100;

// The client already drops duplicates by seq; ids remembered here guard the list across epochs.
const SEEN_LIMIT = 10_000;

/**
 * Adds an alert at the top. An id already listed is ignored, so an alert replayed after a
 * reconnect shows exactly once. Returns a new feed; `feed` is not changed.
 */
export function addAlert(
  feed: AlertFeed,
  alert: BreachAlertMessage,
  replayed: boolean,
  maxItems = DEFAULT_FEED_SIZE,
): AlertFeed {
  if (feed.seen.has(alert.id)) return feed;
  const item: AlertItem = {
    kind: 'alert',
    key: alert.id,
    seq: alert.seq,
    severity: alert.severity,
    title: alert.title,
    source: alert.source,
    publishedAt: Date.parse(alert.publishedAt),
    replayed,
  };
  const seen = new Set(feed.seen);
  seen.add(alert.id);
  // Bounded memory: the oldest ids go first (a Set iterates in insertion order).
  for (const id of seen) {
    if (seen.size <= SEEN_LIMIT) break;
    seen.delete(id);
  }
  return {
    items: [item, ...feed.items].slice(0, maxItems),
    seen,
    received: feed.received + 1,
    replayed: feed.replayed + (replayed ? 1 : 0),
    gaps: feed.gaps,
  };
}

/** What a gap means for the user, in one line. */
export function describeGap(gap: GapEvent): string {
  const alerts = (n: number): string => `${n} alert${n === 1 ? '' : 's'}`;
  switch (gap.kind) {
    case 'seq-jump':
      return `Gap detected: ${alerts(gap.missed)} between #${gap.afterSeq} and #${gap.seq} never arrived`;
    case 'resume-gap':
      return `Gap detected: ${alerts(gap.missed)} missed; the server no longer holds them`;
    case 'history-reset':
      // Before the first alert there is no "#0" to speak of.
      return `Gap detected: the server’s alert history was reset${gap.lastSeq > 0 ? ` after #${gap.lastSeq}` : ''}; alerts published meanwhile may be lost`;
  }
}

/** Adds a detected gap at the top. Returns a new feed. */
export function addGap(feed: AlertFeed, gap: GapEvent, maxItems = DEFAULT_FEED_SIZE): AlertFeed {
  const item: GapItem = {
    kind: 'gap',
    key: `gap-${feed.gaps + 1}`,
    at: gap.at,
    missed: gap.kind === 'history-reset' ? undefined : gap.missed,
    text: describeGap(gap),
  };
  return { ...feed, items: [item, ...feed.items].slice(0, maxItems), gaps: feed.gaps + 1 };
}
