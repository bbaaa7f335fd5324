import { useState } from 'react';
import { TransactionListSchema, TransactionStatusSchema } from '@linewatch/schema';
import { QueryView } from '../../components/QueryView.tsx';
import { Select } from '../../components/Select.tsx';
import { WindowPicker } from '../../components/WindowPicker.tsx';
import { statusLabel } from '../../lib/health.ts';
import { useApi } from '../../lib/useApi.ts';
import { useUrlState } from '../../lib/urlState.ts';
import { useFlowHealth, useFlows } from '../overview/queries.ts';
import { TransactionTable } from './TransactionTable.tsx';

const STATUSES = TransactionStatusSchema.options;
const SORTS = [
  { value: 'started_at', label: 'Started' },
  { value: 'updated_at', label: 'Last change' },
  { value: 'late_by', label: 'Late by' },
  { value: 'e2e', label: 'End to end' },
];

/** Transactions: the filterable, paginated list (filters, sort and page in the URL). */
export default function TransactionsPage() {
  const [f, setF] = useUrlState({
    window: '24h',
    flow: '',
    plant: '',
    status: '',
    key: '',
    sort: 'started_at',
    order: 'desc',
    cursor: '',
  });
  const [keyText, setKeyText] = useState(f.key);
  // Cursors of the pages before this one, so "Previous" works without the server keeping state.
  const [history, setHistory] = useState<string[]>([]);
  const flows = useFlows();
  const plantsQ = useFlowHealth(f.window);
  const plants = [
    ...new Set((plantsQ.data?.plants ?? []).map((r) => r.plant).filter((p): p is string => !!p)),
  ].sort();
  const q = useApi('/api/v1/transactions', TransactionListSchema, {
    window: f.window,
    flow: f.flow,
    plant: f.plant,
    status: f.status,
    key: f.key,
    sort: f.sort,
    order: f.order,
    cursor: f.cursor,
    limit: 50,
  });
  const filter = (patch: Partial<typeof f>) => {
    setHistory([]);
    setF({ ...patch, cursor: '' });
  };
  const statuses = f.status ? f.status.split(',') : [];
  const toggleStatus = (s: string) =>
    filter({ status: (statuses.includes(s) ? statuses.filter((x) => x !== s) : [...statuses, s]).join(',') });
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Transactions</h1>
          <div className="muted small">
            One row per business key and flow, started in the last {f.window}.
          </div>
        </div>
        <WindowPicker value={f.window} onChange={(window) => filter({ window })} />
      </div>
      <div className="filters">
        <Select
          label="Flow"
          value={f.flow}
          options={(flows.data?.flows ?? []).map((x) => ({ value: x.id, label: x.name }))}
          onChange={(flow) => filter({ flow })}
        />
        <Select label="Plant" value={f.plant} options={plants} onChange={(plant) => filter({ plant })} />
        <Select
          label="Sort by"
          value={f.sort}
          options={SORTS}
          allLabel={null}
          onChange={(sort) => filter({ sort })}
        />
        <Select
          label="Order"
          value={f.order}
          options={[
            { value: 'desc', label: 'Descending' },
            { value: 'asc', label: 'Ascending' },
          ]}
          allLabel={null}
          onChange={(order) => filter({ order })}
        />
        <form
          onSubmit={(e) => {
            e.preventDefault();
            filter({ key: keyText.trim() });
          }}
        >
          <label>
            Business key starts with
            <input value={keyText} onChange={(e) => setKeyText(e.target.value)} placeholder="MO/000" />
          </label>
        </form>
        <fieldset className="segmented" style={{ padding: 0, margin: 0 }}>
          <legend className="sr-only">Status</legend>
          {STATUSES.map((s) => (
            <button key={s} type="button" aria-pressed={statuses.includes(s)} onClick={() => toggleStatus(s)}>
              {statusLabel(s)}
            </button>
          ))}
        </fieldset>
      </div>
      <section className="card">
        <QueryView
          query={q}
          what="transactions"
          isEmpty={(d) => d.items.length === 0}
          empty="No transactions match these filters."
        >
          {(d) => (
            <>
              <TransactionTable items={d.items} />
              <div className="pager">
                <button
                  type="button"
                  disabled={!f.cursor}
                  onClick={() => {
                    const prev = history.at(-1) ?? '';
                    setHistory(history.slice(0, -1));
                    setF({ cursor: prev });
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
                <span className="muted small">{d.items.length} shown</span>
              </div>
            </>
          )}
        </QueryView>
      </section>
    </>
  );
}
