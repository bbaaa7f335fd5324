import { z } from 'zod';
import { FlowSchema } from '@linewatch/schema';

/**
 * The JSON Schema of a flow file, generated from FlowSchema (what an editor completes and checks;
 * durations are accepted as text like "5m" or as milliseconds).
 * @example writeFileSync('flows/schema.json', flowJsonSchemaText())
 */
export function flowJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(FlowSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://linewatch.dev/schemas/flow.json',
    title: 'Linewatch flow',
    description:
      'A business flow as code: steps, the systems that emit them, and deadlines between them. See docs/flows.md.',
  };
}

/** The text of `flows/schema.json` (stable formatting, trailing newline). */
export function flowJsonSchemaText(): string {
  return `${JSON.stringify(flowJsonSchema(), null, 2)}\n`;
}
