import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router';

/**
 * Filters, time range and selection live in the URL, so every view is a shareable link.
 * Returns the current values (defaults for absent keys) and a setter that patches them;
 * a value equal to its default or empty is removed from the URL.
 * @example const [f, setF] = useUrlState({ window: '6h', plant: '' })
 */
export function useUrlState<K extends string>(
  defaults: Readonly<Record<K, string>>,
): [
  Record<K, string>,
  (patch: Partial<Record<K, string | undefined>>, options?: { push?: boolean }) => void,
] {
  const [params, setParams] = useSearchParams();
  // Call sites pass a literal: its content, not its identity, decides when values change.
  const key = JSON.stringify(defaults);
  const stable = useMemo(() => JSON.parse(key) as Record<K, string>, [key]);
  const values = useMemo(() => {
    const out = {} as Record<K, string>;
    for (const k of Object.keys(stable) as K[]) out[k] = params.get(k) ?? stable[k];
    return out;
  }, [params, stable]);
  const set = useCallback(
    (patch: Partial<Record<K, string | undefined>>, options?: { push?: boolean }) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(patch) as [K, string | undefined][]) {
            if (v === undefined || v === '' || v === stable[k]) next.delete(k);
            else next.set(k, v);
          }
          return next;
        },
        { replace: !options?.push },
      );
    },
    [setParams, stable],
  );
  return [values, set];
}

/** A search string built from values, leaving out empty ones (for links to filtered views). */
export function toSearch(values: Readonly<Record<string, string | number | undefined | null>>): string {
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(values))
    if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `?${s}` : '';
}
