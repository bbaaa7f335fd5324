import type { ReevaluateResult } from '@linewatch/schema';
import { sql, type Store } from '@linewatch/store';
import { correlate } from './correlate.ts';
import { evaluationNow } from './dataClock.ts';
import { UnknownFlowError } from './errors.ts';
import type { FlowSnapshot } from './flowRegistry.ts';
import type { CorrelationLogger } from './logger.ts';
import { msTime } from './sqlValues.ts';

/**
 * Derives again, under the current definition of `flow`, every transaction of that flow started in
 * [from, to) and every group of events of the flow (or naming no flow, with one of its steps) that
 * happened in the range: after a flow file changed, statuses, unmatched events and removed
 * transactions follow the new definition.
 * @example await reevaluate(store, flows.snapshot(), { flow: 'production_confirmation', from, to, now: Date.now(), clockSkew: 120_000 })
 */
export async function reevaluate(
  store: Store,
  snapshot: FlowSnapshot,
  options: {
    flow: string;
    from: number;
    to: number;
    now: number;
    clockSkew: number;
    logger?: CorrelationLogger;
  },
): Promise<ReevaluateResult> {
  const flow = snapshot.flows.get(options.flow);
  if (!flow) throw new UnknownFlowError(options.flow);
  const started = Date.now();
  const from = msTime(options.from);
  const to = msTime(options.to);
  const steps = sql.param(
    flow.steps.map((s) => s.id),
    'Array(String)',
  );
  const stats = await correlate(
    store,
    snapshot,
    {
      groups: sql`(flow = ${flow.id} OR (flow = '' AND step IN ${steps})) AND last_time >= ${from} AND first_time < ${to}`,
      transactions: sql`
        SELECT flow, key FROM ${store.table('transactions')} FINAL
        WHERE flow = ${flow.id} AND started_at >= ${from} AND started_at < ${to}`,
    },
    {
      now: options.now,
      evaluateAt: await evaluationNow(store, options.now),
      clockSkew: options.clockSkew,
      version: options.now,
      logger: options.logger,
    },
  );
  return {
    flow: flow.id,
    from: new Date(options.from).toISOString(),
    to: new Date(options.to).toISOString(),
    evaluated: stats.evaluated,
    changed: stats.written + stats.removed,
    ms: Date.now() - started,
  };
}
