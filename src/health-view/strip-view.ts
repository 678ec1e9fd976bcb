import { h, setAttr, setText, syncChildren } from './dom.js';
import { layoutStrip, type StripModel } from './strip-model.js';

/** The least a stretch is drawn wide, px: a 3-second outage in a day is still seen. */
const MIN_WIDTH_PX = 2;

/** The elements of index.html the strip draws into. */
export interface StripElements {
  /** The bar (`role="img"`): one child per stretch. */
  bar: HTMLElement;
  /** Under the bar: one child per tick. */
  ticks: HTMLElement;
  startLabel: HTMLElement;
  endLabel: HTMLElement;
}

// Percentages with four decimals: a 3-second stretch of a day is 0.0035 %.
const percent = (value: number): string => `${value.toFixed(4)}%`;

/**
 * Draws {@link StripModel}s into the strip, updating its elements in place, so a stretch under
 * the pointer keeps its hover text while the strip redraws every second. Stretches are not
 * focusable: the bar is one image with a summary label, and the event list below holds the
 * same facts for the keyboard.
 */
export function mountStrip(elements: StripElements): (model: StripModel) => void {
  const { bar, ticks, startLabel, endLabel } = elements;
  return (model) => {
    setAttr(bar, 'aria-label', model.ariaLabel);
    setText(startLabel, model.startLabel);
    setText(endLabel, model.endLabel);
    const segments = syncChildren(bar, model.rows.length, () => h('span', { class: 'strip-seg' }));
    // 0 while the panel is collapsed: nothing is drawn then anyway.
    const barWidthPx = bar.clientWidth;
    const boxes = layoutStrip(model.rows, barWidthPx > 0 ? (MIN_WIDTH_PX / barWidthPx) * 100 : 0);
    model.rows.forEach((row, index) => {
      const segment = segments[index]!;
      setAttr(segment, 'data-state', row.state);
      setAttr(segment, 'data-tone', row.tone);
      setAttr(segment, 'title', row.tooltip);
      // CSSOM writes are allowed by the page's CSP (style-src 'self'); style attributes are not.
      segment.style.left = percent(boxes[index]!.leftPercent);
      segment.style.width = percent(boxes[index]!.widthPercent);
    });
    const marks = syncChildren(ticks, model.ticks.length, () =>
      h('span', { class: 'strip-tick' }, h('span', { class: 'strip-tick-label' })),
    );
    model.ticks.forEach((tick, index) => {
      const mark = marks[index]!;
      setAttr(mark, 'data-major', String(tick.label !== ''));
      mark.style.left = percent(tick.leftPercent);
      setText(mark.firstElementChild!, tick.label);
    });
  };
}
