// Writes flows/schema.json from FlowSchema: `npm run flows:schema -w @linewatch/correlation`.
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { flowJsonSchemaText } from './src/flowJsonSchema.ts';

const target = fileURLToPath(new URL('../../flows/schema.json', import.meta.url));
writeFileSync(target, flowJsonSchemaText());
process.stdout.write(`wrote ${target}\n`);
