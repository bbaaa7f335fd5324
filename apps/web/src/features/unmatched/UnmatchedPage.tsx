import { useState } from 'react';
import { Link } from 'react-router';
import { UnmatchedListSchema, UnmatchedReasonSchema } from '@linewatch/schema';
import { QueryView } from '../../components/QueryView.tsx';
import { Select } from '../../components/Select.tsx';
import { WindowPicker } from '../../components/WindowPicker.tsx';
import { formatAgo, formatCount, formatTime, humanize } from '../../lib/format.ts';
import { useApi } from '../../lib/useApi.ts';
import { toSearch, useUrlState } from '../../lib/urlState.ts';

const REASON_HELP: Record<string, string> = {
  unknown_flow: 'named a flow no flows/*.yaml defines',
  unknown_step: 'named a step the flow does not have',
  no_flow: 'named no flow and no flow has this step',
  ambiguous_flow: 'named no flow and several flows have this step',
  no_start: "the flow's first step never came for this key",
};

/** Unmatched events: events that belong to no transaction, grouped, with the reason. */
export default function UnmatchedPage() {
  const [f, setF] = useUrlState({ window: '24h', reason: '', flow: '', plant: '', cursor: '' });
  const [history, setHistory] = useState<string[]>([]);
  const q = useApi('/api/v1/unmatched', UnmatchedListSchema, { ...f, limit: 50 });
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Unmatched events</h1>
          <div className="muted small">
            Events Linewatch could not attribute to a transaction: usually a connector sending a wrong flow or
            step name.
          </div>
        </div>
        <WindowPicker value={f.window} onChange={(window) => setF({ window, cursor: '' })} />
      </div>
      <div className="filters">
        <Select
          label="Reason"
          value={f.reason}
          options={UnmatchedReasonSchema.options.map((r) => ({ value: r, label: humanize(r) }))}
          onChange={(reason) => setF({ reason, cursor: '' })}
        />
      </div>
      <section className="card">
        <QueryView
          query={q}
          what="unmatched events"
          isEmpty={(d) => d.items.length === 0}
          empty="Every event in this range belongs to a transaction."
        >
          {(d) => (
            <>
              <div className="table-wrap">
                <table className="data">
                  <thead>
                    <tr>
                      <th>Reason</th>
                      <th>Flow as sent</th>
                      <th>Step</th>
                      <th>Key</th>
                      <th>System</th>
                      <th>Plant</th>
                      <th className="num">Events</th>
                      <th className="num">Last</th>
                      <th>Sample event</th>
                    </tr>
                  </thead>
                  <tbody>
                    {d.items.map((u) => (
                      <tr key={`${u.flow}|${u.key}|${u.step}`}>
                        <td>
                          <strong>{humanize(u.reason)}</strong>
                          <div className="small muted">{u.detail || REASON_HELP[u.reason]}</div>
                        </td>
                        <td>{u.flow || <span className="muted">(none)</span>}</td>
                        <td>{u.step}</td>
                        <td className="mono">
                          <Link to={`/search${toSearch({ q: u.key })}`}>{u.key}</Link>
                        </td>
                        <td>{u.system}</td>
                        <td>{u.plant}</td>
                        <td className="num">{formatCount(u.events)}</td>
                        <td className="num" title={formatTime(u.lastAt)}>
                          {formatAgo(u.lastAt)}
                        </td>
                        <td className="mono small">{u.sampleEventId}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="pager">
                <button
                  type="button"
                  disabled={!f.cursor}
                  onClick={() => {
                    setF({ cursor: history.at(-1) ?? '' });
                    setHistory(history.slice(0, -1));
                  }}
                >
                  ← Previous
                </button>
                <button
                  type="button"
                  disabled={!d.nextCursor}
                  onClick={() => {
                    setHistory([...history, f.cursor]);
                    setF({ cursor: d.nextCursor ?? '' });
                  }}
                >
                  Next →
                </button>
              </div>
            </>
          )}
        </QueryView>
      </section>
    </>
  );
}
