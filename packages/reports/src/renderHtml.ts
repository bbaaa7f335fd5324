import { DateTime } from 'luxon';
import type { FlowFigures, Report } from './model.ts';

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESC[c] ?? c);
}
const e = escapeHtml;

/** `1h 05m`, `3m 20s`, `45s`, or an en dash for none. */
export function formatMs(ms: number | null): string {
  if (ms === null) return '–';
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h ${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d ${h % 24}h`;
}

/** A ratio as a percentage with two decimals, e.g. `99.35 %`. */
export function formatPct(ratio: number | null): string {
  return ratio === null ? '–' : `${(ratio * 100).toFixed(2)} %`;
}

const COLORS = ['#1f6feb', '#d1242f', '#1a7f37', '#9a6700', '#8250df', '#bf3989', '#0a7d8c', '#57606a'];

/** The trend of on-time share per flow over the report's weeks, as an inline SVG line chart. */
export function trendSvg(report: Report): string {
  const weeks = report.trend.weeks;
  const series = report.trend.flows.filter((f) => f.points.some((p) => p.onTimeRatio !== null));
  const W = 640;
  const H = 240;
  const L = 48;
  const R = 12;
  const T = 12;
  const B = 28;
  const values = series.flatMap((f) =>
    f.points.flatMap((p) => (p.onTimeRatio === null ? [] : [p.onTimeRatio])),
  );
  const lo = values.length ? Math.max(0, Math.floor(Math.min(...values) * 20 - 0.0001) / 20) : 0.9;
  const x = (i: number) => L + (weeks.length > 1 ? (i * (W - L - R)) / (weeks.length - 1) : (W - L - R) / 2);
  const y = (v: number) => T + ((1 - v) / (1 - lo || 1)) * (H - T - B);
  const parts: string[] = [];
  for (let k = 0; k <= 4; k++) {
    const v = lo + ((1 - lo) * k) / 4;
    parts.push(
      `<line x1="${L}" x2="${W - R}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#d0d7de" stroke-width="1"/>`,
      `<text x="${L - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="11" fill="#57606a">${(v * 100).toFixed(1)}%</text>`,
    );
  }
  weeks.forEach((w, i) =>
    parts.push(
      `<text x="${x(i).toFixed(1)}" y="${H - 8}" text-anchor="middle" font-size="11" fill="#57606a">${e(w)}</text>`,
    ),
  );
  series.forEach((f, s) => {
    const color = COLORS[s % COLORS.length] as string;
    const pts = f.points
      .map((p, i) => (p.onTimeRatio === null ? null : `${x(i).toFixed(1)},${y(p.onTimeRatio).toFixed(1)}`))
      .filter((p): p is string => p !== null);
    parts.push(
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.join(' ')}"><title>${e(f.name)}</title></polyline>`,
      ...pts.map((p) => {
        const [cx, cy] = p.split(',');
        return `<circle cx="${cx}" cy="${cy}" r="3" fill="${color}"/>`;
      }),
    );
  });
  const legend = series
    .map(
      (f, s) =>
        `<li><span class="swatch" style="background:${COLORS[s % COLORS.length]}"></span>${e(f.name)}</li>`,
    )
    .join('');
  return `<svg class="chart" viewBox="0 0 ${W} ${H}" role="img" aria-label="On-time share per flow, last ${weeks.length} weeks" xmlns="http://www.w3.org/2000/svg">${parts.join('')}</svg><ul class="legend">${legend}</ul>`;
}

