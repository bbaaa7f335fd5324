import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { flowJsonSchemaText } from './flowJsonSchema.ts';

describe('flows/schema.json', () => {
  it('is current with FlowSchema (regenerate with npm run flows:schema -w @linewatch/correlation)', () => {
    const committed = readFileSync(join(import.meta.dirname, '../../../flows/schema.json'), 'utf8');
    expect(committed).toBe(flowJsonSchemaText());
  });

  it('accepts durations as text in the places an editor completes them', () => {
    const schema = JSON.parse(flowJsonSchemaText()) as {
      properties: { deadlines: { items: { properties: { within: { type: string[] } } } } };
    };
    expect(schema.properties.deadlines.items.properties.within.type).toContain('string');
  });
});
