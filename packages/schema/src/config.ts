import { z } from 'zod';
import { DurationSchema } from './duration.ts';
import { CollectorConfigSchema } from './collectorConfig.ts';
import { ClientCertificateMappingsSchema, TlsConfigSchema } from './tls.ts';

/** The process roles `linewatch start --roles` can run. */
export const RoleSchema = z.enum(['api', 'collector', 'worker']);
export type Role = z.infer<typeof RoleSchema>;

/** Access scopes; every API route declares one. `admin` implies all others, `operate` implies `read`. */
export const ScopeSchema = z.enum(['ingest', 'read', 'operate', 'admin']);
export type Scope = z.infer<typeof ScopeSchema>;

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected a plain identifier ([A-Za-z_][A-Za-z0-9_]*)');

export const StoreConfigSchema = z
  .object({
    /** embedded: chDB in-process on `dataDir`; remote: a ClickHouse server at `url`. */
    mode: z.enum(['embedded', 'remote']).default('embedded'),
    dataDir: z.string().min(1).default('./data'),
    url: z.url({ protocol: /^https?$/ }).optional(),
    database: identifier.default('linewatch'),
    cluster: identifier.optional(),
    /** Embedded only: the engine's memory limit (chDB defaults to 90% of RAM). */
    maxMemoryBytes: z
      .number()
      .int()
      .positive()
      .default(4 * 1024 ** 3),
    /** Read connections (embedded: each runs one query at a time, so readers never wait behind writes). */
    readConnections: z.number().int().min(1).max(16).default(2),
    /** Upper bound for any query, enforced by the engine (chDB ignores client timeouts). */
    maxQuerySeconds: z.number().positive().default(60),
  })
  .superRefine((s, ctx) => {
    if (s.mode === 'remote' && !s.url)
      ctx.addIssue({ code: 'custom', path: ['url'], message: 'required when mode is remote' });
    if (s.mode === 'embedded' && s.cluster)
      ctx.addIssue({ code: 'custom', path: ['cluster'], message: 'a cluster needs mode: remote' });
  });
export type StoreConfig = z.infer<typeof StoreConfigSchema>;

/** Retention in days per table family; applied as ClickHouse TTLs at every start. */
export const RetentionConfigSchema = z.object({
  traces: z.number().int().positive().default(14),
  logs: z.number().int().positive().default(14),
  metrics: z.number().int().positive().default(30),
  events: z.number().int().positive().default(90),
  transactions: z.number().int().positive().default(400),
  self: z.number().int().positive().default(7),
});
export type RetentionConfig = z.infer<typeof RetentionConfigSchema>;
export type TableFamily = keyof RetentionConfig;

export const TokenConfigSchema = z.object({
  name: z.string().min(1),
  /** scrypt hash of the token, hex. */
  hash: z
    .string()
    .regex(/^[0-9a-f]{64}$/, 'expected the 64-hex-character hash printed by `linewatch token create`'),
  salt: z
    .string()
    .regex(/^[0-9a-f]{32}$/, 'expected the 32-hex-character salt printed by `linewatch token create`'),
  scopes: z.array(ScopeSchema).min(1),
  /** Restricts access to these plants; empty means all plants. */
  plants: z.array(z.string().min(1)).default([]),
  /** A person's token or a service account's (connector, middleware runtime, partner, gateway). */
  kind: z.enum(['user', 'service']).default('service'),
  /** For ingest: the systems (`service.name`, event `system`) it may report for; empty means any. */
  systems: z.array(z.string().min(1)).default([]),
});
export type TokenConfig = z.infer<typeof TokenConfigSchema>;

/** One group → role mapping of an OpenID Connect provider: the first role whose group a person has applies. */
export const OidcRoleSchema = z.strictObject({
  /** Any of these values in the groups claim (e.g. `lw-admins`, `lyon-support`). */
  groups: z.array(z.string().min(1)).min(1),
  scopes: z.array(ScopeSchema).min(1),
  /** The plants the role may see and change; empty means all plants. */
  plants: z.array(z.string().min(1)).default([]),
});
export type OidcRole = z.infer<typeof OidcRoleSchema>;

