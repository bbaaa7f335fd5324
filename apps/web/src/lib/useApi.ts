import { keepPreviousData, useQuery, type UseQueryResult } from '@tanstack/react-query';
import { apiGet, type QueryParams, type ResponseSchema } from './api.ts';
import { useLive } from './live.tsx';

/**
 * A live API query: parsed with its schema, refetched on the live interval (paused while the tab
 * is hidden or the user paused), and keeping the last data while new filters load or a refetch fails.
 * @example const q = useApi('/api/v1/flow-health', FlowHealthSchema, { window: '6h' })
 */
export function useApi<T>(
  path: string,
  schema: ResponseSchema<T>,
  params?: QueryParams,
  options: { enabled?: boolean; live?: boolean } = {},
): UseQueryResult<T> {
  const { interval } = useLive();
  return useQuery({
    queryKey: [path, params ?? {}],
    queryFn: ({ signal }) => apiGet(path, schema, params, signal),
    refetchInterval: options.live === false ? false : interval,
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}
