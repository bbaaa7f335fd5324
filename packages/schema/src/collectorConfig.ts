import { z } from 'zod';
import { DurationSchema } from './duration.ts';

/** The collector's section of linewatch.yaml: receivers, pipeline, pollers. Owned by collector/. */
export const CollectorConfigSchema = z.object({
  otlpHttp: z
    .object({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(4318) })
    .prefault({}),
  otlpGrpc: z
    .object({ host: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(4317) })
    .prefault({}),
  /** Largest accepted request body (after decompression). */
  maxBodyBytes: z.number().int().positive().default(8 * 1024 * 1024),
  spool: z
    .object({
      dir: z.string().optional(),
      maxBytes: z.number().int().positive().default(2 * 1024 ** 3),
    })
    .prefault({}),
  batch: z
    .object({
      maxRows: z.number().int().positive().default(50_000),
      maxDelay: DurationSchema.default(1_000),
    })
    .prefault({}),
});
export type CollectorConfig = z.infer<typeof CollectorConfigSchema>;