function flowTable(rows: readonly FlowFigures[], withPlant: boolean): string {
  const head = [
    'Flow',
    ...(withPlant ? ['Plant'] : []),
    'Volume',
    'On time',
    'Late',
    'Missing',
    'Failed',
    'Recovered',
    'Duplicate',
    'On-time %',
    'SLO target',
    'Attainment',
    'Error budget used',
    'Error budget left',
    'p50 e2e',
    'p95 e2e',
  ];
  const body = rows
    .map((f) => {
      const cls = f.sloMet === false ? ' class="miss"' : '';
      return `<tr${cls}><th scope="row">${e(f.name)}</th>${withPlant ? `<td>${e(f.plant ?? '')}</td>` : ''}${[
        f.volume,
        f.onTime,
        f.late,
        f.missing,
        f.failed,
        f.recovered,
        f.duplicate,
      ]
        .map((n) => `<td class="n">${n}</td>`)
        .join(
          '',
        )}<td class="n">${formatPct(f.onTimeRatio)}</td><td class="n">${formatPct(f.sloTarget)}</td><td class="n">${formatPct(f.attainment)}</td><td class="n">${formatPct(f.errorBudgetUsed)}</td><td class="n">${formatPct(f.errorBudgetRemaining)}</td><td class="n">${formatMs(f.p50E2eMs)}</td><td class="n">${formatMs(f.p95E2eMs)}</td></tr>`;
    })
    .join('');
  return `<div class="scroll"><table><thead><tr>${head.map((h) => `<th scope="col">${h}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></div>`;
}

const CSS = `
*{box-sizing:border-box}
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;color:#1f2328;margin:0;padding:16px;max-width:1100px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:24px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.meta{color:#57606a;margin:0 0 12px}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch}
table{border-collapse:collapse;width:100%;font-size:12.5px}
th,td{border-bottom:1px solid #d8dee4;padding:4px 6px;text-align:left;vertical-align:top}
thead th{background:#f6f8fa;font-weight:600;white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.miss th,tr.miss td{background:#fff1f0}
.chart{width:100%;max-width:640px;height:auto;display:block}
.legend{list-style:none;padding:0;margin:6px 0;display:flex;flex-wrap:wrap;gap:4px 14px;font-size:12px}
.swatch{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:5px;vertical-align:-1px}
.nodata{color:#57606a;font-style:italic}
a{color:#0969da;word-break:break-all}
@media (max-width:600px){body{padding:10px;font-size:13px}h1{font-size:18px}table{font-size:11.5px}}
@page{size:A4 landscape;margin:12mm}
@media print{body{padding:0;max-width:none}.scroll{overflow:visible}h2{break-after:avoid}tr{break-inside:avoid}a{color:inherit;text-decoration:none}}
`;

/**
 * The report as one self-contained HTML document (inline CSS, the trend as inline SVG, no external
 * resource), readable on a phone and printed on A4. Every text from data is escaped.
 * @example writeFileSync('report.html', renderHtml(report))
 */
export function renderHtml(report: Report): string {
  const tz = report.window.timeZone;
  const local = (ms: number) => DateTime.fromMillis(ms, { zone: tz }).toFormat('yyyy-LL-dd HH:mm');
  const scope =
    report.scope.kind === 'all'
      ? 'All plants'
      : report.scope.kind === 'plant'
        ? `Plant ${report.scope.plant}`
        : `Flows owned by ${report.scope.owner}`;
  const categories = report.flows
    .filter((f) => f.topErrorCategories.length)
    .map(
      (f) =>
        `<tr><th scope="row">${e(f.name)}</th><td>${f.topErrorCategories
          .map((c) => `${e(c.category)} (${c.count})`)
          .join(', ')}</td></tr>`,
    )
    .join('');
  const worst = report.worst
    .map(
      (w, i) =>
        `<tr><td class="n">${i + 1}</td><td>${e(w.flow)}</td><td>${e(w.plant)}</td><td><a href="${e(w.url)}">${e(w.key)}</a></td><td>${e(w.status)}</td><td class="n">${e(local(w.startedAt))}</td><td class="n">${formatMs(w.overdueMs)}</td><td>${e(w.reason)}</td></tr>`,
    )
    .join('');
  const volumes = report.trend.flows
    .map(
      (f) =>
        `<tr><th scope="row">${e(f.name)}</th>${f.points
          .map((p) => `<td class="n">${p.volume}<br><small>${formatPct(p.onTimeRatio)}</small></td>`)
          .join('')}</tr>`,
    )
    .join('');
  const incidents = report.incidents.available
    ? `<div class="scroll"><table><thead><tr><th scope="col">Tier</th><th scope="col">Incidents</th><th scope="col">Acknowledged</th><th scope="col">Resolved</th><th scope="col">Mean time to detect</th><th scope="col">Mean time to acknowledge</th><th scope="col">Mean time to resolve</th></tr></thead><tbody>${report.incidents.tiers
        .map(
          (t) =>
            `<tr><th scope="row">${e(t.tier)}</th><td class="n">${t.count}</td><td class="n">${t.acknowledged}</td><td class="n">${t.resolved}</td><td class="n">${formatMs(t.meanTimeToDetectMs)}</td><td class="n">${formatMs(t.meanTimeToAcknowledgeMs)}</td><td class="n">${formatMs(t.meanTimeToResolveMs)}</td></tr>`,
        )
        .join('')}</tbody></table></div>`
    : '<p class="nodata">No data: this store has no alerting tables.</p>';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>${e(report.title)}</title><style>${CSS}</style></head>
<body>
<h1>${e(report.title)}</h1>
<p class="meta">${e(scope)} · ${e(report.window.week)}: ${e(local(report.window.start))} to ${e(local(report.window.end))} (${e(tz)}, ${report.window.hours} h) · generated ${e(new Date(report.generatedAt).toISOString())}</p>
<h2>Flows</h2>
${flowTable(report.flows, false)}
<h2>Flows by plant</h2>
${report.plants.length ? flowTable(report.plants, true) : '<p class="nodata">No transactions started this week.</p>'}
<h2>Failures by error category (top 5)</h2>
${categories ? `<div class="scroll"><table><tbody>${categories}</tbody></table></div>` : '<p class="nodata">No failed transactions.</p>'}
<h2>Incidents</h2>
${incidents}
<h2>Worst transactions</h2>
${worst ? `<div class="scroll"><table><thead><tr><th scope="col">#</th><th scope="col">Flow</th><th scope="col">Plant</th><th scope="col">Business key</th><th scope="col">Status</th><th scope="col">Started</th><th scope="col">Overdue</th><th scope="col">Reason</th></tr></thead><tbody>${worst}</tbody></table></div>` : '<p class="nodata">No late, missing or failed transaction.</p>'}
<h2>Trend, last ${report.trend.weeks.length} weeks</h2>
${trendSvg(report)}
<div class="scroll"><table><thead><tr><th scope="col">Flow (volume, on-time %)</th>${report.trend.weeks.map((w) => `<th scope="col">${e(w)}</th>`).join('')}</tr></thead><tbody>${volumes}</tbody></table></div>
</body></html>
`;
}
