import { describe, expect, it } from 'vitest';
import type { ImpactGraph } from '@linewatch/correlation';
import { attachSymptoms, type InhibitionCandidate } from './inhibit.ts';

// The demo estate's shape: Odoo releases orders to the MES through a queue the MES consumes; the MES
// publishes confirmations the middleware consumes; the middleware calls Odoo. Shipment runs Odoo → carrier.
const graph: ImpactGraph = {
  nodes: [
    { id: 'odoo', kind: 'service' },
    { id: 'mes', kind: 'service' },
    { id: 'middleware', kind: 'service' },
    { id: 'carrier', kind: 'service' },
    { id: 'messaging:p02.mes.production_order_release', kind: 'messaging' },
    { id: 'messaging:p02.middleware.production_confirmation', kind: 'messaging' },
  ],
  edges: [
    { source: 'messaging:p02.mes.production_order_release', target: 'mes', kinds: ['messaging'], flows: [] },
    {
      source: 'messaging:p02.middleware.production_confirmation',
      target: 'middleware',
      kinds: ['messaging'],
      flows: [],
    },
    { source: 'mes', target: 'middleware', kinds: ['flow', 'messaging'], flows: ['production_confirmation'] },
    { source: 'middleware', target: 'odoo', kinds: ['call', 'flow'], flows: ['production_confirmation'] },
    { source: 'odoo', target: 'mes', kinds: ['flow'], flows: ['production_order_release'] },
    { source: 'odoo', target: 'carrier', kinds: ['call', 'flow'], flows: ['shipment_booking'] },
  ],
  flows: [
    {
      flow: 'production_confirmation',
      criticality: 'production',
      plants: ['P01', 'P02'],
      systems: ['odoo', 'mes', 'middleware'],
    },
    {
      flow: 'production_order_release',
      criticality: 'production',
      plants: ['P01', 'P02'],
      systems: ['odoo', 'mes'],
    },
    {
      flow: 'shipment_booking',
      criticality: 'shipping',
      plants: ['P01', 'P02'],
      systems: ['odoo', 'carrier'],
    },
  ],
};

const T = Date.UTC(2026, 11, 7, 9);

function alert(id: string, over: Partial<InhibitionCandidate>): InhibitionCandidate {
  return {
    id,
    state: 'firing',
    canCause: false,
    causeRank: 9,
    node: null,
    flow: null,
    plant: 'P02',
    firedAt: T,
    ...over,
  };
}

describe('attachSymptoms', () => {
  const mesSilent = alert('mes-silent', { canCause: true, causeRank: 0, node: 'mes' });
  const releaseQueue = alert('release-queue', {
    canCause: true,
    causeRank: 2,
    node: 'messaging:p02.mes.production_order_release',
    firedAt: T + 60_000,
  });
  const missing = alert('confirmations-missing', { flow: 'production_confirmation', firedAt: T + 120_000 });
  const releaseMissing = alert('release-missing', { flow: 'production_order_release', state: 'pending' });

  it('attaches the missing confirmations and the growing inbound queue to a silent MES at the same plant', () => {
    const symptoms = attachSymptoms([mesSilent, releaseQueue, missing, releaseMissing], graph);
    expect(Object.fromEntries(symptoms)).toEqual({
      'release-queue': 'mes-silent',
      'confirmations-missing': 'mes-silent',
      'release-missing': 'mes-silent',
    });
  });

  it('attaches queues named after the silent consumer when no span traced them (MQTT, pollers)', () => {
    const untraced = alert('quality-queue', {
      canCause: true,
      causeRank: 2,
      node: 'messaging:p02.mes.quality_hold',
      firedAt: T + 30_000,
    });
    const otherConsumer = alert('odoo-queue', {
      canCause: true,
      causeRank: 2,
      node: 'messaging:p02.odoo.goods_movement',
    });
    const symptoms = attachSymptoms([mesSilent, untraced, otherConsumer], graph);
    expect(symptoms.get('quality-queue')).toBe('mes-silent');
    expect(symptoms.has('odoo-queue')).toBe(false);
  });

  it('leaves another plant’s alerts alone', () => {
    const p01 = alert('p01-missing', { flow: 'production_confirmation', plant: 'P01' });
    expect(attachSymptoms([mesSilent, p01], graph).has('p01-missing')).toBe(false);
  });

  it('does not attach a flow that does not depend on the cause', () => {
    const shipping = alert('shipments-late', { flow: 'shipment_booking' });
    expect(attachSymptoms([mesSilent, shipping], graph).size).toBe(0);
  });

  it('lets only firing causes inhibit', () => {
    expect(attachSymptoms([{ ...mesSilent, state: 'pending' }, missing], graph).size).toBe(0);
  });

  it('attaches to the most upstream cause when a cause is itself explained', () => {
    const odooDown = alert('odoo-silent', {
      canCause: true,
      causeRank: 0,
      node: 'odoo',
      firedAt: T - 60_000,
    });
    const middlewareErrors = alert('middleware-errors', { canCause: true, causeRank: 1, node: 'middleware' });
    const symptoms = attachSymptoms([middlewareErrors, odooDown, missing], graph);
    expect(symptoms.get('middleware-errors')).toBe('odoo-silent');
    expect(symptoms.get('confirmations-missing')).toBe('odoo-silent');
  });
});
