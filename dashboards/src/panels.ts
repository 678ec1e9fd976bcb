import * as common from '@grafana/grafana-foundation-sdk/common';
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import * as dashboard from '@grafana/grafana-foundation-sdk/dashboard';
import * as heatmap from '@grafana/grafana-foundation-sdk/heatmap';
import * as prometheus from '@grafana/grafana-foundation-sdk/prometheus';
import * as stat from '@grafana/grafana-foundation-sdk/stat';
import * as statetimeline from '@grafana/grafana-foundation-sdk/statetimeline';
import * as timeseries from '@grafana/grafana-foundation-sdk/timeseries';

/**
 * Small, opinionated wrappers over the Grafana Foundation SDK builders. They fill in what the
 * SDK leaves to the caller but Grafana needs to render a panel reliably: a unique `refId` per
 * query (the SDK's default is the empty string, which collides as soon as a panel has two
 * queries), the datasource reference, and an explicit `gridPos`.
 */

/** The Prometheus datasource, chosen by the `datasource` template variable. */
export const DATASOURCE: dashboard.DataSourceRef = { type: 'prometheus', uid: '${datasource}' };

/** One PromQL query of a panel. */
export interface Query {
  /** PromQL; may use template variables and `$__rate_interval` / `$__range`. */
  expr: string;
  /** Series name in the legend (`{{label}}` placeholders allowed). */
  legend?: string;
  /** Evaluate once at the end of the range (stat panels) instead of over the range. */
  instant?: boolean;
  /** `heatmap` for `le`-bucketed histogram series. */
  format?: prometheus.PromQueryFormat;
}

/** Where a panel sits: x, y, width (of 24) and height (grid units). */
export type Place = [x: number, y: number, w: number, h: number];

/** Panel text shared by every kind. */
export interface PanelText {
  title: string;
  /** What the panel shows and how to read it (shown as the ⓘ tooltip). */
  description: string;
  unit?: string;
  at: Place;
}

const REF_IDS = 'ABCDEFGHIJ';

function targets(queries: readonly Query[]): prometheus.DataqueryBuilder[] {
  return queries.map((q, i) => {
    const b = new prometheus.DataqueryBuilder()
      .refId(REF_IDS[i] ?? `Q${i}`)
      .datasource(DATASOURCE)
      .expr(q.expr);
    if (q.legend !== undefined) b.legendFormat(q.legend);
    if (q.format !== undefined) b.format(q.format);
    return q.instant === true ? b.instant() : b.range();
  });
}

function gridPos([x, y, w, h]: Place): dashboard.GridPos {
  return { x, y, w, h };
}

/** Threshold steps: the first applies from -∞, each next from its value up. */
export function steps(
  base: string,
  ...rest: Array<[value: number, color: string]>
): dashboard.ThresholdsConfigBuilder {
  return new dashboard.ThresholdsConfigBuilder()
    .mode(dashboard.ThresholdsMode.Absolute)
    .steps([{ value: null, color: base }, ...rest.map(([value, color]) => ({ value, color }))]);
}

/** A single big number: the last value of its (instant) query. */
export function statPanel(
  text: PanelText & {
    query: Query;
    thresholds?: dashboard.ThresholdsConfigBuilder;
    decimals?: number;
    min?: number;
    max?: number;
    noValue?: string;
  },
): stat.PanelBuilder {
  const b = new stat.PanelBuilder()
    .title(text.title)
    .description(text.description)
    .datasource(DATASOURCE)
    .gridPos(gridPos(text.at))
    .targets(targets([{ ...text.query, instant: true }]))
    .reduceOptions(new common.ReduceDataOptionsBuilder().calcs(['lastNotNull']).values(false))
    .graphMode(common.BigValueGraphMode.None)
    .colorMode(common.BigValueColorMode.Value)
    .thresholds(text.thresholds ?? steps('text'));
  if (text.unit !== undefined) b.unit(text.unit);
  if (text.decimals !== undefined) b.decimals(text.decimals);
  if (text.min !== undefined) b.min(text.min);
  if (text.max !== undefined) b.max(text.max);
  if (text.noValue !== undefined) b.noValue(text.noValue);
  return b;
}

/** Lines over time. `thresholdLine` draws a dashed line at an SLO bound. */
export function timeseriesPanel(
  text: PanelText & {
    queries: Query[];
    stacked?: boolean;
    min?: number;
    max?: number;
    thresholdLine?: number;
  },
): timeseries.PanelBuilder {
  const b = new timeseries.PanelBuilder()
    .title(text.title)
    .description(text.description)
    .datasource(DATASOURCE)
    .gridPos(gridPos(text.at))
    .targets(targets(text.queries))
    .fillOpacity(text.stacked === true ? 40 : 10)
    .showPoints(common.VisibilityMode.Never)
    .legend(
      new common.VizLegendOptionsBuilder()
        .showLegend(true)
        .displayMode(common.LegendDisplayMode.List)
        .placement(common.LegendPlacement.Bottom),
    )
    .tooltip(new common.VizTooltipOptionsBuilder().mode(common.TooltipDisplayMode.Multi));
  if (text.unit !== undefined) b.unit(text.unit);
  if (text.min !== undefined) b.min(text.min);
  if (text.max !== undefined) b.max(text.max);
  if (text.stacked === true) {
    b.stacking(new common.StackingConfigBuilder().mode(common.StackingMode.Normal));
  }
  if (text.thresholdLine !== undefined) {
    b.thresholds(steps('transparent', [text.thresholdLine, 'red'])).thresholdsStyle(
      new common.GraphThresholdsStyleConfigBuilder().mode(common.GraphThresholdsStyleMode.Dashed),
    );
  }
  return b;
}

