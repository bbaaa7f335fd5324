import { QueryClient } from '@tanstack/react-query';
import { ApiRequestError } from './lib/api.ts';

/** The app's query client: a few retries for transient failures, none for answers that will not change. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        retry: (count, error) => {
          if (error instanceof ApiRequestError && error.status >= 400 && error.status < 500) return false;
          if (error instanceof ApiRequestError && error.code === 'bad_response') return false;
          return count < 2;
        },
      },
    },
  });
}
