import { fireEvent, render, screen, within } from '@testing-library/react';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { describe, expect, it } from 'vitest';
import { makeAlert } from '../../testing/builders.ts';
import { buildSilence, matchersFromAlert, shownState, standalone, subjectOf } from './alertModel.ts';
import { AlertTable } from './AlertsPage.tsx';
import { SilenceForm } from './SilencesPage.tsx';

const NOW = Date.parse('2026-12-09T10:00:00Z');
const cause = makeAlert({
  symptoms: [
    {
      id: 'a-missing',
      rule: 'production_confirmation_missing',
      state: 'firing',
      tier: 'P1',
      summary: '2 production_confirmation transactions missing at P02',
      plant: 'P02',
      flow: 'production_confirmation',
    },
  ],
});
const symptom = makeAlert({
  id: 'a-missing',
  rule: 'production_confirmation_missing',
  ruleKind: 'flow',
  flow: 'production_confirmation',
  node: null,
  labels: { flow: 'production_confirmation', plant: 'P02' },
  annotations: { summary: '2 production_confirmation transactions missing at P02' },
  cause: {
    id: cause.id,
    rule: cause.rule,
    state: 'firing',
    tier: 'P1',
    summary: 'No data from mes at P02 for 5m',
    plant: 'P02',
    flow: null,
  },
});
const queued = makeAlert({
  id: 'a-queue',
  tier: 'P3',
  node: 'messaging:p01.mes.goods_movement',
  plant: 'P01',
});

describe('alert model', () => {
  it('lists a symptom under its cause, not on its own, unless its cause is not on the page', () => {
    expect(standalone([cause, symptom, queued]).map((a) => a.id)).toEqual([cause.id, 'a-queue']);
    expect(standalone([symptom]).map((a) => a.id)).toEqual(['a-missing']);
  });

  it('shows silenced and acknowledged over firing, and says what an alert is about', () => {
    expect(shownState(makeAlert({ silencedBy: 'sil-1', acknowledgedBy: 'ana' }))).toBe('silenced');
    expect(shownState(makeAlert({ acknowledgedBy: 'ana' }))).toBe('acknowledged');
    expect(shownState(makeAlert({ state: 'resolved', silencedBy: 'sil-1' }))).toBe('resolved');
    expect(subjectOf(queued)).toBe('queue p01.mes.goods_movement · P01');
    expect(subjectOf(symptom)).toBe('production_confirmation · P02');
  });

  it('builds a silence from an alert: its rule and identifying labels', () => {
    expect(matchersFromAlert(cause)).toEqual([
      { label: 'alertname', op: '=', value: 'mes_silence' },
      { label: 'plant', op: '=', value: 'P02' },
      { label: 'system', op: '=', value: 'mes' },
    ]);
  });

  it('names the field that is wrong in a silence, and builds the API body when nothing is', () => {
    const matchers = matchersFromAlert(cause);
    expect(buildSilence({ matchers: [], durationMinutes: 60, comment: 'x' }, NOW)).toEqual({
      ok: false,
      error: 'matchers: add at least one (for example plant = P02)',
    });
    expect(
      buildSilence(
        { matchers: [{ label: 'flow', op: '=~', value: '(' }], durationMinutes: 60, comment: 'x' },
        NOW,
      ),
    ).toEqual({ ok: false, error: 'matchers 1: "(" is not a valid regular expression' });
    expect(buildSilence({ matchers, durationMinutes: 60, comment: ' ' }, NOW)).toMatchObject({ ok: false });
    expect(buildSilence({ matchers, durationMinutes: 120, comment: ' MES upgrade ' }, NOW)).toEqual({
      ok: true,
      body: { matchers, endsAt: '2026-12-09T12:00:00.000Z', comment: 'MES upgrade' },
    });
  });
});

describe('alert table', () => {
  it('shows each cause once with its tier, reason and symptoms, the symptom not repeated', () => {
    render(
      <MemoryRouter>
        <AlertTable items={[cause, symptom, queued]} filters={{ state: 'open', tier: '', plant: '' }} />
      </MemoryRouter>,
    );
    const rows = within(screen.getByRole('table', { name: 'Alerts' }))
      .getAllByRole('row')
      .slice(1);
    expect(rows).toHaveLength(2);
    expect(rows[0]?.textContent).toContain('P1');
    expect(rows[0]?.textContent).toContain('No data from mes at P02 for 5m');
    expect(rows[0]?.textContent).toContain('production stopped or about to');
    expect(rows[0]?.textContent).toContain('1 symptom (not notified on their own)');
    expect(
      within(rows[0] as HTMLElement).getByRole('link', { name: /transactions missing at P02/ }),
    ).toBeTruthy();
    expect(rows[1]?.textContent).toContain('queue p01.mes.goods_movement · P01');
  });

  it('says there is nothing, with a way to see every alert', () => {
    render(
      <MemoryRouter>
        <AlertTable items={[]} filters={{ state: 'open', tier: 'P1', plant: 'P03' }} />
      </MemoryRouter>,
    );
    expect(screen.getByText(/No open alerts at P1 at P03/)).toBeTruthy();
    expect(screen.getByRole('link', { name: 'Show all' }).getAttribute('href')).toBe(
      '/alerts?state=all&tier=P1&plant=P03',
    );
  });
});

describe('silence form', () => {
  it('prefills the matchers from an alert and refuses to send without a comment', () => {
    render(
      <QueryClientProvider client={new QueryClient()}>
        <SilenceForm initial={matchersFromAlert(cause)} now={() => NOW} />
      </QueryClientProvider>,
    );
    expect(screen.getByLabelText<HTMLInputElement>('Value 1').value).toBe('mes_silence');
    expect(screen.getByLabelText<HTMLInputElement>('Value 2').value).toBe('P02');
    fireEvent.click(screen.getByRole('button', { name: 'Silence' }));
    expect(screen.getByText('comment: say why (shown to everyone who sees the alert)')).toBeTruthy();
    fireEvent.click(screen.getByRole('button', { name: 'Remove matcher 3' }));
    expect(screen.queryByLabelText('Value 3')).toBeNull();
  });
});
