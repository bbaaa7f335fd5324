// The plant simulator: a seeded estate of plants and connectors that sends realistic traffic
// through Linewatch's real receivers, with fault scenarios and the ground truth of every transaction.
export {
  createSimulator,
  type ScenarioState,
  type Simulator,
  type SimulatorOptions,
  type SimulatorStats,
} from './createSimulator.ts';
export {
  DEMO_MQTT_FILTER,
  DEMO_ODOO_SOURCE,
  demoIngestConfig,
  demoTargets,
  topicForFilter,
  type DemoIngestConfig,
} from './demoIngest.ts';
export { createNetworkSink, type EmissionSink } from './emit/createNetworkSink.ts';
export { demoOdooMappings, odooWebhookPayload, type OdooMappingRule } from './emit/odooWebhook.ts';
export { toBusinessEvent } from './emit/toBusinessEvent.ts';
export {
  silentLogger,
  type EmitStats,
  type EmitTargets,
  type OutgoingStep,
  type QueueSample,
  type SimLogger,
} from './emit/types.ts';
export { makePlants, type PlantSpec } from './estate.ts';
export { generateEvents, type FaultMix, type GeneratedEvents } from './load/generateEvents.ts';
export { generateSpanBatches, type SpanBatches } from './load/generateSpanBatches.ts';
export { DEFAULT_START, type GenerateOptions } from './load/planEstate.ts';
export { runLoad, type LoadOptions, type LoadResult } from './load/runLoad.ts';
export type { Emission, ExpectedStatus, SimDeadline, SimFlow, SimStep, Transport } from './model.ts';
export { predictStatus, type ObservedEvent, type Prediction } from './predictStatus.ts';
export { Random } from './random.ts';
export {
  SCENARIO_DESCRIPTIONS,
  SCENARIO_NAMES,
  ScenarioError,
  isScenarioName,
  scheduleScenarios,
  type ScenarioName,
} from './scenarios.ts';
export { SimClock, type RealClock } from './simClock.ts';
export { toSimFlow } from './simFlow.ts';
export type { ScenarioTruth, TransactionTruth, TruthLine } from './truth.ts';
