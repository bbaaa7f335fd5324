import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  ReportDefinitionListSchema,
  ReportListSchema,
  ReportRecordSchema,
  type ReportFile,
  type ReportRecord,
} from '@linewatch/schema';
import { QueryView } from '../../components/QueryView.tsx';
import { apiBlob, apiPost } from '../../lib/api.ts';
import { formatBytes, formatTime } from '../../lib/format.ts';
import { useApi } from '../../lib/useApi.ts';
import { useUrlState } from '../../lib/urlState.ts';

const filePath = (r: ReportRecord, f: ReportFile) =>
  `/api/v1/reports/${encodeURIComponent(r.id)}/files/${encodeURIComponent(f.name)}`;

/** Downloads a report file with the browser's token (a plain link would not carry it). */
async function download(r: ReportRecord, f: ReportFile): Promise<void> {
  const url = URL.createObjectURL(await apiBlob(filePath(r, f)));
  const a = document.createElement('a');
  a.href = url;
  a.download = f.name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The HTML report in the page, sandboxed (no scripts run in it). */
function Preview({ report }: { report: ReportRecord }) {
  const html = report.files.find((f) => f.format === 'html');
  const q = useQuery({
    queryKey: ['report-preview', report.id, html?.name],
    queryFn: async () => (html ? (await apiBlob(filePath(report, html))).text() : ''),
    enabled: html !== undefined,
    staleTime: Infinity,
  });
  if (!html) return <p className="muted">This report has no HTML file to preview.</p>;
  if (q.isError) return <p className="error">{q.error.message}</p>;
  if (q.data === undefined) return <div className="skeleton" style={{ height: 400 }} />;
  return (
    <iframe
      className="report-preview"
      title={`Preview of ${report.name} ${report.week}`}
      sandbox=""
      srcDoc={q.data}
    />
  );
}

function RunNow({ definitions }: { definitions: { id: string; name: string }[] }) {
  const client = useQueryClient();
  const [definition, setDefinition] = useState(definitions[0]?.id ?? '');
  const [week, setWeek] = useState('');
  const run = useMutation({
    mutationFn: () =>
      apiPost('/api/v1/reports/run', { definition, ...(week ? { week } : {}) }, ReportRecordSchema),
    onSettled: () => client.invalidateQueries({ queryKey: ['/api/v1/reports'] }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    run.mutate();
  };
  return (
    <form className="inline-form" onSubmit={submit} aria-label="Run a report now">
      <label>
        Report
        <select value={definition} onChange={(e) => setDefinition(e.target.value)}>
          {definitions.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        Week
        <input
          value={week}
          onChange={(e) => setWeek(e.target.value)}
          placeholder="last complete, or 2026-W47"
        />
      </label>
      <button type="submit" disabled={run.isPending || !definition}>
        {run.isPending ? 'Running…' : 'Run now'}
      </button>
      {run.isError ? <span className="error small">{run.error.message}</span> : null}
      {run.isSuccess ? (
        <span className="small">
          Produced {run.data.name} {run.data.week}.
        </span>
      ) : null}
    </form>
  );
}

/** Reports: produced weekly SLA reports with their files and deliveries, a preview, and "run now". */
export default function ReportsPage() {
  const [f, setF] = useUrlState({ report: '' });
  const list = useApi('/api/v1/reports', ReportListSchema, { limit: 100 });
  const defs = useApi('/api/v1/report-definitions', ReportDefinitionListSchema, undefined, { live: false });
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Reports</h1>
          <div className="muted small">
            Weekly SLA reports defined in reports/*.yaml, produced on their schedule.
          </div>
        </div>
      </div>
      <section className="card" aria-labelledby="run-h">
        <h2 id="run-h">Run now</h2>
        <QueryView query={defs} what="report definitions">
          {(d) => (
            <>
              <RunNow definitions={d.items.map((i) => ({ id: i.definition.id, name: i.definition.name }))} />
              {d.problems.length ? <p className="error small">{d.problems.join('; ')}</p> : null}
            </>
          )}
        </QueryView>
      </section>
      <QueryView
        query={list}
        what="reports"
        isEmpty={(d) => d.items.length === 0}
        empty="No report produced yet: they run on their schedule (default Monday 06:00 plant time), or run one now."
      >
        {(d) => {
          const selected = d.items.find((r) => r.id === f.report) ?? d.items[0];
          return (
            <div className="grid" style={{ marginTop: 'var(--gap)' }}>
              <section className="card span-6" aria-labelledby="produced-h">
                <h2 id="produced-h">Produced</h2>
                <table className="data" aria-label="Produced reports">
                  <thead>
                    <tr>
                      <th>Report</th>
                      <th>Week</th>
                      <th>Produced</th>
                      <th>Files</th>
                      <th>Delivered</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.items.map((r) => (
                      <tr key={r.id} className={r.id === selected?.id ? 'selected' : undefined}>
                        <td>
                          <button type="button" className="link" onClick={() => setF({ report: r.id })}>
                            {r.name}
                          </button>
                          <div className="small muted">{r.plant ?? r.scope}</div>
                        </td>
                        <td>{r.week}</td>
                        <td>
                          {formatTime(r.createdAt)}
                          <div className="small muted">{r.trigger.replace('_', '-')}</div>
                        </td>
                        <td>
                          {r.files.map((file) => (
                            <button
                              key={file.name}
                              type="button"
                              className="link small"
                              title={`${file.name}, ${formatBytes(file.bytes)}`}
                              onClick={() => void download(r, file)}
                            >
                              {file.format === 'csv'
                                ? file.name.replace(/\.csv$/, '')
                                : file.format.toUpperCase()}
                            </button>
                          ))}
                        </td>
                        <td className="small">
                          {r.deliveries.length === 0
                            ? '—'
                            : r.deliveries.every((x) => x.ok)
                              ? `${r.deliveries.length} ok`
                              : r.deliveries
                                  .filter((x) => !x.ok)
                                  .map((x) => `${x.channel} ${x.target}: ${x.error ?? 'failed'}`)
                                  .join('; ')}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
              <section className="card span-6" aria-labelledby="preview-h">
                <h2 id="preview-h">{selected ? `${selected.name} · ${selected.week}` : 'Preview'}</h2>
                {selected ? <Preview report={selected} /> : null}
              </section>
            </div>
          );
        }}
      </QueryView>
    </>
  );
}
