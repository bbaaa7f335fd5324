import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { makeStep, makeTransaction } from '../../testing/builders.ts';
import { StepTimeline } from './StepTimeline.tsx';
import { layoutTimeline } from './timelineLayout.ts';

const tx = makeTransaction({ status: 'missing', startedAt: '2026-11-27T08:00:00.000Z' });
const steps = [
  makeStep({ step: 'released', name: 'Released', system: 'odoo', actualAt: '2026-11-27T08:00:00.000Z' }),
  makeStep({
    step: 'mes_started',
    name: 'Started on the line',
    system: 'mes',
    state: 'late',
    actualAt: '2026-11-27T08:10:00.000Z',
    expectedBy: '2026-11-27T08:05:00.000Z',
    deadline: { from: 'released', withinMs: 300_000 },
    lateByMs: 300_000,
  }),
  makeStep({
    step: 'confirmed',
    name: 'Confirmed in Odoo',
    state: 'missing',
    actualAt: null,
    lastAt: '2026-11-27T08:12:00.000Z',
    expectedBy: '2026-11-27T08:15:00.000Z',
    deadline: { from: 'mes_started', withinMs: 300_000 },
    lastFailure: { at: '2026-11-27T08:12:00.000Z', outcome: 'dead_lettered', errorCategory: 'validation' },
  }),
];

describe('transaction timeline', () => {
  it('places actual times and deadlines on one axis that runs to now while the transaction is open', () => {
    const now = Date.parse('2026-11-27T08:20:00.000Z');
    const { positions, end } = layoutTimeline(tx, steps, now);
    expect(end).toBe(now);
    expect(positions.map((p) => [p.actual, p.attempt, p.expected, p.gapMs])).toEqual([
      [0, null, null, null],
      [0.5, null, 0.25, 600_000],
      [null, 0.6, 0.75, null],
    ]);
  });

  it('does not stretch the axis to a deadline still ahead of a finished transaction', () => {
    const failed = makeTransaction({ status: 'failed', startedAt: '2026-11-27T08:00:00.000Z' });
    const s = [
      makeStep({ actualAt: '2026-11-27T08:00:00.000Z' }),
      makeStep({
        step: 'confirmed',
        state: 'failed',
        actualAt: null,
        lastAt: '2026-11-27T08:00:16.000Z',
        expectedBy: '2026-11-27T16:00:00.000Z',
      }),
    ];
    const { end, positions } = layoutTimeline(failed, s, Date.parse('2026-11-27T09:00:00.000Z'));
    expect(end).toBe(Date.parse('2026-11-27T08:00:16.000Z'));
    expect(positions[1]).toMatchObject({ attempt: 1, expected: 1, expectedBeyond: true });
  });

  it('shows each step with its state, deadline, lateness and last failure', () => {
    render(<StepTimeline tx={tx} steps={steps} now={Date.parse('2026-11-27T08:20:00.000Z')} />);
    const items = within(screen.getByRole('list', { name: 'Steps' })).getAllByRole('listitem');
    expect(items).toHaveLength(3);
    expect(items[1]?.textContent).toContain('Started on the line');
    expect(items[1]?.textContent).toContain('5m late');
    expect(items[1]?.textContent).toContain('(5m after released)');
    expect(items[1]?.textContent).toContain('+10m after the previous step');
    expect(items[2]?.dataset.state).toBe('missing');
    expect(items[2]?.textContent).toContain('not yet');
    expect(items[2]?.textContent).toContain('dead lettered at');
    expect(items[2]?.textContent).toContain('(validation)');
  });
});
