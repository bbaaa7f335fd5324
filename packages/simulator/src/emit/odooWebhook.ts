import type { Emission, SimFlow } from '../model.ts';
import { odooModelFor } from '../estate.ts';
import { extraKeys } from '../planTransactions.ts';

/** Odoo writes `write_date` as UTC "YYYY-MM-DD HH:MM:SS". */
function odooDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** A stable small record id per business key (Odoo's `_id`). */
function recordId(key: string): number {
  let h = 2166136261;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 16777619);
  return ((h >>> 0) % 900_000) + 1_000;
}

/**
 * The JSON an Odoo 17+ automation rule ("Send Webhook Notification") posts for this step: `_id`,
 * `_model`, `_action` and the fields the rule selected. Custom fields follow Odoo Studio's `x_studio_` naming.
 */
export function odooWebhookPayload(e: Emission, flow: SimFlow): Record<string, unknown> {
  const id = recordId(e.key);
  const payload: Record<string, unknown> = {
    _id: id,
    _model: odooModelFor(flow),
    _action: 'Send Webhook Notification(#41)',
    id,
    name: e.key,
    state: e.step,
    x_studio_flow: e.flow,
    company_id: [Number(e.plant.replace(/\D/g, '')) || 1, e.plant],
    write_date: odooDate(e.reportedTime),
  };
  for (const [k, v] of Object.entries(e.keys)) payload[`x_studio_${k}`] = v;
  for (const [k, v] of Object.entries(e.attributes)) payload[`x_studio_${k}`] = v;
  return payload;
}

/** One mapping rule of the collector's `odoo.sources.<source>.mappings` (collectorConfig.ts). */
export interface OdooMappingRule {
  model: string;
  when: Record<string, string>;
  flow: string;
  step: string;
  key: string;
  keys: Record<string, string>;
  plant: string;
  system: string;
  time: string;
  attributes: Record<string, string>;
}

/**
 * The webhook mappings that turn the simulated Odoo's payloads into business events: one rule per
 * Odoo step of each flow. Put them under `collector.odoo.sources.<source>.mappings` (docs/demo.md).
 */
export function demoOdooMappings(flows: readonly SimFlow[]): OdooMappingRule[] {
  const rules: OdooMappingRule[] = [];
  for (const flow of flows) {
    const others = extraKeys(flow);
    flow.steps.forEach((s, i) => {
      if (!s.system.toLowerCase().startsWith('odoo')) return;
      const keys: Record<string, string> = {};
      for (const k of others) keys[k] = `{{x_studio_${k}}}`;
      if (s.fanOut) keys[flow.key] = `{{x_studio_${flow.key}}}`;
      const attributes: Record<string, string> = { product_family: '{{x_studio_product_family}}' };
      if (i === 0)
        for (const f of flow.steps)
          if (f.fanOut?.countAttribute)
            attributes[f.fanOut.countAttribute] = `{{x_studio_${f.fanOut.countAttribute}}}`;
      rules.push({
        model: odooModelFor(flow),
        when: { x_studio_flow: flow.id, state: s.id },
        flow: flow.id,
        step: s.id,
        key: '{{name}}',
        keys,
        plant: '{{company_id.1}}',
        system: s.system,
        time: 'write_date',
        attributes,
      });
    });
  }
  return rules;
}
