import type { Context } from 'hono';
import type { Store } from '@linewatch/store';
import type { AppEnv } from '../appEnv.ts';
import { clientAddress } from '../middleware/apiRateLimit.ts';
import { recordAudit, type AuditEntry } from './audit.ts';
import { principalOf } from './principal.ts';

/**
 * Records a change made by the request's principal, from the request's address. Awaited before the
 * route answers, so every change the API acknowledged is in the audit trail.
 * @example await auditRequest(c, store, now, { action: 'silence.create', target: s.id, after: s })
 */
export function auditRequest(
  c: Context<AppEnv>,
  store: Store,
  now: number,
  entry: AuditEntry,
): Promise<void> {
  return recordAudit(store, principalOf(c), entry, { now, address: clientAddress(c) });
}
