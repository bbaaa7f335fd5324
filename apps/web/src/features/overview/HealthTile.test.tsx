import { render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { makeRow } from '../../testing/builders.ts';
import { HealthTile, tileLink } from './HealthTile.tsx';
import { buildMatrix } from './queries.ts';

describe('plant × flow tile', () => {
  it('links a red tile to the failed and missing transactions of its flow and plant', () => {
    const row = makeRow({ plant: 'P02', onTimeRatio: 0.8, sloMet: false, missing: 4, failed: 1, onTime: 80 });
    render(
      <MemoryRouter>
        <HealthTile row={row} window="6h" />
      </MemoryRouter>,
    );
    const link = screen.getByRole('link', {
      name: /MO confirmation at P02: failing, on time 80.0%, 4 missing, 1 failed/,
    });
    expect(link.getAttribute('href')).toBe(
      '/transactions?flow=mo_confirmation&plant=P02&status=failed%2Cmissing&window=6h',
    );
    expect(link.dataset.health).toBe('failing');
    expect(link.textContent).toContain('4 missing · 1 failed');
  });

  it('links a healthy tile to the flow view for its plant', () => {
    expect(tileLink(makeRow({ plant: 'P01' }), '24h')).toBe('/flows/mo_confirmation?plant=P01&window=24h');
  });

  it('orders the matrix by criticality, then name, with sorted plant columns', () => {
    const flows = [
      makeRow({ flow: 'invoice', name: 'Invoice', criticality: 'finance', plant: null }),
      makeRow({ flow: 'mo', name: 'MO', criticality: 'production', plant: null }),
    ];
    const cells = [makeRow({ flow: 'mo', plant: 'P02' }), makeRow({ flow: 'invoice', plant: 'P01' })];
    const m = buildMatrix(flows, cells);
    expect(m.flows.map((f) => f.flow)).toEqual(['mo', 'invoice']);
    expect(m.plants).toEqual(['P01', 'P02']);
    expect(m.cell('mo', 'P02')?.plant).toBe('P02');
    expect(m.cell('mo', 'P01')).toBeUndefined();
  });
});
