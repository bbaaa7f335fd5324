import { Fragment, useState, type FormEvent } from 'react';
import { describeError } from '../../lib/api.ts';
import { useUrlState } from '../../lib/urlState.ts';
import { useAuditLog, type AuditFilters, type AuditRecord } from './queries.ts';

const OUTCOME_HEALTH: Record<string, string> = { ok: 'healthy', denied: 'degraded', failed: 'failing' };
const KIND: Record<string, string> = { user: 'user', service: 'service account', local: 'local' };

/** An RFC 3339 time as a `datetime-local` input value in this browser's time zone. */
export function toLocalInput(iso: string): string {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return '';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** A `datetime-local` input value (this browser's time zone) as RFC 3339, or '' when empty. */
export function fromLocalInput(value: string): string {
  const d = new Date(value);
  return value && !Number.isNaN(d.getTime()) ? d.toISOString() : '';
}

const json = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v, null, 2));

/** The filters as a form: applied together, so typing a name does not ask the server per key. */
function AuditFilterForm({ value, onApply }: { value: AuditFilters; onApply: (f: AuditFilters) => void }) {
  const [draft, setDraft] = useState(value);
  const [prev, setPrev] = useState(value);
  if (prev !== value) {
    // The URL changed (back button, a link): show its filters.
    setPrev(value);
    setDraft(value);
  }
  const set = (patch: Partial<AuditFilters>) => setDraft({ ...draft, ...patch });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onApply({ ...draft, principal: draft.principal.trim(), action: draft.action.trim() });
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Audit filters">
      <label>
        From
        <input
          type="datetime-local"
          value={toLocalInput(draft.from)}
          onChange={(e) => set({ from: fromLocalInput(e.target.value) })}
        />
      </label>
      <label>
        To
        <input
          type="datetime-local"
          value={toLocalInput(draft.to)}
          onChange={(e) => set({ to: fromLocalInput(e.target.value) })}
        />
      </label>
      <label>
        Who
        <input
          value={draft.principal}
          onChange={(e) => set({ principal: e.target.value })}
          placeholder="name or id"
        />
      </label>
      <label>
        Action
        <input
          value={draft.action}
          onChange={(e) => set({ action: e.target.value })}
          placeholder="alert., auth.sign_in"
        />
      </label>
      <label>
        Outcome
        <select value={draft.outcome} onChange={(e) => set({ outcome: e.target.value })}>
          <option value="">All</option>
          <option value="ok">ok</option>
          <option value="denied">denied</option>
          <option value="failed">failed</option>
        </select>
      </label>
      <button type="submit" className="primary">
        Apply
      </button>
    </form>
  );
}

function AuditRow({ entry, columns }: { entry: AuditRecord; columns: number }) {
  const [open, setOpen] = useState(false);
  const hasChange = entry.before !== null || entry.after !== null;
  return (
    <>
      <tr>
        <td>
          {hasChange ? (
            <button
              type="button"
              className="link"
              aria-expanded={open}
              aria-label={`${open ? 'Hide' : 'Show'} before and after of ${entry.action} ${entry.target}`}
              onClick={() => setOpen(!open)}
            >
              {open ? '▾' : '▸'}
            </button>
          ) : null}
        </td>
        <td className="nowrap">
          <time dateTime={entry.time}>{new Date(entry.time).toLocaleString()}</time>
        </td>
        <td>
          <span title={entry.principal.id}>{entry.principal.name || entry.principal.id}</span>
          <div className="small muted">{KIND[entry.principal.kind] ?? entry.principal.kind}</div>
        </td>
        <td>
          <code>{entry.action}</code>
        </td>
        <td className="wrap-anywhere">{entry.target || '—'}</td>
        <td>{entry.plant || '—'}</td>
        <td className="small">{entry.address || '—'}</td>
        <td>
          <span className={`badge health-${OUTCOME_HEALTH[entry.outcome] ?? 'unknown'}`}>
            {entry.outcome}
          </span>
        </td>
        <td className="small">{entry.detail || ''}</td>
      </tr>
      {open ? (
        <tr className="audit-change">
          <td colSpan={columns}>
            <div className="audit-diff">
              <section aria-label="Before">
                <h3>Before</h3>
                <pre>{json(entry.before)}</pre>
              </section>
              <section aria-label="After">
                <h3>After</h3>
                <pre>{json(entry.after)}</pre>
              </section>
            </div>
          </td>
        </tr>
      ) : null}
    </>
  );
}

const HEADERS = ['', 'Time', 'Who', 'Action', 'Target', 'Plant', 'Address', 'Outcome', 'Detail'];

/** The audit rows; a row with before/after values expands to show them side by side. Read-only. */
export function AuditTable({ entries }: { entries: AuditRecord[] }) {
  return (
    <table className="data" aria-label="Audit log">
      <thead>
        <tr>
          {HEADERS.map((h, i) => (
            <th key={i}>{h ? h : <span className="sr-only">Changes</span>}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {entries.map((e) => (
          <Fragment key={e.id}>
            <AuditRow entry={e} columns={HEADERS.length} />
          </Fragment>
        ))}
      </tbody>
    </table>
  );
}

/**
 * Audit: every change (acknowledge, silence, re-evaluate, tokens, users, reloads, demo switches) and
 * every sign-in, newest first, with filters and "load more". Admin only; rows cannot be changed.
 */
export default function AuditPage() {
  const [f, setF] = useUrlState({ from: '', to: '', principal: '', action: '', outcome: '' });
  const q = useAuditLog(f);
  const entries = q.data?.pages.flatMap((p) => p.entries) ?? [];
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Audit</h1>
          <div className="muted small">
            Who changed what, and every sign-in, newest first. The trail is append-only: nothing here can be
            edited or deleted.
          </div>
        </div>
        <button type="button" onClick={() => void q.refetch()} disabled={q.isFetching}>
          {q.isFetching && !q.isFetchingNextPage ? 'Refreshing…' : 'Refresh'}
        </button>
      </div>
      <AuditFilterForm value={f} onApply={(next) => setF(next)} />
      <section className="card">
        {q.isPending ? (
          <div role="status" aria-live="polite" aria-label="loading the audit log">
            <div className="skeleton" />
          </div>
        ) : q.isError && entries.length === 0 ? (
          <div className="state error" role="alert">
            <div>
              <strong>Could not load the audit log.</strong>
            </div>
            <div className="small">{describeError(q.error)}</div>
            <button type="button" onClick={() => void q.refetch()} style={{ marginTop: '0.5rem' }}>
              Retry
            </button>
          </div>
        ) : entries.length === 0 ? (
          <div className="state">Nothing recorded that matches these filters.</div>
        ) : (
          <>
            {q.isError ? (
              <div className="notice" role="alert">
                <strong>Could not load more</strong>: {describeError(q.error)}
              </div>
            ) : null}
            <AuditTable entries={entries} />
            <div className="pager">
              <span className="small muted">
                {entries.length} entr{entries.length === 1 ? 'y' : 'ies'}
              </span>
              {q.hasNextPage ? (
                <button type="button" disabled={q.isFetchingNextPage} onClick={() => void q.fetchNextPage()}>
                  {q.isFetchingNextPage ? 'Loading…' : 'Load more'}
                </button>
              ) : null}
            </div>
          </>
        )}
      </section>
    </>
  );
}
