import { act, render, screen } from '@testing-library/react';
import { MemoryRouter, useLocation } from 'react-router';
import { describe, expect, it } from 'vitest';
import { toSearch, useUrlState } from './urlState.ts';

let setter: (patch: Record<string, string | undefined>) => void = () => undefined;

function Probe() {
  const [values, set] = useUrlState({ window: '6h', plant: '' });
  setter = set;
  const loc = useLocation();
  return (
    <output>
      {values.window}|{values.plant}|{loc.search}
    </output>
  );
}

describe('URL state', () => {
  it('reads defaults, keeps set values in the URL and drops values equal to their default', () => {
    render(
      <MemoryRouter initialEntries={['/?plant=P02']}>
        <Probe />
      </MemoryRouter>,
    );
    expect(screen.getByRole('status').textContent).toBe('6h|P02|?plant=P02');
    act(() => setter({ window: '24h' }));
    expect(screen.getByRole('status').textContent).toBe('24h|P02|?plant=P02&window=24h');
    act(() => setter({ window: '6h', plant: '' }));
    expect(screen.getByRole('status').textContent).toBe('6h||');
  });

  it('builds a query string without empty values', () => {
    expect(toSearch({ flow: 'mo', plant: '', status: undefined, limit: 5 })).toBe('?flow=mo&limit=5');
    expect(toSearch({})).toBe('');
  });
});
