import { z } from 'zod';
import { ReportDefinitionSchema } from '@linewatch/schema';

/**
 * The JSON Schema of a report definition file, generated from ReportDefinitionSchema.
 * @example writeFileSync('reports/schema.json', reportJsonSchemaText())
 */
export function reportJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(ReportDefinitionSchema, { io: 'input', unrepresentable: 'any' }),
    $id: 'https://linewatch.dev/schemas/report.json',
    title: 'Linewatch report definition',
    description: 'A weekly SLA report as code: scope, formats, schedule, recipients. See docs/reports.md.',
  };
}

/** The text of `reports/schema.json` (stable formatting, trailing newline). */
export function reportJsonSchemaText(): string {
  return `${JSON.stringify(reportJsonSchema(), null, 2)}\n`;
}
