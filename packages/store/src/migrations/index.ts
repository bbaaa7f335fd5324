import { m001Otel } from './m001_otel.ts';
import { m002BusinessEvents } from './m002_businessEvents.ts';
import { m101Collector } from './m101_collector.ts';
import { m102TraceIndexes } from './m102_traceIndexes.ts';
import { m201Correlation } from './m201_correlation.ts';
import { m301Dependencies } from './m301_dependencies.ts';
import { m401Alerting } from './m401_alerting.ts';
import { m402Notifications } from './m402_notifications.ts';
import { m501Reports } from './m501_reports.ts';
import { m601Access } from './m601_access.ts';
import type { Migration } from './types.ts';

/** Every migration, in version order. Add new ones at the end; never edit one that has shipped. */
export const migrations: readonly Migration[] = [
  m001Otel,
  m002BusinessEvents,
  m101Collector,
  m102TraceIndexes,
  m201Correlation,
  m301Dependencies,
  m401Alerting,
  m402Notifications,
  m501Reports,
  m601Access,
];
export type { Migration };