/** Rows of states over time; each query is a row, its values mapped to text and colour. */
export function stateTimelinePanel(
  text: PanelText & { queries: Query[]; mappings: dashboard.ValueMapping[] },
): statetimeline.PanelBuilder {
  return new statetimeline.PanelBuilder()
    .title(text.title)
    .description(text.description)
    .datasource(DATASOURCE)
    .gridPos(gridPos(text.at))
    .targets(targets(text.queries))
    .mappings(text.mappings)
    .showValue(common.VisibilityMode.Never)
    .mergeValues(true)
    .rowHeight(0.8)
    .thresholds(steps('green'));
}

/** A histogram's buckets over time (Prometheus `le` buckets, not recalculated by Grafana). */
export function heatmapPanel(text: PanelText & { query: Query }): heatmap.PanelBuilder {
  return new heatmap.PanelBuilder()
    .title(text.title)
    .description(text.description)
    .datasource(DATASOURCE)
    .gridPos(gridPos(text.at))
    .targets(targets([{ ...text.query, format: prometheus.PromQueryFormat.Heatmap }]))
    .calculate(false)
    .rowsFrame(new heatmap.RowsHeatmapOptionsBuilder().layout(common.HeatmapCellLayout.Le))
    .yAxis(new heatmap.YAxisConfigBuilder().unit(text.unit ?? 's'))
    .color(
      new heatmap.HeatmapColorOptionsBuilder()
        .mode(heatmap.HeatmapColorMode.Scheme)
        .scheme('Oranges')
        .scale(heatmap.HeatmapColorScale.Exponential)
        .exponent(0.5)
        .steps(64),
    )
    .cellValues(new heatmap.CellValuesBuilder().unit('short'))
    .showValue(common.VisibilityMode.Never)
    .mode(common.TooltipDisplayMode.Single)
    .showYHistogram();
}

/** A collapsible section header across the full width at row `y`. */
export function row(title: string, y: number): dashboard.RowBuilder {
  return new dashboard.RowBuilder(title).gridPos({ x: 0, y, w: 24, h: 1 });
}

/** A Prometheus annotation query (`expr` true → a region on every time panel). */
export interface PrometheusAnnotation extends dashboard.AnnotationQuery {
  /** Series label(s) shown as the annotation's title, e.g. `{{fault}}`. */
  titleFormat: string;
  /** Labels turned into annotation tags, comma-separated. */
  tagKeys: string;
  /** Query resolution. */
  step: string;
}

/**
 * The SDK's annotation builder has `expr` but not the Prometheus-specific `titleFormat`,
 * `tagKeys` and `step`; this builder adds them on top of its output.
 */
export function prometheusAnnotation(
  a: Pick<PrometheusAnnotation, 'name' | 'expr' | 'iconColor' | 'titleFormat' | 'tagKeys' | 'step'>,
): cog.Builder<dashboard.AnnotationQuery> {
  return {
    build: (): PrometheusAnnotation => ({
      ...new dashboard.AnnotationQueryBuilder()
        .name(a.name)
        .datasource(DATASOURCE)
        .enable(true)
        .hide(false)
        .iconColor(a.iconColor)
        .expr(a.expr ?? '')
        .build(),
      titleFormat: a.titleFormat,
      tagKeys: a.tagKeys,
      step: a.step,
    }),
  };
}

/** The `datasource` variable every panel's queries go through. */
export function datasourceVariable(): dashboard.DatasourceVariableBuilder {
  return new dashboard.DatasourceVariableBuilder('datasource')
    .label('Data source')
    .type('prometheus');
}

/** A multi-value label variable with an "All" option matching every value (`.*`). */
export function labelVariable(
  name: string,
  label: string,
  metric: string,
): dashboard.QueryVariableBuilder {
  return new dashboard.QueryVariableBuilder(name)
    .label(label)
    .datasource(DATASOURCE)
    .query({ query: `label_values(${metric}, ${name})`, refId: 'PrometheusVariableQueryEditor' })
    .refresh(dashboard.VariableRefresh.OnTimeRangeChanged)
    .sort(dashboard.VariableSort.AlphabeticalAsc)
    .multi(true)
    .includeAll(true)
    .allValue('.*')
    .current({ selected: true, text: ['All'], value: ['$__all'] });
}

/** Gives every panel a stable id in layout order (the SDK leaves ids to the caller). */
export function numberPanels(d: dashboard.Dashboard): dashboard.Dashboard {
  let id = 0;
  for (const panel of d.panels ?? []) {
    id += 1;
    panel.id = id;
  }
  return d;
}
