import { describe, expect, it } from 'vitest';
import { makeNotification } from './testing/makeNotification.ts';
import { webhookBody } from './webhookBody.ts';

describe('webhookBody', () => {
  it('carries the versioned shape with the alerts and their symptoms', () => {
    const body = webhookBody(makeNotification());
    expect(Object.keys(body)).toEqual([
      'version',
      'id',
      'kind',
      'tier',
      'title',
      'groupKey',
      'groupLabels',
      'escalation',
      'alerts',
      'link',
      'createdAt',
    ]);
    expect(body).toMatchObject({
      version: 'linewatch/v1',
      id: 'ntf_01HZX3M4P02',
      kind: 'firing',
      tier: 'P1',
      groupLabels: { plant: 'P02' },
      escalation: null,
      link: 'https://linewatch.plant.example/alerts?plant=P02',
      createdAt: '2026-12-07T06:35:30.000Z',
    });
    expect(body.alerts[0]).toMatchObject({ id: 'alr_mes_silence_p02', tier: 'P1', plant: 'P02', value: 612 });
    expect(body.alerts[0]?.symptoms.map((s) => s.id)).toEqual(['alr_confirmation_missing_p02']);
    expect(body.alerts[0]?.symptoms[0]).not.toHaveProperty('symptoms');
  });

  it('leaves out what the contract does not publish, such as the contact', () => {
    expect(JSON.stringify(webhookBody(makeNotification()))).not.toContain('shift_p02');
  });

  it('carries the escalation step of an escalation', () => {
    const body = webhookBody(
      makeNotification({ kind: 'escalation', escalation: { step: 1, afterMs: 600_000 } }),
    );
    expect(body.escalation).toEqual({ step: 1, afterMs: 600_000 });
  });
});
