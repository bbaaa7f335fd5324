import type { Flow } from '@linewatch/schema';
import type { SimFlow } from './model.ts';

/** The simulator's view of a flow definition (flows/*.yaml, already validated). */
export function toSimFlow(flow: Flow): SimFlow {
  return {
    id: flow.id,
    key: flow.key,
    steps: flow.steps.map((s) => ({
      id: s.id,
      system: s.system,
      optional: s.optional,
      repeat: s.repeat,
      ...(s.fanOut
        ? {
            fanOut: {
              key: s.fanOut.key,
              ...(s.fanOut.countAttribute ? { countAttribute: s.fanOut.countAttribute } : {}),
            },
          }
        : {}),
    })),
    deadlines: flow.deadlines.map((d) => ({
      from: d.from,
      to: d.to,
      withinMs: d.within,
      plants: { ...(d.plants ?? {}) },
    })),
    plants: [...flow.plants],
  };
}
