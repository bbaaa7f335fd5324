import { describe, expect, it } from 'vitest';
import { advanceAlert, type AlertLifecycle } from './lifecycle.ts';

const MIN = 60_000;
const T0 = Date.UTC(2026, 11, 7, 8, 0);

/** Runs a sequence of evaluations one minute apart and returns the states and transitions. */
function run(actives: boolean[], timing = { forMs: 2 * MIN, keepFiringForMs: 3 * MIN }) {
  let state: AlertLifecycle | undefined;
  const seen: string[] = [];
  const transitions: string[] = [];
  actives.forEach((active, i) => {
    const { next, transition } = advanceAlert(state, active, timing, T0 + i * MIN);
    state = next;
    seen.push(state?.state ?? '-');
    if (transition) transitions.push(`${transition.from}->${transition.to}@${i}`);
  });
  return { seen, transitions, state };
}

describe('advanceAlert', () => {
  it('fires at once when the rule has no pending time', () => {
    const { seen } = run([true], { forMs: 0, keepFiringForMs: 0 });
    expect(seen).toEqual(['firing']);
  });

  it('stays pending until the condition has held for the rule’s `for`', () => {
    const { seen, transitions, state } = run([true, true, true]);
    expect(seen).toEqual(['pending', 'pending', 'firing']);
    expect(transitions).toEqual(['none->pending@0', 'pending->firing@2']);
    expect(state?.firedAt).toBe(T0 + 2 * MIN);
    expect(state?.activeSince).toBe(T0);
  });

  it('drops a pending alert whose condition clears before `for` without firing', () => {
    const { seen, transitions } = run([true, false, false]);
    expect(seen).toEqual(['pending', 'resolved', 'resolved']);
    expect(transitions).toEqual(['none->pending@0', 'pending->resolved@1']);
  });

  it('keeps a flapping alert firing for keepFiringFor, so it fires and resolves once', () => {
    const { transitions } = run([true, true, true, false, true, false, false, true, false, false, false]);
    expect(transitions).toEqual(['none->pending@0', 'pending->firing@2', 'firing->resolved@10']);
  });

  it('resolves once the condition has been clear for keepFiringFor', () => {
    const { seen, state } = run([true, true, true, false, false, false]);
    expect(seen).toEqual(['pending', 'pending', 'firing', 'firing', 'firing', 'resolved']);
    expect(state?.resolvedAt).toBe(T0 + 5 * MIN);
  });

  it('starts a new episode when a resolved alert becomes active again', () => {
    const { transitions, state } = run([true, true, true, false, false, false, true], {
      forMs: 0,
      keepFiringForMs: 0,
    });
    expect(transitions).toEqual(['none->firing@0', 'firing->resolved@3', 'resolved->firing@6']);
    expect(state?.activeSince).toBe(T0 + 6 * MIN);
  });

  it('keeps nothing for a condition that was never active', () => {
    expect(run([false, false]).seen).toEqual(['-', '-']);
  });
});
