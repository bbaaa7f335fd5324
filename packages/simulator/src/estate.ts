import { CONTINUOUS_SHIFTS, THREE_SHIFTS, type ShiftPattern } from './rhythm.ts';
import type { SimFlow, Transport } from './model.ts';

/** A simulated plant: discrete assembly (three shifts) or continuous process (two 12-hour shifts). */
export interface PlantSpec {
  id: string;
  name: string;
  kind: 'discrete' | 'process';
  /** Hours from UTC of the plant's local time (shift changes are local). */
  utcOffsetHours: number;
  /** Relative volume (1 = a typical plant). */
  volume: number;
  shifts: ShiftPattern;
  /** How this plant's MES reaches Linewatch: instrumented (spans), a plant MQTT gateway, or the events API. */
  mesTransport: Transport;
  /** Warehouse code used in Odoo-style references (`BRN/MO/00042`). */
  code: string;
}

const PLANT_TEMPLATES: Omit<PlantSpec, 'id'>[] = [
  {
    name: 'Lyon assembly',
    kind: 'discrete',
    utcOffsetHours: 1,
    volume: 1.2,
    shifts: THREE_SHIFTS,
    mesTransport: 'span',
    code: 'LYO',
  },
  {
    name: 'Brno assembly',
    kind: 'discrete',
    utcOffsetHours: 1,
    volume: 1,
    shifts: THREE_SHIFTS,
    mesTransport: 'mqtt',
    code: 'BRN',
  },
  {
    name: 'Ghent process',
    kind: 'process',
    utcOffsetHours: 1,
    volume: 0.7,
    shifts: CONTINUOUS_SHIFTS,
    mesTransport: 'event',
    code: 'GNT',
  },
  {
    name: 'Porto assembly',
    kind: 'discrete',
    utcOffsetHours: 0,
    volume: 0.8,
    shifts: THREE_SHIFTS,
    mesTransport: 'span',
    code: 'OPO',
  },
  {
    name: 'Katowice process',
    kind: 'process',
    utcOffsetHours: 1,
    volume: 0.9,
    shifts: CONTINUOUS_SHIFTS,
    mesTransport: 'mqtt',
    code: 'KTW',
  },
];

/** The estate's plants: P01 and P02 discrete assembly, P03 a process plant, then more of each. */
export function makePlants(count: number): PlantSpec[] {
  return Array.from({ length: count }, (_, i) => {
    const template = PLANT_TEMPLATES[i % PLANT_TEMPLATES.length] as Omit<PlantSpec, 'id'>;
    const round = Math.floor(i / PLANT_TEMPLATES.length);
    return {
      ...template,
      id: `P${String(i + 1).padStart(2, '0')}`,
      name: round ? `${template.name} ${round + 1}` : template.name,
      code: round ? `${template.code.slice(0, 2)}${round + 1}` : template.code,
    };
  });
}

/**
 * How each system reaches Linewatch, as such systems do in real estates: instrumented services send
 * OTLP spans, legacy ones business events over HTTP, plant gateways MQTT, Odoo its webhooks.
 */
export function transportFor(system: string, plant: PlantSpec, odooWebhooks: boolean): Transport {
  const s = system.toLowerCase();
  if (s === 'odoo' || s.startsWith('odoo')) return odooWebhooks ? 'odoo_webhook' : 'span';
  if (s === 'mes' || s.startsWith('mes')) return plant.mesTransport;
  if (s === 'wms' || s.includes('warehouse')) return 'event';
  if (s === 'cmms' || s.includes('maint')) return 'event';
  if (s.includes('supplier') || s.includes('edi')) return 'event';
  return 'span';
}

/** Messaging system of the middleware queues (attribute `messaging.system`). */
export const MESSAGING_SYSTEM = 'rabbitmq';

/** Transactions per hour per plant at volume 1 on a weekday day shift, by what the flow is about. */
export function baseRatePerHour(flow: SimFlow): number {
  const text = `${flow.id} ${flow.key}`.toLowerCase();
  const table: [RegExp, number][] = [
    [/downtime|maintenance|breakdown/, 4],
    [/quality|hold|quarantine|inspection/, 8],
    [/asn|supplier|receipt|purchase/, 24],
    [/ship|carrier|delivery|logistic/, 30],
    [/movement|goods|stock|transfer|picking/, 90],
    [/confirm/, 110],
    [/release|production|manufactur|order/, 70],
  ];
  for (const [re, rate] of table) if (re.test(text)) return rate;
  return 30;
}

/** Odoo model a flow's Odoo steps belong to (for webhook payloads), from what the flow is about. */
export function odooModelFor(flow: SimFlow): string {
  const text = `${flow.id} ${flow.key}`.toLowerCase();
  if (/downtime|maintenance/.test(text)) return 'maintenance.request';
  if (/quality|hold|quarantine/.test(text)) return 'quality.alert';
  if (/asn|supplier|receipt|purchase/.test(text)) return 'stock.picking';
  if (/ship|carrier|delivery/.test(text)) return 'stock.picking';
  if (/movement|goods|stock|picking/.test(text)) return 'stock.move';
  if (/invoice|account/.test(text)) return 'account.move';
  return 'mrp.production';
}

const KEY_PREFIXES: [RegExp, string][] = [
  [/work_?order/, 'WO'],
  [/production|manufactur|mo$/, 'MO'],
  [/maintenance|request/, 'MR'],
  [/downtime|stop|event/, 'DT'],
  [/lot|batch/, 'LOT'],
  [/hold|quarantine|quality|alert/, 'QA'],
  [/asn/, 'ASN'],
  [/purchase|po$/, 'PO'],
  [/receipt/, 'IN'],
  [/ship|delivery|out/, 'OUT'],
  [/move|movement|transfer|picking/, 'INT'],
  [/booking|tracking/, 'BK'],
];

const prefixCache = new Map<string, string>();

function keyPrefix(keyName: string): string {
  let prefix = prefixCache.get(keyName);
  if (prefix === undefined) {
    const name = keyName.toLowerCase();
    prefix =
      KEY_PREFIXES.find(([re]) => re.test(name))?.[1] ??
      name
        .replace(/[^a-z]/g, '')
        .slice(0, 3)
        .toUpperCase();
    prefixCache.set(keyName, prefix);
  }
  return prefix;
}

/** An Odoo-style reference for a key name: `BRN/MO/00042`, `BRN/WO/00042`, `ASN-BRN-00042`. */
export function formatKey(keyName: string, plant: PlantSpec, sequence: number): string {
  const prefix = keyPrefix(keyName);
  const seq = String(sequence).padStart(5, '0');
  if (prefix === 'ASN' || prefix === 'BK' || prefix === 'DT') return `${prefix}-${plant.code}-${seq}`;
  if (prefix === 'LOT') return `${plant.code}-L${seq}`;
  return `${plant.code}/${prefix}/${seq}`;
}

/** Product families; the master-data scenario breaks one of them. */
export const PRODUCT_FAMILIES = ['HYD-PUMP', 'GEARBOX', 'VALVE', 'E-MOTOR', 'RESIN'] as const;
