import { z } from 'zod';
import { AlertRuleFileSchema, RoutesFileSchema } from '@linewatch/schema';

/**
 * The JSON Schema of an alert-rules file (rule files or routes.yaml), generated from the zod schemas
 * (durations are accepted as text like "5m" or as milliseconds).
 * @example writeFileSync('alert-rules/schema.json', ruleJsonSchemaText())
 */
export function ruleJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(z.union([AlertRuleFileSchema, RoutesFileSchema]), {
      io: 'input',
      unrepresentable: 'any',
    }),
    $id: 'https://linewatch.dev/schemas/alert-rules.json',
    title: 'Linewatch alert rules',
    description:
      'Alert rules (kind: AlertRules) or routing (kind: AlertRoutes) as code. See docs/alerting.md.',
  };
}

/** The text of `alert-rules/schema.json` (stable formatting, trailing newline). */
export function ruleJsonSchemaText(): string {
  return `${JSON.stringify(ruleJsonSchema(), null, 2)}\n`;
}
