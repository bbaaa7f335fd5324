import { z } from 'zod';
import { TimeZoneSchema } from './config.ts';

// Weekly SLA reports as code (`reports/*.yaml`, one definition per file): docs/reports.md explains
// every field. Objects are strict: a misspelt field is an error, not ignored.

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, 'expected a lowercase identifier like p01_weekly ([a-z][a-z0-9_-]*)')
  .max(96);

/** The formats a report can be produced in. */
export const ReportFormatSchema = z.enum(['csv', 'html', 'pdf']);
export type ReportFormat = z.infer<typeof ReportFormatSchema>;

/** Which transactions a report covers: every plant (omit both), one plant, or one flow owner's flows. */
export const ReportScopeSchema = z
  .strictObject({
    plant: z.string().min(1).max(128).optional().describe('One plant, e.g. P01'),
    owner: z.string().min(1).max(200).optional().describe("One flow owner's flows (the flows' `owner`)"),
  })
  .refine((s) => !(s.plant && s.owner), { message: 'a scope is one plant or one owner, not both' })
  .describe('Omit (or leave empty) for every plant');
export type ReportScopeInput = z.infer<typeof ReportScopeSchema>;

export const ReportScheduleSchema = z.strictObject({
  cron: z
    .string()
    .min(1)
    .default('0 6 * * 1')
    .describe('A cron expression (minute hour day-of-month month day-of-week); default Monday 06:00'),
  timeZone: TimeZoneSchema.optional().describe(
    "Time zone of the cron expression; default the report's time zone",
  ),
  enabled: z.boolean().default(true).describe('false: produced on demand only'),
});
export type ReportSchedule = z.infer<typeof ReportScheduleSchema>;

export const ReportWebhookSchema = z.strictObject({
  url: z.url({ protocol: /^https?$/ }),
  /** HMAC-SHA256 key, signed like alerting's webhooks; `${ENV}` is not expanded: put secrets in config. */
  secret: z.string().min(16).optional(),
});

export const ReportRecipientsSchema = z.strictObject({
  email: z.array(z.email()).default([]).describe('Addresses that receive the files attached'),
  webhooks: z
    .array(ReportWebhookSchema)
    .default([])
    .describe('Endpoints that receive JSON with download links'),
  folders: z
    .array(
      z
        .string()
        .min(1)
        .refine((p) => p.startsWith('/'), 'expected an absolute path, like /srv/share/sla-reports'),
    )
    .default([])
    .describe(
      'Directories (a mounted share) that receive the files, in <report id>/<week>/, each file appearing whole',
    ),
});

/** One report definition, as written in `reports/<id>.yaml`. */
export const ReportDefinitionSchema = z.strictObject({
  apiVersion: z.literal('linewatch/v1'),
  kind: z.literal('Report'),
  id: identifier.describe('Report id; also names its files'),
  name: z.string().trim().min(1).max(200),
  description: z.string().max(4000).optional(),
  scope: ReportScopeSchema.prefault({}),
  timeZone: TimeZoneSchema.optional().describe(
    "The time zone weeks are counted in; default the plant's (plant scope) or the configured timeZone",
  ),
  formats: z.array(ReportFormatSchema).min(1).default(['csv', 'html', 'pdf']),
  schedule: ReportScheduleSchema.prefault({}),
  recipients: ReportRecipientsSchema.prefault({}),
});
export type ReportDefinition = z.infer<typeof ReportDefinitionSchema>;
export type ReportDefinitionInput = z.input<typeof ReportDefinitionSchema>;

/** A file of a produced report. */
export const ReportFileSchema = z.object({
  name: z.string(),
  format: ReportFormatSchema,
  contentType: z.string(),
  bytes: z.number().int(),
  sha256: z.string(),
});
export type ReportFile = z.infer<typeof ReportFileSchema>;

/** A delivery attempt of a produced report. */
export const ReportDeliverySchema = z.object({
  channel: z.enum(['email', 'webhook', 'folder']),
  target: z.string(),
  attempt: z.number().int(),
  ok: z.boolean(),
  at: z.string(),
  error: z.string().nullable(),
});
export type ReportDelivery = z.infer<typeof ReportDeliverySchema>;

/** A produced report as the API lists it. */
export const ReportRecordSchema = z.object({
  id: z.string(),
  definition: z.string(),
  name: z.string(),
  week: z.string(),
  scope: z.string(),
  plant: z.string().nullable(),
  timeZone: z.string(),
  windowStart: z.string(),
  windowEnd: z.string(),
  trigger: z.enum(['schedule', 'catch_up', 'manual']),
  scheduledFor: z.string().nullable(),
  createdAt: z.string(),
  pdfEngine: z.enum(['chromium', 'pdfkit']).nullable(),
  files: z.array(ReportFileSchema),
  deliveries: z.array(ReportDeliverySchema),
});
export type ReportRecord = z.infer<typeof ReportRecordSchema>;

export const ReportListSchema = z.object({ items: z.array(ReportRecordSchema) });

export const ReportParams = z.object({ id: z.string().min(1).max(200) });
export const ReportFileParams = z.object({
  id: z.string().min(1).max(200),
  name: z.string().min(1).max(300),
});

/** A definition as `GET /api/v1/report-definitions` lists it. */
export const ReportDefinitionListSchema = z.object({
  items: z.array(z.object({ file: z.string(), definition: ReportDefinitionSchema })),
  problems: z.array(z.string()),
});

export const ListReportsQuery = z.object({
  definition: z.string().optional(),
  week: z
    .string()
    .regex(/^\d{4}-W\d{2}$/, 'expected an ISO week like 2026-W47')
    .optional(),
  plant: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

/** `POST /api/v1/reports/run`: a definition's report for a week (default the last complete week). */
export const RunReportBody = z.strictObject({
  definition: z.string().min(1),
  week: z
    .string()
    .regex(/^\d{4}-W\d{2}$/, 'expected an ISO week like 2026-W47')
    .optional(),
});
