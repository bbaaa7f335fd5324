import { describe, expect, it } from 'vitest';
import { OdooSourceSchema, type OdooSource } from '@linewatch/schema';
import {
  mapOdooWebhook,
  odooTimeToRfc3339,
  OdooWebhookPayloadSchema,
  type OdooWebhookPayload,
} from './mapOdooWebhook.ts';

const RECEIVED = Date.parse('2026-11-27T08:16:00.000Z');

function makeSource(overrides: Partial<Parameters<typeof OdooSourceSchema.parse>[0]> = {}): OdooSource {
  return OdooSourceSchema.parse({
    plant: 'P1',
    mappings: [
      {
        model: 'mrp.production',
        when: { state: 'done' },
        flow: 'production_confirmation',
        step: 'odoo_done',
        key: '{{name}}',
        keys: { work_order: '{{workorder_ids}}', origin: '{{origin}}' },
        plant: '{{company_id}}',
      },
      {
        model: 'mrp.production',
        when: { state: ['confirmed', 'progress'] },
        step: 'odoo_confirmed',
        key: '{{name}}',
      },
      {
        model: 'stock.picking',
        step: 'picking_done',
        key: '{{name}}',
        time: 'received',
        outcome: '{{x_outcome}}',
      },
    ],
    ...overrides,
  });
}

/** The JSON Odoo 17's "Send Webhook Notification" posts (json.dumps with sort_keys and default=str). */
function makePayload(fields: Record<string, unknown> = {}): OdooWebhookPayload {
  return OdooWebhookPayloadSchema.parse({
    _action: 'Send Webhook Notification(#12)',
    _id: 42,
    _model: 'mrp.production',
    company_id: [1, 'Plant Graz'],
    name: 'MO/00042',
    origin: false,
    state: 'done',
    workorder_ids: [7781, 7782],
    write_date: '2026-11-27 08:15:00.123456',
    ...fields,
  });
}

describe('mapOdooWebhook', () => {
  it('maps a payload to the event of the first matching rule, with the write date as UTC event time', () => {
    const r = mapOdooWebhook(makePayload(), 'main', makeSource(), RECEIVED);
    expect(r.kind).toBe('event');
    if (r.kind !== 'event') return;
    expect(r.event).toEqual({
      id: 'odoo:main:mrp.production:42:odoo_done:2026-11-27 08:15:00.123456',
      time: '2026-11-27T08:15:00.123456Z',
      flow: 'production_confirmation',
      step: 'odoo_done',
      key: 'MO/00042',
      keys: { work_order: '7781,7782' },
      system: 'odoo',
      plant: 'Plant Graz',
      outcome: 'ok',
      attributes: {
        'odoo.source': 'main',
        'odoo.model': 'mrp.production',
        'odoo.id': '42',
        'odoo.action': 'Send Webhook Notification(#12)',
      },
    });
  });

  it('matches a rule whose when lists several values, and takes the source plant when the rule names none', () => {
    const r = mapOdooWebhook(makePayload({ state: 'progress' }), 'main', makeSource(), RECEIVED);
    expect(r).toMatchObject({ kind: 'event', event: { step: 'odoo_confirmed', plant: 'P1' } });
  });

  it('reads many2one fields sent as bare ids (read with load=None) as the id', () => {
    const r = mapOdooWebhook(makePayload({ company_id: 3 }), 'main', makeSource(), RECEIVED);
    expect(r).toMatchObject({ kind: 'event', event: { plant: '3' } });
  });

  it('ignores a model no rule names', () => {
    const r = mapOdooWebhook(makePayload({ _model: 'res.partner' }), 'main', makeSource(), RECEIVED);
    expect(r).toEqual({
      kind: 'ignored',
      reason: 'unknown_model',
      message: expect.stringContaining('res.partner') as string,
    });
  });

  it('ignores a record whose field values match no rule of its model', () => {
    const r = mapOdooWebhook(makePayload({ state: 'cancel' }), 'main', makeSource(), RECEIVED);
    expect(r).toMatchObject({ kind: 'ignored', reason: 'no_matching_rule' });
  });

  it('ignores a record whose key renders empty, naming the field', () => {
    const r = mapOdooWebhook(makePayload({ name: false }), 'main', makeSource(), RECEIVED);
    expect(r).toMatchObject({ kind: 'ignored', reason: 'unmappable' });
    expect(r.kind === 'ignored' && r.message).toContain('key');
  });

  it('uses the receive time when the rule asks for it, and a template in the outcome', () => {
    const payload = makePayload({
      _model: 'stock.picking',
      name: 'WH/IN/00007',
      state: 'done',
      x_outcome: 'failed',
    });
    const r = mapOdooWebhook(payload, 'main', makeSource(), RECEIVED);
    expect(r).toMatchObject({
      kind: 'event',
      event: { step: 'picking_done', time: '2026-11-27T08:16:00.000Z', outcome: 'failed' },
    });
  });

  it('derives the same id from the same payload without a write date, and another from another payload', () => {
    const { write_date: _w, ...rest } = makePayload();
    const source = makeSource();
    const a = mapOdooWebhook(OdooWebhookPayloadSchema.parse(rest), 'main', source, RECEIVED);
    const b = mapOdooWebhook(OdooWebhookPayloadSchema.parse({ ...rest }), 'main', source, RECEIVED + 5000);
    const c = mapOdooWebhook(
      OdooWebhookPayloadSchema.parse({ ...rest, name: 'MO/00043' }),
      'main',
      source,
      RECEIVED,
    );
    if (a.kind !== 'event' || b.kind !== 'event' || c.kind !== 'event') throw new Error('expected events');
    expect(a.event.id).toMatch(/^odoo:main:mrp\.production:42:odoo_done:h[0-9a-f]{16}$/);
    expect(b.event.id).toBe(a.event.id);
    expect(c.event.id).not.toBe(a.event.id);
    // Without a write date the event time is the receive time.
    expect(a.event.time).toBe('2026-11-27T08:16:00.000Z');
  });
});

describe('odooTimeToRfc3339', () => {
  it('reads Odoo naive datetimes and dates as UTC and keeps RFC 3339 times', () => {
    expect(odooTimeToRfc3339('2026-11-27 08:15:00')).toBe('2026-11-27T08:15:00Z');
    expect(odooTimeToRfc3339('2026-11-27')).toBe('2026-11-27T00:00:00Z');
    expect(odooTimeToRfc3339('2026-11-27T09:15:00+01:00')).toBe('2026-11-27T09:15:00+01:00');
    expect(odooTimeToRfc3339(false)).toBeUndefined();
    expect(odooTimeToRfc3339('soon')).toBeUndefined();
  });
});
