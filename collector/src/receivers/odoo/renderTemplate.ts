/** A value read from an Odoo webhook payload by a dotted path (`name`, `company_id.1`). */
export function readField(payload: Readonly<Record<string, unknown>>, path: string): unknown {
  let value: unknown = payload;
  for (const part of path.split('.')) {
    if (Array.isArray(value) && /^\d+$/.test(part)) value = value[Number(part)];
    else if (typeof value === 'object' && value !== null) value = (value as Record<string, unknown>)[part];
    else return undefined;
  }
  return value;
}

/** True for Odoo's many2one read shape `[id, display_name]`. */
export function isMany2onePair(value: unknown): value is [number, string] {
  return (
    Array.isArray(value) && value.length === 2 && typeof value[0] === 'number' && typeof value[1] === 'string'
  );
}

/**
 * Odoo field value as text: `false` and null (Odoo's "empty") are "", a many2one pair is its display
 * name, an x2many list of ids is comma-joined, an object is JSON.
 */
export function fieldText(value: unknown): string {
  if (value === undefined || value === null || value === false) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean')
    return String(value);
  if (isMany2onePair(value)) return value[1];
  if (Array.isArray(value)) return value.map(fieldText).join(',');
  return JSON.stringify(value);
}

const PLACEHOLDER = /\{\{\s*([A-Za-z0-9_.]+)\s*\}\}/g;

/** Fills `{{field}}` placeholders of a mapping template from the payload; text outside them is kept. */
export function renderTemplate(template: string, payload: Readonly<Record<string, unknown>>): string {
  return template.replace(PLACEHOLDER, (_m, path: string) => fieldText(readField(payload, path))).trim();
}
