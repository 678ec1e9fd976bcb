import type { BadgeModel } from './badge.js';
import { byId, h, setText } from './dom.js';
import { fleetStateRows, formatActual, type FleetSnapshot } from './fleet.js';
import type { AlertFeed } from './alert-feed.js';
import { formatRelativeTime, formatSpan } from './format.js';
import { formatWindowParam } from './params.js';
import type { StatItem } from './stats-model.js';
import type { StripModel } from './strip-model.js';
import { mountStrip } from './strip-view.js';
import type { TimelineModel } from './timeline-model.js';
import { mountTimelineList } from './timeline-view.js';

/** The page's DOM, behind named render calls. Holds no connection state of its own. */
export interface HealthView {
  renderBadge(model: BadgeModel): void;
  renderStats(items: readonly StatItem[], summary: string): void;
  /** The strip over the chosen window; also names the window in the panel heading. */
  renderStrip(model: StripModel): void;
  /** The event list; `dropped` counts older events the client no longer keeps. */
  renderTimeline(model: TimelineModel, dropped: number): void;
  renderAlerts(feed: AlertFeed, nowMs: number): void;
  renderFleet(snapshot: FleetSnapshot): void;
  /** Shows the fleet panel with a status line (waiting, feed lost…). */
  setFleetStatus(text: string): void;
  /** Says `text` to screen readers; `urgent` interrupts (failures). */
  announce(text: string, urgent?: boolean): void;
  /** Lists problems (bad URL parameters, a failed token fetch); empty hides the notice. */
  showProblems(lines: readonly string[]): void;
  setSubtitle(text: string): void;
  /** Shows the token form; resolves nothing itself — `onSubmit` gets the trimmed token. */
  showTokenForm(onSubmit: (token: string) => string | undefined, message?: string): void;
  hideTokenForm(): void;
  /** Calls `listener` when the Reconnect button is pressed. */
  onReconnect(listener: () => void): void;
  /** Calls `listener` with the window picked (its URL form, e.g. `15m`). */
  onWindowChange(listener: (value: string) => void): void;
}

