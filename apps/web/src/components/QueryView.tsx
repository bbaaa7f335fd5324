import type { UseQueryResult } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { ApiRequestError, describeError } from '../lib/api.ts';
import { formatTime } from '../lib/format.ts';

interface QueryViewProps<T> {
  query: UseQueryResult<T>;
  /** What is being loaded, for the loading and error texts ("flow health"). */
  what: string;
  /** True when the data has nothing to show. */
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
  /** Height of the loading placeholder. */
  skeletonHeight?: string;
}

/**
 * The loading, error and empty states of one API query. When a refetch fails the last data stays
 * visible under a notice that says what failed and how old the data is.
 */
export function QueryView<T>({ query, what, isEmpty, empty, children, skeletonHeight }: QueryViewProps<T>) {
  if (query.isPending)
    return (
      <div role="status" aria-live="polite" aria-label={`loading ${what}`}>
        <div className="skeleton" style={skeletonHeight ? { height: skeletonHeight } : undefined} />
        <span className="sr-only">Loading {what}…</span>
      </div>
    );
  if (query.isError && query.data === undefined)
    return (
      <div className="state error" role="alert">
        <div>
          <strong>Could not load {what}.</strong>
        </div>
        <div className="small">{describeError(query.error)}</div>
        {query.error instanceof ApiRequestError && query.error.status === 403 && (
          <div className="small">
            Your account may not see this: ask an administrator for the scope or plant it needs.
          </div>
        )}
        <button type="button" onClick={() => void query.refetch()} style={{ marginTop: '0.5rem' }}>
          Retry
        </button>
      </div>
    );
  const data = query.data as T;
  return (
    <>
      {query.isError && <StaleNotice what={what} error={query.error} updatedAt={query.dataUpdatedAt} />}
      {isEmpty?.(data) ? <div className="state">{empty ?? `No ${what} in this range.`}</div> : children(data)}
    </>
  );
}

/** "Could not refresh X: why — showing data from 12:01:33". */
export function StaleNotice({ what, error, updatedAt }: { what: string; error: unknown; updatedAt: number }) {
  return (
    <div className="notice" role="alert">
      <strong>Could not refresh {what}</strong>: {describeError(error)}.{' '}
      <span className="muted">Showing data from {formatTime(new Date(updatedAt).toISOString())}.</span>
    </div>
  );
}