/** A company identity provider people sign in with (authorization code + PKCE). */
export const OidcProviderConfigSchema = z.strictObject({
  /** In the callback address: `/api/v1/auth/oidc/<id>/callback`. */
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, 'lower-case letters, digits, "-" and "_" (it is part of a URL)'),
  /** On the sign-in button: "Sign in with <name>". */
  name: z.string().min(1).max(100),
  /** The issuer URL; its `/.well-known/openid-configuration` is read at start. HTTPS, or http on loopback. */
  issuer: z.url({ protocol: /^https?$/ }),
  clientId: z.string().min(1),
  /** The environment variable that holds the client secret (never the secret itself in the file). */
  clientSecretEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name')
    .optional(),
  scopes: z.array(z.string().min(1)).default(['openid', 'profile', 'email']),
  /** The claim (ID token or userinfo) that lists a person's groups. */
  groupsClaim: z.string().min(1).default('groups'),
  /** Group → scopes and plants, first match wins; a person in none of the groups is refused. */
  roles: z.array(OidcRoleSchema).min(1),
});
export type OidcProviderConfig = z.infer<typeof OidcProviderConfigSchema>;

export const CorrelationConfigSchema = z.object({
  /** How far clocks of different systems may disagree before an ordering is trusted. */
  clockSkew: DurationSchema.default(120_000),
  /** How often the deadline sweep runs. */
  sweepInterval: DurationSchema.default(5_000),
  /**
   * While data arrives behind real time (a backlog replayed), deadlines are judged that far behind;
   * the measured lag lapses after this long without new data.
   */
  ingestLagHold: DurationSchema.default(30_000),
  /** At start, recompute transactions whose events arrived within this window (repairs view writes lost to a crash). */
  repairWindow: DurationSchema.default(6 * 3_600_000),
});
export type CorrelationConfig = z.infer<typeof CorrelationConfigSchema>;

/** The SMTP server e-mail notifications and reports are sent through (nodemailer). */
export const SmtpConfigSchema = z.object({
  host: z.string().min(1),
  port: z.number().int().min(1).max(65535).default(587),
  /** true: TLS from the first byte (port 465); false: STARTTLS when the server offers it. */
  secure: z.boolean().default(false),
  /** Refuse to send unless the connection is upgraded to TLS. */
  requireTLS: z.boolean().default(false),
  user: z.string().min(1).optional(),
  /** Environment variable holding the password (never written in the file). */
  passwordEnv: z
    .string()
    .regex(/^[A-Z_][A-Z0-9_]*$/)
    .default('LINEWATCH_SMTP_PASSWORD'),
  from: z.string().min(3).default('Linewatch <linewatch@localhost>'),
});
export type SmtpConfig = z.infer<typeof SmtpConfigSchema>;

export const AlertingConfigSchema = z.object({
  /** How often the worker evaluates every alert rule. */
  evaluationInterval: DurationSchema.default(30_000),
  smtp: SmtpConfigSchema.optional(),
  delivery: z
    .object({
      /** How often the outbox is polled for notifications due. */
      pollInterval: DurationSchema.default(2_000),
      /** Attempts per notification and channel before it is given up (and the channel's alert fires). */
      maxAttempts: z.number().int().min(1).max(100).default(10),
      /** First retry delay; doubles each attempt up to `backoffCap`. */
      backoffBase: DurationSchema.default(5_000),
      backoffCap: DurationSchema.default(300_000),
      /** Per-attempt timeout of an SMTP or HTTP send. */
      timeout: DurationSchema.default(10_000),
    })
    .prefault({}),
});

export const DemoConfigSchema = z.object({
  enabled: z.boolean().default(false),
  seed: z.number().int().default(42),
  speed: z.number().positive().default(1),
  plants: z.number().int().min(1).max(20).default(3),
});

/** An IANA time zone name such as Europe/Berlin (validated by the runtime's Intl). */
export const TimeZoneSchema = z
  .string()
  .min(1)
  .refine(
    (tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    },
    { message: 'expected an IANA time zone like "Europe/Berlin"' },
  );

/** A plant as alerting and reports see it: its name and the time zone its shifts, windows and weeks use. */
export const PlantConfigSchema = z.object({
  name: z.string().min(1).max(200).optional(),
  timeZone: TimeZoneSchema,
});
export type PlantConfig = z.infer<typeof PlantConfigSchema>;

