import { describe, expect, it } from 'vitest';
import { matches } from './matchers.ts';

describe('matches', () => {
  it('applies equality, inequality and anchored regex matchers', () => {
    const labels = { plant: 'p01', tier: 'P1' };
    expect(matches(labels, [{ label: 'plant', op: '=', value: 'p01' }])).toBe(true);
    expect(matches(labels, [{ label: 'plant', op: '!=', value: 'p01' }])).toBe(false);
    expect(matches(labels, [{ label: 'plant', op: '=~', value: 'p0' }])).toBe(false);
    expect(matches(labels, [{ label: 'plant', op: '=~', value: 'p0.' }])).toBe(true);
    expect(matches(labels, [{ label: 'tier', op: '!~', value: 'P[23]' }])).toBe(true);
  });

  it('treats a missing label as the empty string', () => {
    expect(matches({}, [{ label: 'flow', op: '=', value: '' }])).toBe(true);
    expect(matches({}, [{ label: 'flow', op: '!=', value: 'x' }])).toBe(true);
  });

  it('never matches an invalid regex', () => {
    expect(matches({ a: 'x' }, [{ label: 'a', op: '=~', value: '(' }])).toBe(false);
    expect(matches({ a: 'x' }, [{ label: 'a', op: '!~', value: '(' }])).toBe(false);
  });
});
