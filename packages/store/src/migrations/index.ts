import { m001Otel } from './m001_otel.ts';
import { m002BusinessEvents } from './m002_businessEvents.ts';
import { m301Dependencies } from './m301_dependencies.ts';
import type { Migration } from './types.ts';

/** Every migration, in version order. Add new ones at the end; never edit one that has shipped. */
export const migrations: readonly Migration[] = [m001Otel, m002BusinessEvents, m301Dependencies];
export type { Migration };
