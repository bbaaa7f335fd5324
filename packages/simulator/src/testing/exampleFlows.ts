import { FlowSchema, type Flow, type FlowInput } from '@linewatch/schema';
import { toSimFlow } from '../simFlow.ts';
import type { SimFlow } from '../model.ts';

const definitions: FlowInput[] = [
  {
    id: 'production_order_release',
    name: 'Production order release',
    owner: 'manufacturing-it',
    criticality: 'production',
    key: 'production_order',
    steps: [
      { id: 'mo_released', system: 'odoo' },
      { id: 'mo_routed', system: 'middleware' },
      { id: 'mo_received_mes', system: 'mes' },
    ],
    deadlines: [{ from: 'mo_released', to: 'mo_received_mes', within: '5m', plants: { P03: '15m' } }],
  },
  {
    id: 'operation_confirmation',
    name: 'Operation confirmation',
    owner: 'manufacturing-it',
    criticality: 'production',
    key: 'production_order',
    steps: [
      { id: 'mo_started', system: 'odoo' },
      { id: 'wo_confirmed', system: 'mes', fanOut: { key: 'work_order', countAttribute: 'work_orders' } },
      { id: 'confirmation_routed', system: 'middleware' },
      { id: 'confirmation_posted', system: 'odoo' },
    ],
    deadlines: [
      { from: 'mo_started', to: 'wo_confirmed', within: '30m' },
      { from: 'wo_confirmed', to: 'confirmation_posted', within: '10m' },
    ],
  },
  {
    id: 'goods_movement',
    name: 'Goods movement',
    owner: 'logistics-it',
    criticality: 'inventory',
    key: 'transfer',
    steps: [
      { id: 'move_done_wms', system: 'wms' },
      { id: 'stock_updated', system: 'odoo' },
    ],
    deadlines: [{ from: 'move_done_wms', to: 'stock_updated', within: '15m' }],
  },
  {
    id: 'shipment',
    name: 'Shipment booking and carrier status',
    owner: 'logistics-it',
    criticality: 'shipping',
    key: 'shipment',
    steps: [
      { id: 'delivery_validated', system: 'odoo' },
      { id: 'booking_confirmed', system: 'carrier' },
      { id: 'picked_up', system: 'carrier', optional: true },
    ],
    deadlines: [{ from: 'delivery_validated', to: 'booking_confirmed', within: '20m' }],
  },
  {
    id: 'supplier_asn',
    name: 'Supplier ASN to goods receipt',
    owner: 'procurement-it',
    criticality: 'inventory',
    key: 'asn',
    plants: ['P01', 'P02'],
    steps: [
      { id: 'asn_published', system: 'supplier_portal' },
      { id: 'receipt_prepared', system: 'odoo' },
      { id: 'goods_received', system: 'wms', repeat: true },
    ],
    deadlines: [{ from: 'asn_published', to: 'receipt_prepared', within: '30m' }],
  },
];

/** Example flows like flows/*.yaml, validated by FlowSchema (test fixtures). */
export function exampleFlows(): Flow[] {
  return definitions.map((d) => FlowSchema.parse(d));
}

/** The example flows in the simulator's view. */
export function exampleSimFlows(): SimFlow[] {
  return exampleFlows().map(toSimFlow);
}
