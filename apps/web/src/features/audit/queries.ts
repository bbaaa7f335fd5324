import { useInfiniteQuery } from '@tanstack/react-query';
import { apiGet } from '../../lib/api.ts';
import { any, array, nullable, object, schemaOf, str, text } from '../../lib/shape.ts';

/** One recorded change or sign-in, as GET /api/v1/audit answers it. */
export interface AuditRecord {
  id: string;
  time: string;
  principal: { id: string; kind: string; name: string };
  /** e.g. `alert.acknowledge`, `silence.create`, `token.revoke`, `auth.sign_in`. */
  action: string;
  target: string;
  plant: string;
  address: string;
  /** `ok`, `denied` or `failed`. */
  outcome: string;
  before: unknown;
  after: unknown;
  detail: string;
}

/** A page of the audit trail, newest first. */
export interface AuditPage {
  entries: AuditRecord[];
  nextCursor: string | null;
}

export const AuditPageSchema = schemaOf<AuditPage>(
  object<AuditPage>({
    entries: array(
      object<AuditRecord>({
        id: str,
        time: str,
        principal: object<AuditRecord['principal']>({ id: str, kind: str, name: str }),
        action: str,
        target: text,
        plant: text,
        address: text,
        outcome: str,
        before: any,
        after: any,
        detail: text,
      }),
    ),
    nextCursor: nullable(str),
  }),
);

/** The audit filters: RFC 3339 times, a principal id or name, an action prefix, an outcome. */
export interface AuditFilters {
  from: string;
  to: string;
  principal: string;
  action: string;
  outcome: string;
}

export const AUDIT_PAGE_SIZE = 50;

/**
 * The audit trail with its filters, a page at a time ("load more" follows nextCursor). Not on the
 * live interval: refetching would reload every page shown; the view has a Refresh button.
 */
export function useAuditLog(filters: AuditFilters) {
  return useInfiniteQuery({
    queryKey: ['/api/v1/audit', filters],
    queryFn: ({ pageParam, signal }) =>
      apiGet(
        '/api/v1/audit',
        AuditPageSchema,
        { ...filters, limit: AUDIT_PAGE_SIZE, cursor: pageParam },
        signal,
      ),
    initialPageParam: '',
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  });
}
