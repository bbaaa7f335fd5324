// Wiring only: which components run in this process, in start order.
import type { ComponentFactory } from './runtime.ts';
import { accessComponent } from './components/accessComponent.ts';
import { alertingComponent } from './components/alertingComponent.ts';
import { collectorComponent } from './components/collectorComponent.ts';
import { reportsComponent } from './components/reportsComponent.ts';
import { createDemoComponent } from './demo/createDemoComponent.ts';
import { dashboardsComponent } from './routes/dashboards.ts';
import { dependencyRoutesComponent, dependencyWorkerComponent } from './routes/dependencies.ts';
import { correlationComponent } from './routes/flows.ts';

/** The component factories of `linewatch start`; each one checks `config.roles` itself. */
export function defaultComponents(): ComponentFactory[] {
  return [
    // api role: principals, tokens, audit trail, whoami (apps/server/src/access)
    accessComponent,
    // collector role: receivers, spool, pollers (collector/)
    collectorComponent,
    // worker role: correlation sweep (packages/correlation); api role: flows, transactions, search, unmatched
    correlationComponent,
    // worker role: alert evaluation (packages/alerting); api role: alerts, alert rules
    alertingComponent,
    // worker role: weekly SLA reports on their schedules (packages/reports); api role: report routes
    reportsComponent,
    // api role: query routes (apps/server/src/routes)
    dashboardsComponent,
    dependencyRoutesComponent,
    dependencyWorkerComponent,
    // demo: the plant simulator feeding the receivers (packages/simulator)
    createDemoComponent,
  ];
}
