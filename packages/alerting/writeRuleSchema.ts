// Writes alert-rules/schema.json from the alert rule schemas: `npm run rules:schema -w @linewatch/alerting`.
// The text is formatted with Prettier so `prettier --check alert-rules` stays clean.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { format } from 'prettier';
import { ruleJsonSchemaText } from './src/rules/ruleJsonSchema.ts';

const target = fileURLToPath(new URL('../../alert-rules/schema.json', import.meta.url));
writeFileSync(target, await format(ruleJsonSchemaText(), { parser: 'json', filepath: target }));
process.stdout.write(`wrote ${target}\n`);