/** What one caller may ask of the API: requests per minute, time per request, time range per query. */
export const ServerLimitsConfigSchema = z.object({
  /** Per authenticated principal (user, service account, token); ingest (/v1/*) and health probes are exempt. */
  requestsPerMinutePerPrincipal: z.number().int().positive().default(1200),
  /** Per client address, for requests that end without a principal (no credential, or a failed one). */
  requestsPerMinutePerAddress: z.number().int().positive().default(600),
  /** An API request still running after this long is answered 503 `timeout`. */
  requestTimeoutSeconds: z.number().positive().default(30),
  /** The longest time range (`from`/`to`, `window`, a dashboard's `range`) a query may ask for. */
  maxQueryRangeDays: z.number().positive().default(31),
});
export type ServerLimitsConfig = z.infer<typeof ServerLimitsConfigSchema>;

/** Cross-origin access to the API from other web origins: off unless origins are listed. */
export const CorsConfigSchema = z.object({
  /** Exact origins like "https://portal.example.com"; empty: no CORS headers at all. */
  origins: z.array(z.url({ protocol: /^https?$/ }).transform((u) => new URL(u).origin)).default([]),
  /** Allow cookies and Authorization on cross-origin requests from those origins. */
  credentials: z.boolean().default(false),
});
export type CorsConfig = z.infer<typeof CorsConfigSchema>;

export const LinewatchConfigSchema = z.object({
  roles: z.array(RoleSchema).min(1).default(['api', 'collector', 'worker']),
  server: z
    .object({
      host: z.string().default('127.0.0.1'),
      port: z.number().int().min(0).max(65535).default(8080),
      /** Seconds to finish in-flight work on SIGTERM before exiting. */
      shutdownGraceSeconds: z.number().positive().default(10),
      /** HTTPS for the API and UI; plain HTTP when absent. */
      tls: TlsConfigSchema.optional(),
      limits: ServerLimitsConfigSchema.prefault({}),
      cors: CorsConfigSchema.prefault({}),
    })
    .prefault({}),
  log: z
    .object({ level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info') })
    .prefault({}),
  store: StoreConfigSchema.prefault({}),
  retention: RetentionConfigSchema.prefault({}),
  paths: z
    .object({
      flows: z.string().default('./flows'),
      alertRules: z.string().default('./alert-rules'),
      dashboards: z.string().default('./dashboards'),
      web: z.string().default('./apps/web/dist'),
      /** Report definitions (`reports/*.yaml`); default: the `reports` folder beside `flows`. */
      reports: z.string().optional(),
    })
    .prefault({}),
  auth: z
    .object({
      tokens: z.array(TokenConfigSchema).default([]),
      /** Verified client certificates (mTLS) of plant gateways and the service accounts they stand for. */
      clientCertificates: ClientCertificateMappingsSchema,
      /** OpenID Connect providers people sign in with, beside local passwords. */
      oidc: z
        .array(OidcProviderConfigSchema)
        .default([])
        .superRefine((list, ctx) => {
          const seen = new Set<string>();
          list.forEach((p, i) => {
            if (seen.has(p.id))
              ctx.addIssue({ code: 'custom', path: [i, 'id'], message: `"${p.id}" is used twice` });
            seen.add(p.id);
          });
        }),
      /** Cookie sessions of people: ended after `idleTimeout` unused, and `absoluteTimeout` after sign-in. */
      sessions: z
        .strictObject({
          idleTimeout: DurationSchema.default(30 * 60_000),
          absoluteTimeout: DurationSchema.default(12 * 3_600_000),
        })
        .prefault({}),
    })
    .prefault({}),
  collector: CollectorConfigSchema.prefault({}),
  correlation: CorrelationConfigSchema.prefault({}),
  demo: DemoConfigSchema.prefault({}),
  alerting: AlertingConfigSchema.prefault({}),
  /** Plants by id (P01 …): their time zones (maintenance windows, working hours, report weeks). */
  plants: z.record(z.string().min(1).max(128), PlantConfigSchema).default({}),
  /** Time zone of a plant not listed in `plants`. */
  timeZone: TimeZoneSchema.default('UTC'),
  /** Base URL of the web UI as people reach it, for links in alerts and reports. */
  publicUrl: z.url({ protocol: /^https?$/ }).optional(),
});
export type LinewatchConfig = z.infer<typeof LinewatchConfigSchema>;
export type LinewatchConfigInput = z.input<typeof LinewatchConfigSchema>;

/** Formats zod issues as `path: message` lines, prefixed with where they came from. */
export function formatIssues(source: string, error: z.ZodError): string[] {
  return error.issues.map((i) => `${source}: ${i.path.length ? i.path.join('.') : '(root)'}: ${i.message}`);
}
