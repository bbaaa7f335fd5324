// An alert's lifecycle as a pure function of its previous state and one evaluation: pending while the
// condition has held for less than the rule's `for`, firing after, and resolved once the condition
// has been clear for `keepFiringFor` (a firing alert whose condition flickers off keeps firing, so a
// flapping condition notifies once). Acknowledgement does not change the state; it is kept beside it.

/** The state of one alert (one rule × one label set), as stored between evaluations. */
export interface AlertLifecycle {
  state: 'pending' | 'firing' | 'resolved';
  /** When the condition was first seen active in this episode. */
  activeSince: number;
  firedAt: number | undefined;
  /** When the condition was last seen active. */
  lastActiveAt: number;
  resolvedAt: number | undefined;
}

/** A state change caused by one evaluation, to be recorded in the alert's history. */
export interface Transition {
  from: AlertLifecycle['state'] | 'none';
  to: AlertLifecycle['state'];
  at: number;
}

/** The rule's timing. */
export interface LifecycleTiming {
  forMs: number;
  keepFiringForMs: number;
}

/**
 * Advances one alert by one evaluation at `now`: `active` says whether the rule's condition holds for
 * its labels. Returns the next state (undefined when there is nothing to keep: never active, or a
 * pending alert whose condition cleared) and the transition, if any.
 * @example advanceAlert(undefined, true, { forMs: 0, keepFiringForMs: 0 }, now).next?.state // 'firing'
 */
export function advanceAlert(
  prev: AlertLifecycle | undefined,
  active: boolean,
  timing: LifecycleTiming,
  now: number,
): { next: AlertLifecycle | undefined; transition: Transition | undefined } {
  const open = prev && prev.state !== 'resolved' ? prev : undefined;
  if (active) {
    if (!open) {
      const fires = timing.forMs <= 0;
      const next: AlertLifecycle = {
        state: fires ? 'firing' : 'pending',
        activeSince: now,
        firedAt: fires ? now : undefined,
        lastActiveAt: now,
        resolvedAt: undefined,
      };
      return { next, transition: { from: prev ? prev.state : 'none', to: next.state, at: now } };
    }
    if (open.state === 'pending' && now - open.activeSince >= timing.forMs) {
      return {
        next: { ...open, state: 'firing', firedAt: now, lastActiveAt: now },
        transition: { from: 'pending', to: 'firing', at: now },
      };
    }
    return { next: { ...open, lastActiveAt: now }, transition: undefined };
  }
  if (!open) return { next: prev, transition: undefined };
  if (open.state === 'pending')
    return {
      next: { ...open, state: 'resolved', resolvedAt: now },
      transition: { from: 'pending', to: 'resolved', at: now },
    };
  if (now - open.lastActiveAt >= timing.keepFiringForMs)
    return {
      next: { ...open, state: 'resolved', resolvedAt: now },
      transition: { from: 'firing', to: 'resolved', at: now },
    };
  return { next: open, transition: undefined };
}
