import { useMutation, useQueryClient } from '@tanstack/react-query';
import { DemoScenarioSchema, DemoStateSchema, type DemoScenarioName } from '@linewatch/schema';
import { apiPost } from '../../lib/api.ts';
import { useApi } from '../../lib/useApi.ts';

/** The demo's state: whether the simulator runs, its clock and its fault scenarios. */
export function useDemoState() {
  return useApi('/api/v1/demo/scenarios', DemoStateSchema);
}

/** Switches a fault scenario on (for `duration`, e.g. "10m") or off (operate scope). */
export function useSetScenario() {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (v: { name: DemoScenarioName; active: boolean; duration?: string }) =>
      apiPost('/api/v1/demo/scenarios', v, DemoScenarioSchema),
    onSettled: () => client.invalidateQueries({ queryKey: ['/api/v1/demo/scenarios'] }),
  });
}
