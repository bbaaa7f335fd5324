import { z } from 'zod';

/**
 * Dashboards as code: `dashboards/*.yaml|json` define pages of panels over the named,
 * parameterised queries the server exposes (`GET /api/v1/queries/:name`). The browser never
 * sends SQL: a panel names a query and the parameter values, and the server builds the SQL.
 */

const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'expected lowercase letters, digits, "-" or "_" (like "plant-shift")')
  .max(64);

/** The kind of value a named query parameter takes; the server parses it before any SQL is built. */
export const QueryParamTypeSchema = z.enum(['string', 'duration', 'int']);
export type QueryParamType = z.infer<typeof QueryParamTypeSchema>;

/** One parameter a named query accepts. */
export const NamedQueryParamSchema = z.object({
  name: z.string(),
  type: QueryParamTypeSchema,
  description: z.string(),
  /** Empty values mean "no filter" for optional parameters. */
  required: z.boolean(),
  default: z.union([z.string(), z.number()]).optional(),
});
export type NamedQueryParam = z.infer<typeof NamedQueryParamSchema>;

/** The kind of a result column: `time` columns are ISO strings (UTC), `number` columns are numbers. */
export const QueryColumnTypeSchema = z.enum(['time', 'string', 'number']);
export type QueryColumnType = z.infer<typeof QueryColumnTypeSchema>;

export const QueryColumnSchema = z.object({
  name: z.string(),
  type: QueryColumnTypeSchema,
  /** How the UI formats the value: a count, milliseconds, a percentage (0–100), seconds, bytes. */
  unit: z.enum(['count', 'ms', 's', 'percent', 'bytes']).optional(),
});
export type QueryColumn = z.infer<typeof QueryColumnSchema>;

/** What `GET /api/v1/queries` lists for each named query. */
export const NamedQueryInfoSchema = z.object({
  name: z.string(),
  description: z.string(),
  params: z.array(NamedQueryParamSchema),
  columns: z.array(QueryColumnSchema),
});
export type NamedQueryInfo = z.infer<typeof NamedQueryInfoSchema>;

export const NamedQueryListSchema = z.object({ queries: z.array(NamedQueryInfoSchema) });
export type NamedQueryList = z.infer<typeof NamedQueryListSchema>;

/** A cell of a query result. */
export const QueryCellSchema = z.union([z.string(), z.number(), z.null()]);
export type QueryCell = z.infer<typeof QueryCellSchema>;

/** The answer of `GET /api/v1/queries/:name`. */
export const QueryResultSchema = z.object({
  name: z.string(),
  columns: z.array(QueryColumnSchema),
  rows: z.array(z.record(z.string(), QueryCellSchema)),
  /** The parameter values used after defaults were applied. */
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  tookMs: z.number(),
});
export type QueryResult = z.infer<typeof QueryResultSchema>;

/** The panel kinds the UI draws. */
export const PanelTypeSchema = z.enum(['timeseries', 'bar', 'stat', 'table']);
export type PanelType = z.infer<typeof PanelTypeSchema>;

/** A panel: one named query drawn one way. Parameter values may reference variables as `$name`. */
export const PanelSchema = z
  .object({
    title: z.string().min(1).max(120),
    description: z.string().max(500).optional(),
    type: PanelTypeSchema,
    query: z.string().min(1),
    params: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
    /** The x axis column (time series: a `time` column; bar: a category column). */
    x: z.string().optional(),
    /** The value columns drawn (time series, bar, stat); a stat panel shows the first row's first y. */
    y: z.array(z.string()).min(1).optional(),
    /** Time series and bar: a column whose values split the y column into one series each. */
    series: z.string().optional(),
    /** Table: the columns shown, in order (all columns when omitted). */
    columns: z.array(z.string()).min(1).optional(),
    /** Width in grid columns of a 12-column grid. */
    width: z.number().int().min(2).max(12).default(6),
    /** Stat: a threshold above which the value is shown as bad (e.g. a failure rate). */
    warnAbove: z.number().optional(),
  })
  .superRefine((p, ctx) => {
    if ((p.type === 'timeseries' || p.type === 'bar') && (!p.x || !p.y))
      ctx.addIssue({ code: 'custom', path: ['x'], message: `a ${p.type} panel needs "x" and "y"` });
    if (p.type === 'stat' && !p.y)
      ctx.addIssue({ code: 'custom', path: ['y'], message: 'a stat panel needs "y"' });
    if (p.series && p.type !== 'timeseries' && p.type !== 'bar')
      ctx.addIssue({
        code: 'custom',
        path: ['series'],
        message: 'only time series and bar panels split by "series"',
      });
  });
export type Panel = z.infer<typeof PanelSchema>;
export type PanelInput = z.input<typeof PanelSchema>;

/** A dashboard variable: a value the viewer picks (kept in the URL) that panels use as `$name`. */
export const DashboardVariableSchema = z.object({
  name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a lowercase identifier like "plant"'),
  label: z.string().min(1).max(60),
  default: z.string().default(''),
  /** Values offered in a picker; free text when omitted. */
  options: z.array(z.string()).optional(),
});
export type DashboardVariable = z.infer<typeof DashboardVariableSchema>;

/** A dashboard file (`dashboards/<id>.yaml`); the id is the file name without extension. */
export const DashboardFileSchema = z.object({
  title: z.string().min(1).max(120),
  description: z.string().max(1000).optional(),
  /** Who the page is for, shown under the title. */
  audience: z.string().max(120).optional(),
  variables: z.array(DashboardVariableSchema).default([]),
  panels: z.array(PanelSchema).min(1, 'a dashboard needs at least one panel'),
});
export type DashboardFile = z.infer<typeof DashboardFileSchema>;
export type DashboardFileInput = z.input<typeof DashboardFileSchema>;

/** A loaded dashboard as the API returns it. */
export const DashboardSchema = DashboardFileSchema.extend({ id: slug });
export type Dashboard = z.infer<typeof DashboardSchema>;

/** `GET /api/v1/dashboards`: the pages, without their panels. */
export const DashboardListSchema = z.object({
  dashboards: z.array(
    z.object({
      id: slug,
      title: z.string(),
      description: z.string().optional(),
      audience: z.string().optional(),
      panels: z.number().int(),
    }),
  ),
});
export type DashboardList = z.infer<typeof DashboardListSchema>;

/** The file name of a dashboard without its extension, if it is a valid dashboard id. */
export const DashboardIdSchema = slug;

/**
 * Replaces `$name` references in a panel's parameter values with the variables' current values.
 * @example resolvePanelParams({ plant: '$plant', range: '6h' }, { plant: 'lyon' }) // { plant: 'lyon', range: '6h' }
 */
export function resolvePanelParams(
  params: Readonly<Record<string, string | number>>,
  variables: Readonly<Record<string, string>>,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(params)) {
    out[k] =
      typeof v === 'string'
        ? v.replace(/\$([a-z][a-z0-9_]*)/g, (m, name: string) => variables[name] ?? m)
        : v;
  }
  return out;
}

/** The variable names a panel's parameter values reference (`$plant` → `plant`). */
export function referencedVariables(params: Readonly<Record<string, string | number>>): string[] {
  const names = new Set<string>();
  for (const v of Object.values(params))
    if (typeof v === 'string') for (const m of v.matchAll(/\$([a-z][a-z0-9_]*)/g)) names.add(m[1] as string);
  return [...names];
}
