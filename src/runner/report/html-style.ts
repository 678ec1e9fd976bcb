/**
 * The HTML report's stylesheet: light by default, dark under `prefers-color-scheme: dark`. The
 * chart script reads its colours from the same custom properties.
 */
export const HTML_STYLE = `
:root {
  --bg: #ffffff; --panel: #f5f6f8; --text: #1d2330; --muted: #5b6474; --grid: #dde1e7;
  --ok: #1a7f37; --bad: #cf222e; --warn: #9a6700; --neutral: #57606a; --accent: #0969da;
  --ok-bg: #dafbe1; --bad-bg: #ffebe9; --warn-bg: #fff8c5; --neutral-bg: #eaeef2;
  --fault-fill: rgba(207, 34, 46, 0.12); --fault-bar: #e5534b; --fault-text: #a40e26;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0d1117; --panel: #161b22; --text: #e6edf3; --muted: #8d96a0; --grid: #30363d;
    --ok: #3fb950; --bad: #f85149; --warn: #d29922; --neutral: #8b949e; --accent: #4493f8;
    --ok-bg: #12261e; --bad-bg: #2d1214; --warn-bg: #2e2408; --neutral-bg: #21262d;
    --fault-fill: rgba(248, 81, 73, 0.16); --fault-bar: #da3633; --fault-text: #ff9492;
  }
}
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text);
  font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
main { max-width: 1100px; margin: 0 auto; padding: 0 20px 40px; }
h1 { font-size: 20px; margin: 0 0 4px; }
h2 { font-size: 16px; margin: 28px 0 10px; border-bottom: 1px solid var(--grid); padding-bottom: 4px; }
code { font: 12.5px ui-monospace, SFMono-Regular, Menlo, monospace; }
.verdict { display: flex; gap: 18px; align-items: center; padding: 18px max(20px, calc((100% - 1060px) / 2));
  border-bottom: 4px solid var(--tone); background: var(--tone-bg); }
.verdict .badge { margin: 0; padding: 6px 14px; border-radius: 6px; font-weight: 700; font-size: 18px;
  color: var(--bg); background: var(--tone); white-space: nowrap; }
.verdict .meta { margin: 0; color: var(--muted); }
.verdict .reason { margin: 6px 0 0; }
.ok { --tone: var(--ok); --tone-bg: var(--ok-bg); }
.bad { --tone: var(--bad); --tone-bg: var(--bad-bg); }
.warn { --tone: var(--warn); --tone-bg: var(--warn-bg); }
.neutral { --tone: var(--neutral); --tone-bg: var(--neutral-bg); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--grid); vertical-align: top; }
thead th { color: var(--muted); font-weight: 600; font-size: 12px; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
td.mark { color: var(--tone); font-weight: 700; width: 1.5em; text-align: center; }
tr.bad td { background: var(--bad-bg); }
tr.warn td { background: var(--warn-bg); }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 8px; margin: 0; }
.figures div { background: var(--panel); border-radius: 6px; padding: 8px 10px; }
.figures dt { color: var(--muted); font-size: 12px; }
.figures dd { margin: 2px 0 0; font-weight: 600; font-variant-numeric: tabular-nums; }
.note { color: var(--muted); font-size: 12.5px; }
.chart { width: 100%; min-height: 120px; }
.chart .u-legend { color: var(--text); }
svg.faults { width: 100%; height: auto; display: block; }
svg.faults text { fill: var(--text); font-size: 13px; }
svg.faults text.axis { fill: var(--muted); font-size: 12px; }
svg.faults line.tick { stroke: var(--grid); stroke-width: 1; }
svg.faults rect { fill: var(--fault-bar); }
svg.faults .open rect { fill-opacity: 0.55; }
svg.faults text.range { fill: var(--muted); font-size: 11.5px; }
svg.faults text.range.inside { fill: #ffffff; }
`;
