// Regenerates reports/schema.json from ReportDefinitionSchema: npm run reports:schema -w @linewatch/reports
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { reportJsonSchemaText } from './src/reportJsonSchema.ts';

writeFileSync(join(import.meta.dirname, '../../reports/schema.json'), reportJsonSchemaText());
