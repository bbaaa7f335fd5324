import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  AlertDetailSchema,
  AlertListSchema,
  SilenceListSchema,
  SilenceSchema,
  type CreateSilenceBody,
} from '@linewatch/schema';
import { apiDelete, apiPost } from '../../lib/api.ts';
import { useApi } from '../../lib/useApi.ts';

/** Alerts with filters (state, tier, plant, flow, rule), and the open ones by tier. */
export function useAlerts(filters: { state: string; tier: string; plant: string; flow?: string }) {
  return useApi('/api/v1/alerts', AlertListSchema, { ...filters, limit: 200 });
}

/** The open alerts by tier only (the overview's counts). */
export function useAlertCounts(plant: string) {
  return useApi('/api/v1/alerts', AlertListSchema, { state: 'open', plant, limit: 1 });
}

/** One alert with its history and deliveries. */
export function useAlert(id: string) {
  return useApi(`/api/v1/alerts/${encodeURIComponent(id)}`, AlertDetailSchema);
}

/** Silences and maintenance windows. */
export function useSilences() {
  return useApi('/api/v1/silences', SilenceListSchema);
}

const refreshAlerts = (client: ReturnType<typeof useQueryClient>) =>
  Promise.all([
    client.invalidateQueries({ queryKey: ['/api/v1/silences'] }),
    client.invalidateQueries({
      predicate: (q) => typeof q.queryKey[0] === 'string' && q.queryKey[0].startsWith('/api/v1/alerts'),
    }),
  ]);

/** Acknowledges an alert with a comment (operate scope). */
export function useAcknowledge(id: string) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (comment: string) =>
      apiPost(`/api/v1/alerts/${encodeURIComponent(id)}/ack`, { comment }, AlertDetailSchema),
    onSettled: () => refreshAlerts(client),
  });
}

/** Creates a silence (operate scope). */
export function useCreateSilence() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateSilenceBody) => apiPost('/api/v1/silences', body, SilenceSchema),
    onSettled: () => refreshAlerts(client),
  });
}

/** Expires a silence now (operate scope). */
export function useExpireSilence() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => apiDelete(`/api/v1/silences/${encodeURIComponent(id)}`, SilenceSchema),
    onSettled: () => refreshAlerts(client),
  });
}
