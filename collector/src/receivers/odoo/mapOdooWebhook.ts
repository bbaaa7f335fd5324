import { createHash } from 'node:crypto';
import {
  BusinessEventSchema,
  type BusinessEvent,
  type OdooMapping,
  type OdooSource,
} from '@linewatch/schema';
import { z } from 'zod';
import { fieldText, isMany2onePair, readField, renderTemplate } from './renderTemplate.ts';

/**
 * The JSON an Odoo 17+ automation rule's "Send Webhook Notification" action posts: the record's model,
 * id and the action's name, plus the fields chosen in the action (read with `json.dumps(default=str)`).
 */
export const OdooWebhookPayloadSchema = z
  .object({
    _id: z.union([z.number().int(), z.string().min(1)]),
    _model: z.string().min(1),
    _action: z.string().optional(),
  })
  .catchall(z.unknown());
export type OdooWebhookPayload = z.infer<typeof OdooWebhookPayloadSchema>;

/** Why a webhook yielded no event: no rule for the model, no rule whose `when` matched, or a rule produced an invalid event. */
export type OdooIgnoreReason = 'unknown_model' | 'no_matching_rule' | 'unmappable';

export type OdooMapResult =
  | { kind: 'event'; event: BusinessEvent; mapping: OdooMapping }
  | { kind: 'ignored'; reason: OdooIgnoreReason; message: string };

function matchesOne(value: unknown, expected: string | number | boolean | null): boolean {
  if (expected === null || expected === false)
    return value === null || value === false || value === undefined;
  if (isMany2onePair(value)) return String(value[0]) === String(expected) || value[1] === String(expected);
  return value !== undefined && value !== null && value !== false && fieldText(value) === String(expected);
}

function matches(mapping: OdooMapping, payload: OdooWebhookPayload): boolean {
  return Object.entries(mapping.when).every(([field, expected]) => {
    const value = readField(payload, field);
    return Array.isArray(expected) ? expected.some((e) => matchesOne(value, e)) : matchesOne(value, expected);
  });
}

const ODOO_DATETIME = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?)$/;
const ODOO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * An Odoo time as RFC 3339. Odoo stores and sends datetimes as naive UTC ("2026-11-27 08:15:00"),
 * so a time without an offset is UTC; undefined when the field is empty or not a time.
 */
export function odooTimeToRfc3339(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const text = value.trim();
  const naive = ODOO_DATETIME.exec(text);
  if (naive) return `${naive[1]}T${naive[2]}Z`;
  if (ODOO_DATE.test(text)) return `${text}T00:00:00Z`;
  return BusinessEventSchema.shape.time.safeParse(text).success ? text : undefined;
}

function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (typeof value === 'object' && value !== null)
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

/**
 * The event id of a webhook: `odoo:<source>:<model>:<_id>:<step>:<write_date>`, or a hash of the
 * payload instead of write_date when the action does not send it. The step is part of it so two
 * rules firing on the same write (say "created" and "done") make two events; the same webhook
 * received twice makes one.
 */
export function odooEventId(sourceName: string, step: string, payload: OdooWebhookPayload): string {
  const writeDate =
    typeof payload.write_date === 'string' && payload.write_date ? payload.write_date : undefined;
  const version =
    writeDate ?? `h${createHash('sha256').update(stableJson(payload)).digest('hex').slice(0, 16)}`;
  return `odoo:${sourceName}:${payload._model}:${String(payload._id)}:${step}:${version}`;
}

function renderMap(
  templates: Readonly<Record<string, string>>,
  payload: OdooWebhookPayload,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, template] of Object.entries(templates)) {
    const text = renderTemplate(template, payload);
    if (text) out[name] = text;
  }
  return out;
}

/**
 * Maps an Odoo webhook payload to a business event with the first mapping of the source whose model
 * and `when` values match; a payload no mapping takes is ignored with a reason.
 * @example mapOdooWebhook({ _id: 42, _model: 'mrp.production', state: 'done', name: 'MO/00042' }, 'main', source, Date.now())
 */
export function mapOdooWebhook(
  payload: OdooWebhookPayload,
  sourceName: string,
  source: OdooSource,
  receivedAtMs: number,
): OdooMapResult {
  const forModel = source.mappings.filter((m) => m.model === payload._model);
  if (forModel.length === 0)
    return { kind: 'ignored', reason: 'unknown_model', message: `no mapping for model "${payload._model}"` };
  const mapping = forModel.find((m) => matches(m, payload));
  if (!mapping)
    return {
      kind: 'ignored',
      reason: 'no_matching_rule',
      message: `no mapping of model "${payload._model}" matches this record's field values`,
    };

  const time =
    (mapping.time === 'received' ? undefined : odooTimeToRfc3339(readField(payload, mapping.time))) ??
    new Date(receivedAtMs).toISOString();
  const keys = renderMap(mapping.keys, payload);
  const candidate = {
    id: odooEventId(sourceName, mapping.step, payload),
    time,
    flow: mapping.flow,
    step: mapping.step,
    key: renderTemplate(mapping.key, payload),
    keys: Object.keys(keys).length ? keys : undefined,
    system: mapping.system,
    plant: renderTemplate(mapping.plant ?? source.plant ?? '', payload),
    outcome: mapping.outcome ? renderTemplate(mapping.outcome, payload) : undefined,
    attributes: {
      ...renderMap(mapping.attributes, payload),
      'odoo.source': sourceName,
      'odoo.model': payload._model,
      'odoo.id': String(payload._id),
      ...(payload._action ? { 'odoo.action': payload._action } : {}),
    },
  };
  const parsed = BusinessEventSchema.safeParse(candidate);
  if (!parsed.success)
    return {
      kind: 'ignored',
      reason: 'unmappable',
      message: `mapping for step "${mapping.step}" gives an invalid event: ${parsed.error.issues
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    };
  return { kind: 'event', event: parsed.data, mapping };
}
