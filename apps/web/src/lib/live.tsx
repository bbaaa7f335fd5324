import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';

const LIVE_KEY = 'linewatch.live';

interface LiveState {
  live: boolean;
  setLive: (live: boolean) => void;
  /** Refetch interval for live views, or false when paused. */
  interval: number | false;
}

const LiveContext = createContext<LiveState>({ live: true, setLive: () => undefined, interval: 15_000 });

function readLive(): boolean {
  try {
    return localStorage.getItem(LIVE_KEY) !== 'paused';
  } catch {
    return true;
  }
}

/**
 * Live refresh on or off for the whole app (remembered in this browser). Refetching also pauses
 * by itself while the tab is hidden: react-query only refetches on an interval in the foreground.
 */
export function LiveProvider({
  children,
  intervalMs = 15_000,
}: {
  children: ReactNode;
  intervalMs?: number;
}) {
  const [live, setLiveState] = useState(readLive);
  const setLive = useCallback((v: boolean) => {
    setLiveState(v);
    try {
      localStorage.setItem(LIVE_KEY, v ? 'live' : 'paused');
    } catch {
      // private mode: the choice lasts for this page only
    }
  }, []);
  const value = useMemo(
    () => ({ live, setLive, interval: live ? intervalMs : (false as const) }),
    [live, setLive, intervalMs],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

/** The live-refresh state: whether views refetch, and at what interval. */
export function useLive(): LiveState {
  return useContext(LiveContext);
}
