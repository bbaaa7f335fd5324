import type { BusinessEventInput } from '@linewatch/schema';
import type { Emission } from '../model.ts';

/** The canonical business event (`POST /v1/events`, MQTT) for an emission. */
export function toBusinessEvent(e: Emission): BusinessEventInput {
  return {
    id: e.eventId,
    time: new Date(e.reportedTime).toISOString(),
    flow: e.flow,
    step: e.step,
    key: e.key,
    ...(Object.keys(e.keys).length ? { keys: e.keys } : {}),
    system: e.system,
    plant: e.plant,
    outcome: e.outcome,
    ...(e.errorCategory ? { error_category: e.errorCategory } : {}),
    ...(e.errorMessage && e.outcome !== 'ok' ? { error_message: e.errorMessage } : {}),
    ...(Object.keys(e.attributes).length ? { attributes: e.attributes } : {}),
  };
}
