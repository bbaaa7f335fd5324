import { OtlpItemError, OtlpRequestError } from './errors.ts';
import { list } from './otlpValues.ts';
import { resourceContext, scopeContext, type ResourceContext, type ScopeContext } from './resourceContext.ts';
import type { RowsBuilder } from './rowsBuilder.ts';
import { restrictionRefusal, type IngestRestriction, type OtlpResource, type OtlpScope } from './types.ts';

/** Where one signal keeps its items: `resourceSpans[].scopeSpans[].spans[]` and its siblings. */
export interface ScopedItemsShape<I> {
  /** The request message's name, for the error of a request that is not an object. */
  request: string;
  resources: string;
  scopes: string;
  items: string;
  /** How many OTLP items (spans, log records, data points) one entry stands for; 1 when absent. */
  weight?: (item: I) => number;
}

interface ResourceEntry {
  resource?: OtlpResource | null;
  schemaUrl?: string | null;
}
interface ScopeEntry {
  scope?: OtlpScope | null;
  schemaUrl?: string | null;
}

/**
 * Walks the resource → scope → item structure every OTLP export request shares, encoding each
 * resource and scope once, and calls `row` for each item with its scope's path and its index. A wrong structure at the
 * request level throws OtlpRequestError (400); an invalid resource, scope or item is refused with
 * the items under it (OTLP partial success) and the rest of the request is kept. So is a resource
 * whose `service.name` or `biz.plant` the sender's credential may not report for (`restriction`).
 */
export function forEachScopedItem<I>(
  request: unknown,
  shape: ScopedItemsShape<I>,
  out: RowsBuilder,
  row: (item: I, res: ResourceContext, scope: ScopeContext, scopePath: string, index: number) => void,
  restriction?: IngestRestriction,
): void {
  if (request == null || typeof request !== 'object')
    throw new OtlpRequestError(`expected an ${shape.request} object`);
  const resources = (request as Record<string, unknown>)[shape.resources];
  if (resources == null) return;
  if (!Array.isArray(resources)) throw new OtlpRequestError(`${shape.resources}: expected an array`);
  const weigh = (items: unknown): number => {
    if (!Array.isArray(items)) return 0;
    if (!shape.weight) return items.length;
    let n = 0;
    for (const item of items) n += item != null && typeof item === 'object' ? shape.weight(item as I) : 1;
    return n;
  };
  for (let r = 0; r < resources.length; r++) {
    const entry = resources[r] as (ResourceEntry & Record<string, unknown>) | null | undefined;
    const rPath = `${shape.resources}[${r}]`;
    let res: ResourceContext;
    let scopes: (ScopeEntry & Record<string, unknown>)[];
    try {
      if (entry == null || typeof entry !== 'object')
        throw new OtlpRequestError(`${rPath}: expected an object`);
      res = resourceContext(entry.resource, entry.schemaUrl);
      const refusal = restrictionRefusal(restriction, res.serviceName, res.biz?.['biz.plant']);
      if (refusal)
        throw new OtlpItemError(
          refusal.field === 'system' ? 'resource.attributes[service.name]' : 'resource.attributes[biz.plant]',
          refusal.message,
        );
      scopes = list(entry[shape.scopes] as (ScopeEntry & Record<string, unknown>)[], shape.scopes);
    } catch (e) {
      if (e instanceof OtlpRequestError) throw e;
      const scopeList = entry?.[shape.scopes];
      const n = Array.isArray(scopeList)
        ? scopeList.reduce<number>(
            (a, s) => a + weigh((s as Record<string, unknown> | null)?.[shape.items]),
            0,
          )
        : 0;
      out.reject(rPath, e, n || 1);
      continue;
    }
    for (let s = 0; s < scopes.length; s++) {
      const scopeEntry = scopes[s];
      const sPath = `${rPath}.${shape.scopes}[${s}]`;
      let scope: ScopeContext;
      let items: I[];
      try {
        if (scopeEntry == null || typeof scopeEntry !== 'object')
          throw new OtlpRequestError(`${sPath}: expected an object`);
        scope = scopeContext(scopeEntry.scope, scopeEntry.schemaUrl);
        items = list(scopeEntry[shape.items] as I[], shape.items);
      } catch (e) {
        if (e instanceof OtlpRequestError) throw e;
        out.reject(sPath, e, weigh(scopeEntry?.[shape.items]) || 1);
        continue;
      }
      for (let i = 0; i < items.length; i++) {
        const item = items[i];
        try {
          if (item === null || typeof item !== 'object' || Array.isArray(item))
            throw new OtlpItemError('(item)', `expected an object, got ${describeJson(item)}`);
          row(item, res, scope, sPath, i);
        } catch (e) {
          // The path is built only for a refused item: building it for each span cost measurably.
          out.reject(`${sPath}.${shape.items}[${i}]`, asItemError(e));
        }
      }
    }
  }
}

/** What a JSON value is, for a message: `null`, `an array`, `a string`. */
function describeJson(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return `a ${typeof v}`;
}

/**
 * An item whose reading failed in a way no check foresaw (a TypeError deep in a malformed value) is
 * refused like any other invalid item: answering the whole request 503 would make the sender retry
 * the same bytes for ever.
 */
function asItemError(e: unknown): unknown {
  if (e instanceof TypeError || e instanceof RangeError)
    return new OtlpItemError('(item)', `could not be read: ${e.message}`);
  return e;
}
