// chDB binds one data directory per process: each forked vitest worker gets its own,
// and each test file opens its own database inside it (openTestStore).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.LINEWATCH_TEST_DATA_DIR ??= mkdtempSync(join(tmpdir(), `linewatch-test-${process.pid}-`));
