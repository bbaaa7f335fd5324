import { OtlpItemError } from './errors.ts';
import { encodeAttributes, str, uint } from './otlpValues.ts';
import type { OtlpResource, OtlpScope } from './types.ts';

/** What every row of one resource shares, encoded once. */
export interface ResourceContext {
  serviceName: string;
  serviceNameJson: string;
  attributesJson: string;
  /** `biz.*` resource attributes (e.g. `biz.plant` set once for a connector). */
  biz: Record<string, string> | undefined;
  /** The schema URL of the resource's entry (ResourceSpans, ResourceLogs …) as JSON text. */
  schemaUrlJson: string;
}

/** Encodes a resource (and its entry's schema URL) once for all its spans, data points or log records. */
export function resourceContext(
  resource: OtlpResource | null | undefined,
  schemaUrl?: string | null,
): ResourceContext {
  if (resource != null && typeof resource !== 'object')
    throw new OtlpItemError('resource', 'expected an object');
  const attributes = resource?.attributes;
  const encoded = encodeAttributes(attributes, 'resource.attributes');
  let serviceName = '';
  if (Array.isArray(attributes)) {
    for (const kv of attributes)
      if (kv?.key === 'service.name')
        serviceName = str(kv.value?.stringValue, 'resource.attributes[service.name]');
  }
  return {
    serviceName,
    serviceNameJson: JSON.stringify(serviceName),
    attributesJson: encoded.json,
    biz: encoded.biz,
    schemaUrlJson: JSON.stringify(str(schemaUrl, 'schemaUrl')),
  };
}

/** What every row of one instrumentation scope shares, encoded once. */
export interface ScopeContext {
  nameJson: string;
  versionJson: string;
  attributesJson: string;
  droppedAttributesCount: number;
  /** The schema URL of the scope's entry (ScopeSpans, ScopeLogs …) as JSON text. */
  schemaUrlJson: string;
}

/** Encodes an instrumentation scope (and its entry's schema URL) once for all its items. */
export function scopeContext(scope: OtlpScope | null | undefined, schemaUrl?: string | null): ScopeContext {
  return {
    nameJson: JSON.stringify(str(scope?.name, 'scope.name')),
    versionJson: JSON.stringify(str(scope?.version, 'scope.version')),
    attributesJson: encodeAttributes(scope?.attributes, 'scope.attributes').json,
    droppedAttributesCount: uint(scope?.droppedAttributesCount, 'scope.droppedAttributesCount'),
    schemaUrlJson: JSON.stringify(str(schemaUrl, 'schemaUrl')),
  };
}
