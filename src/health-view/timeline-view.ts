import { h, setText } from './dom.js';
import type { TimelineRow } from './timeline-model.js';

// Within this many px of the bottom counts as "at the latest entry".
const PINNED_SLACK_PX = 24;

function buildRow(row: TimelineRow): HTMLLIElement {
  return h(
    'li',
    { class: 'entry', 'data-tone': row.tone, 'data-category': row.category },
    h('span', { class: 'entry-icon', 'aria-hidden': 'true' }, row.icon),
    h(
      'div',
      { class: 'entry-text' },
      h('span', { class: 'entry-label' }, row.label),
      row.detail === '' ? null : h('span', { class: 'entry-detail' }, row.detail),
    ),
    h('time', { datetime: new Date(row.at).toISOString(), class: 'entry-time' }, row.relative),
  );
}

/**
 * Renders the event list into `list` inside the scroll box `scroller`: every row, oldest
 * first, kept pinned to the latest unless the reader scrolled up. Rows are keyed: a redraw
 * builds only new rows and touches only the relative times that changed, so a full day of
 * events costs little every second.
 */
export function mountTimelineList(
  list: HTMLElement,
  scroller: HTMLElement,
): (rows: readonly TimelineRow[]) => void {
  let shown: { key: string; look: string; element: HTMLLIElement; time: Element }[] = [];
  return (rows) => {
    const atBottom =
      scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < PINNED_SLACK_PX;
    const byKey = new Map(shown.map((item) => [item.key, item]));
    const next = rows.map((row) => {
      const look = `${row.category}|${row.label}|${row.detail}|${row.at}`;
      const old = byKey.get(row.key);
      if (old !== undefined && old.look === look) {
        setText(old.time, row.relative);
        return { ...old, key: row.key };
      }
      const element = buildRow(row);
      return { key: row.key, look, element, time: element.querySelector('time')! };
    });
    const appendOnly =
      shown.length <= next.length && shown.every((item, i) => item.element === next[i]!.element);
    if (!appendOnly) list.replaceChildren(...next.map((item) => item.element));
    else if (next.length > shown.length) {
      list.append(...next.slice(shown.length).map((item) => item.element));
    }
    shown = next;
    if (atBottom) scroller.scrollTop = scroller.scrollHeight;
  };
}
