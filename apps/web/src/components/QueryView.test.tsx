import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query';
import { render, screen, waitFor } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ApiRequestError } from '../lib/api.ts';
import { QueryView } from './QueryView.tsx';

function Harness({ fetchList }: { fetchList: () => Promise<string[]> }) {
  const q = useQuery({ queryKey: ['list'], queryFn: fetchList, retry: false });
  return (
    <>
      <button type="button" onClick={() => void q.refetch()}>
        refresh
      </button>
      <QueryView query={q} what="plants" isEmpty={(d) => d.length === 0} empty="no plants">
        {(d) => (
          <ul>
            {d.map((p) => (
              <li key={p}>{p}</li>
            ))}
          </ul>
        )}
      </QueryView>
    </>
  );
}

const renderWith = (fetchList: () => Promise<string[]>) =>
  render(
    <QueryClientProvider client={new QueryClient()}>
      <Harness fetchList={fetchList} />
    </QueryClientProvider>,
  );

describe('loading, error and empty states', () => {
  it('shows a loading state, then the data', async () => {
    let resolve: (v: string[]) => void = () => undefined;
    renderWith(() => new Promise((r) => (resolve = r)));
    expect(screen.getByRole('status', { name: 'loading plants' })).toBeTruthy();
    resolve(['P01']);
    expect(await screen.findByText('P01')).toBeTruthy();
  });

  it('says what failed, with the status, code and request id, and offers a retry', async () => {
    renderWith(() =>
      Promise.reject(
        new ApiRequestError('/api/v1/flow-health?window=6h', 500, 'internal', 'internal error', 'req-1'),
      ),
    );
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Could not load plants.');
    expect(alert.textContent).toContain(
      'GET /api/v1/flow-health → 500 internal: internal error (request req-1)',
    );
    expect(screen.getByRole('button', { name: 'Retry' })).toBeTruthy();
  });

  it('keeps the last data visible under a notice when a refresh fails', async () => {
    let calls = 0;
    renderWith(() =>
      calls++ === 0
        ? Promise.resolve(['P01', 'P02'])
        : Promise.reject(new ApiRequestError('/api/v1/x', 0, 'network', 'the server did not answer')),
    );
    expect(await screen.findByText('P02')).toBeTruthy();
    screen.getByRole('button', { name: 'refresh' }).click();
    await waitFor(() => expect(screen.getByRole('alert').textContent).toContain('Could not refresh plants'));
    expect(screen.getByRole('alert').textContent).toContain('the server did not answer');
    expect(screen.getByText('P01')).toBeTruthy();
  });

  it('shows the empty text when there is nothing to show', async () => {
    renderWith(() => Promise.resolve([]));
    expect(await screen.findByText('no plants')).toBeTruthy();
  });
});
