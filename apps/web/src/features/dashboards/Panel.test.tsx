import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { PanelSchema, QueryResultSchema } from '@linewatch/schema';
import { PanelBody } from './Panel.tsx';

const totals = QueryResultSchema.parse({
  name: 'event_totals',
  columns: [
    { name: 'events', type: 'number', unit: 'count' },
    { name: 'failed_pct', type: 'number', unit: 'percent' },
  ],
  rows: [{ events: 1234, failed_pct: 3.5 }],
  params: { range: 21_600_000 },
  tookMs: 3,
});

describe('dashboard panels', () => {
  it('shows a stat in its unit and marks it bad above the threshold', () => {
    const panel = PanelSchema.parse({
      title: 'Failure rate',
      type: 'stat',
      query: 'event_totals',
      y: ['failed_pct'],
      warnAbove: 2,
    });
    const { container } = render(<PanelBody panel={panel} result={totals} />);
    expect(screen.getByTestId('stat-value').textContent).toBe('3.50%');
    expect(container.querySelector('.stat.bad')).not.toBeNull();
  });

  it('shows a table with the chosen columns in order, times in local time and units applied', () => {
    const panel = PanelSchema.parse({
      title: 'Connectors',
      type: 'table',
      query: 'connector_activity',
      columns: ['silent_s', 'system'],
    });
    const result = QueryResultSchema.parse({
      name: 'connector_activity',
      columns: [
        { name: 'system', type: 'string' },
        { name: 'silent_s', type: 'number', unit: 's' },
      ],
      rows: [{ system: 'mes', silent_s: 900 }],
      params: {},
      tookMs: 1,
    });
    render(<PanelBody panel={panel} result={result} />);
    const table = screen.getByRole('table');
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['silent s', 'system']);
    expect(
      within(table)
        .getAllByRole('cell')
        .map((c) => c.textContent),
    ).toEqual(['15m', 'mes']);
  });
});