/** Binds to the ids of index.html. */
export function mountHealthView(options: { panelOpen: boolean }): HealthView {
  const badge = byId('badge');
  const badgeIcon = byId('badge-icon');
  const badgeLabel = byId('badge-label');
  const badgeDetail = byId('badge-detail');
  const reconnect = byId<HTMLButtonElement>('reconnect');
  const toggle = byId<HTMLButtonElement>('health-toggle');
  const body = byId('health-body');
  const summary = byId('health-summary');
  const stats = byId('stats');
  const timelineScroll = byId('timeline-scroll');
  const timelineNote = byId('timeline-note');
  const windowTitle = byId('window-title');
  const windowSelect = byId<HTMLSelectElement>('window-select');
  const drawRows = mountTimelineList(byId('timeline'), timelineScroll);
  const drawStrip = mountStrip({
    bar: byId('strip'),
    ticks: byId('strip-ticks'),
    startLabel: byId('strip-start'),
    endLabel: byId('strip-end'),
  });
  const alertList = byId('alert-list');
  const alertsEmpty = byId('alerts-empty');
  const alertsCount = byId('alerts-count');
  const announcer = byId('announcer');
  const urgentAnnouncer = byId('announcer-urgent');
  const problems = byId('problems');
  const tokenCard = byId('token-card');
  const tokenForm = byId<HTMLFormElement>('token-form');
  const tokenInput = byId<HTMLInputElement>('token-input');
  const tokenError = byId('token-error');
  const fleet = byId('fleet');

  const setOpen = (open: boolean): void => {
    toggle.setAttribute('aria-expanded', String(open));
    body.hidden = !open;
    if (open) timelineScroll.scrollTop = timelineScroll.scrollHeight;
  };
  setOpen(options.panelOpen);
  toggle.addEventListener('click', () => setOpen(toggle.getAttribute('aria-expanded') !== 'true'));

  let tokenSubmit: ((token: string) => string | undefined) | undefined;
  tokenForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const token = tokenInput.value.trim();
    // The token leaves the DOM at once: nothing keeps it but the client's provider.
    tokenInput.value = '';
    const error = token === '' ? 'Enter a token.' : tokenSubmit?.(token);
    setText(tokenError, error ?? '');
    if (error !== undefined) tokenInput.focus();
  });

  return {
    renderBadge(model) {
      badge.dataset.tone = model.tone;
      badge.classList.toggle('pulse', model.pulse);
      setText(badgeIcon, model.icon);
      setText(badgeLabel, model.label);
      setText(badgeDetail, model.detail);
      // The button stays the same element, so keyboard focus survives every update.
      reconnect.hidden = !model.canReconnect;
    },

    renderStats(items, text) {
      setText(summary, text);
      const rows = items.map((item) =>
        h(
          'div',
          { class: 'stat', 'data-stat': item.id, title: item.hint },
          h('dt', {}, item.label),
          h('dd', {}, item.value, h('span', { class: 'sr-only' }, ` (${item.hint})`)),
        ),
      );
      stats.replaceChildren(...rows);
    },

    renderStrip(model) {
      setText(windowTitle, model.title);
      const value = formatWindowParam(model.windowMs);
      // A window given in the URL that the menu lacks gets an entry of its own.
      if (!Array.from(windowSelect.options).some((option) => option.value === value)) {
        windowSelect.append(h('option', { value }, formatSpan(model.windowMs)));
      }
      if (windowSelect.value !== value) windowSelect.value = value;
      drawStrip(model);
    },

    renderTimeline(model, dropped) {
      drawRows(model.rows);
      const older = model.hidden + dropped;
      setText(
        timelineNote,
        `${model.outages} outage${model.outages === 1 ? '' : 's'}${model.ongoing ? ' (one ongoing)' : ''}${older > 0 ? ` · ${older} older event${older === 1 ? '' : 's'} no longer kept` : ''}`,
      );
    },

    renderAlerts(feed, nowMs) {
      alertsEmpty.hidden = feed.items.length > 0;
      setText(
        alertsCount,
        feed.received === 0
          ? ''
          : `${feed.received} received${feed.replayed > 0 ? ` · ${feed.replayed} replayed` : ''}`,
      );
      alertList.replaceChildren(
        ...feed.items.map((item) => {
          if (item.kind === 'gap') {
            return h(
              'li',
              { class: 'alert gap', 'data-kind': 'gap' },
              h(
                'span',
                { class: 'severity', 'data-severity': 'GAP' },
                h('span', { 'aria-hidden': 'true' }, '⚠ '),
                'Gap',
              ),
              h('div', { class: 'alert-text' }, h('span', { class: 'alert-title' }, item.text)),
              h(
                'time',
                { class: 'alert-time', datetime: new Date(item.at).toISOString() },
                formatRelativeTime(item.at, nowMs),
              ),
            );
          }
          return h(
            'li',
            {
              class: 'alert',
              'data-kind': 'alert',
              'data-seq': String(item.seq),
              'data-replayed': String(item.replayed),
            },
            h('span', { class: 'severity', 'data-severity': item.severity }, item.severity),
            h(
              'div',
              { class: 'alert-text' },
              h('span', { class: 'alert-title' }, item.title),
              h(
                'span',
                { class: 'alert-meta' },
                `#${item.seq} · ${item.source}`,
                item.replayed
                  ? h(
                      'span',
                      { class: 'tag', title: 'Missed while disconnected; delivered on resume' },
                      'Replayed',
                    )
                  : null,
              ),
            ),
            Number.isNaN(item.publishedAt)
              ? null
              : h(
                  'time',
                  { class: 'alert-time', datetime: new Date(item.publishedAt).toISOString() },
                  formatRelativeTime(item.publishedAt, nowMs),
                ),
          );
        }),
      );
    },

    renderFleet(snapshot) {
      fleet.hidden = false;
      setText(byId('fleet-title'), `· ${snapshot.scenario}`);
      const verdict = snapshot.verdict === null ? '' : ` · verdict: ${snapshot.verdict}`;
      setText(
        byId('fleet-status'),
        `${snapshot.phase} · ${snapshot.elapsedSeconds.toFixed(0)} s · ${snapshot.clients.total} clients · ${snapshot.alerts.published} alerts published, ${snapshot.alerts.delivered} delivered${verdict}`,
      );
      byId('fleet-states').replaceChildren(
        ...fleetStateRows(snapshot).map((row) =>
          h(
            'li',
            { 'data-tone': row.tone, 'data-state': row.state },
            h('span', { class: 'entry-icon', 'aria-hidden': 'true' }, row.icon),
            h('span', { class: 'fleet-label' }, row.label),
            h('span', { class: 'fleet-count' }, String(row.count)),
            h(
              'span',
              { class: 'bar', 'aria-hidden': 'true' },
              h('span', { class: 'bar-fill', 'data-share': String(Math.round(row.share * 100)) }),
            ),
          ),
        ),
      );
      // CSSOM writes are allowed by the page's CSP (style-src 'self'); style attributes are not.
      byId('fleet-states')
        .querySelectorAll<HTMLElement>('.bar-fill')
        .forEach((fill) => {
          fill.style.width = `${fill.dataset.share ?? '0'}%`;
        });
      byId('fleet-faults').replaceChildren(
        ...(snapshot.activeFaults.length === 0
          ? [h('li', { class: 'muted' }, 'none')]
          : snapshot.activeFaults.map((f) =>
              h('li', { 'data-tone': 'warn' }, h('span', { 'aria-hidden': 'true' }, '⚡ '), f),
            )),
      );
      byId('fleet-thresholds').replaceChildren(
        ...snapshot.thresholds.map((t) =>
          h(
            'tr',
            { 'data-tone': t.passed ? 'ok' : 'bad' },
            h('td', {}, t.metric),
            h('td', {}, h('code', {}, t.threshold), t.window === 'all' ? '' : ` [${t.window}]`),
            h('td', {}, formatActual(t.actual)),
            h(
              'td',
              {},
              h('span', { 'aria-hidden': 'true' }, t.passed ? '✓ ' : '✗ '),
              t.passed ? 'pass' : 'fail',
            ),
          ),
        ),
      );
    },

    setFleetStatus(text) {
      fleet.hidden = false;
      setText(byId('fleet-status'), text);
    },

    announce(text, urgent = false) {
      const target = urgent ? urgentAnnouncer : announcer;
      // Re-setting identical text is not announced; clear first so a repeat is heard.
      target.textContent = '';
      target.textContent = text;
    },

    showProblems(lines) {
      problems.hidden = lines.length === 0;
      problems.replaceChildren(...lines.map((line) => h('p', {}, line)));
    },

    setSubtitle(text) {
      setText(byId('subtitle'), text);
    },

    showTokenForm(onSubmit, message) {
      tokenSubmit = onSubmit;
      tokenCard.hidden = false;
      setText(tokenError, message ?? '');
      tokenInput.focus();
    },

    hideTokenForm() {
      tokenCard.hidden = true;
      setText(tokenError, '');
    },

    onReconnect(listener) {
      reconnect.addEventListener('click', listener);
    },

    onWindowChange(listener) {
      windowSelect.addEventListener('change', () => listener(windowSelect.value));
    },
  };
}
