import { fireEvent, render, screen, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { makeAuditRecord } from '../../testing/builders.ts';
import { stubApi, type FakeCall } from '../../testing/fakeApi.ts';
import AuditPage, { fromLocalInput, toLocalInput } from './AuditPage.tsx';

const ack = makeAuditRecord();
const failedSignIn = makeAuditRecord({
  id: 'aud-2',
  time: '2026-12-09T09:20:00.000Z',
  principal: { id: 'anonymous', kind: 'user', name: 'mallory' },
  action: 'auth.sign_in',
  target: '',
  plant: '',
  outcome: 'failed',
  before: null,
  after: null,
  detail: 'invalid password',
});
const silence = makeAuditRecord({
  id: 'aud-3',
  time: '2026-12-09T08:00:00.000Z',
  principal: { id: 'local-admin', kind: 'local', name: 'local-admin' },
  action: 'silence.create',
  target: 'sil-1',
  outcome: 'ok',
  before: null,
  after: { comment: 'line 2 retooling' },
});

function renderAudit(path = '/audit') {
  const api = stubApi({
    'GET /api/v1/audit': (call: FakeCall) =>
      call.query.get('cursor') === 'c1'
        ? { body: { entries: [silence], nextCursor: null } }
        : call.query.get('outcome') === 'failed'
          ? { body: { entries: [failedSignIn], nextCursor: null } }
          : { body: { entries: [ack, failedSignIn], nextCursor: 'c1' } },
  });
  render(
    <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
      <MemoryRouter initialEntries={[path]}>
        <AuditPage />
      </MemoryRouter>
    </QueryClientProvider>,
  );
  return api;
}

const bodyRows = () =>
  within(screen.getByRole('table', { name: 'Audit log' }))
    .getAllByRole('row')
    .slice(1);

describe('audit view', () => {
  it('lists who did what, when, from where, with the outcome in colour', async () => {
    renderAudit();
    await screen.findByRole('table', { name: 'Audit log' });
    const [first, second] = bodyRows();
    expect(first?.textContent).toContain('Ana Novak');
    expect(first?.textContent).toContain('user');
    expect(first?.textContent).toContain('alert.acknowledge');
    expect(first?.textContent).toContain('a-missing');
    expect(first?.textContent).toContain('P02');
    expect(first?.textContent).toContain('10.0.0.7');
    expect(first?.textContent).toContain(new Date(ack.time).toLocaleString());
    expect(within(first as HTMLElement).getByText('ok').className).toContain('health-healthy');
    expect(within(second as HTMLElement).getByText('failed').className).toContain('health-failing');
    expect(second?.textContent).toContain('invalid password');
    // Read-only: the only buttons in the table expand a row.
    for (const b of within(screen.getByRole('table', { name: 'Audit log' })).queryAllByRole('button'))
      expect(b.getAttribute('aria-label')).toMatch(/^Show before and after/);
  });

  it('loads the next page after the cursor and appends it', async () => {
    const api = renderAudit();
    await screen.findByRole('table', { name: 'Audit log' });
    expect(bodyRows()).toHaveLength(2);
    fireEvent.click(screen.getByRole('button', { name: 'Load more' }));
    await screen.findByText('silence.create');
    expect(bodyRows()).toHaveLength(3);
    expect(screen.queryByRole('button', { name: 'Load more' })).toBeNull();
    const audits = api.calls.filter((c) => c.path === '/api/v1/audit');
    expect(audits.map((c) => c.query.get('cursor'))).toEqual([null, 'c1']);
    expect(audits[0]?.query.get('limit')).toBe('50');
  });

  it('asks the server with the filters once they are applied', async () => {
    const api = renderAudit();
    await screen.findByRole('table', { name: 'Audit log' });
    fireEvent.change(screen.getByLabelText('Who'), { target: { value: ' mallory ' } });
    fireEvent.change(screen.getByLabelText('Action'), { target: { value: 'auth.' } });
    fireEvent.change(screen.getByLabelText('Outcome'), { target: { value: 'failed' } });
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-12-09T08:00' } });
    expect(api.calls.filter((c) => c.path === '/api/v1/audit')).toHaveLength(1);
    fireEvent.click(screen.getByRole('button', { name: 'Apply' }));
    await screen.findByText('1 entry');
    const last = api.calls.filter((c) => c.path === '/api/v1/audit').at(-1);
    expect(last?.query.get('principal')).toBe('mallory');
    expect(last?.query.get('action')).toBe('auth.');
    expect(last?.query.get('outcome')).toBe('failed');
    expect(last?.query.get('from')).toBe(new Date('2026-12-09T08:00').toISOString());
    expect(last?.query.get('cursor')).toBeNull();
  });

  it('shows a change’s before and after side by side when its row is expanded', async () => {
    renderAudit();
    await screen.findByRole('table', { name: 'Audit log' });
    // A failed sign-in changed nothing: nothing to expand.
    expect(screen.queryByRole('button', { name: /before and after of auth\.sign_in/ })).toBeNull();
    const expand = screen.getByRole('button', {
      name: 'Show before and after of alert.acknowledge a-missing',
    });
    expect(expand.getAttribute('aria-expanded')).toBe('false');
    fireEvent.click(expand);
    expect(
      within(screen.getByRole('region', { name: 'Before' })).getByText(/"acknowledgedBy": null/),
    ).toBeTruthy();
    const after = within(screen.getByRole('region', { name: 'After' }));
    expect(after.getByText(/"comment": "MES restarted"/)).toBeTruthy();
    fireEvent.click(
      screen.getByRole('button', { name: 'Hide before and after of alert.acknowledge a-missing' }),
    );
    expect(screen.queryByRole('region', { name: 'Before' })).toBeNull();
  });

  it('reads its filters from the address and says when nothing matches', async () => {
    stubApi({ 'GET /api/v1/audit': { body: { entries: [], nextCursor: null } } });
    render(
      <QueryClientProvider client={new QueryClient({ defaultOptions: { queries: { retry: false } } })}>
        <MemoryRouter initialEntries={['/audit?principal=ana&outcome=denied']}>
          <AuditPage />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    await screen.findByText('Nothing recorded that matches these filters.');
    expect(screen.getByLabelText<HTMLInputElement>('Who').value).toBe('ana');
    expect(screen.getByLabelText<HTMLSelectElement>('Outcome').value).toBe('denied');
  });

  it('converts between datetime-local inputs and RFC 3339 in the browser’s zone', () => {
    const iso = new Date('2026-12-09T08:05').toISOString();
    expect(fromLocalInput('2026-12-09T08:05')).toBe(iso);
    expect(toLocalInput(iso)).toBe('2026-12-09T08:05');
    expect(fromLocalInput('')).toBe('');
    expect(toLocalInput('')).toBe('');
  });
});
