import { describe, expect, it } from 'vitest';
import { escalationDue } from './escalation.ts';

const steps = [
  { after: 600_000, contacts: ['lead'] },
  { after: 1_800_000, contacts: ['manager'] },
];

describe('escalationDue', () => {
  it('returns the next step once its delay passed for an unacknowledged P1', () => {
    expect(escalationDue({ tier: 'P1', firedAt: 0, escalatedSteps: 0 }, steps, 599_999)).toBeUndefined();
    expect(escalationDue({ tier: 'P1', firedAt: 0, escalatedSteps: 0 }, steps, 600_000)).toBe(0);
    expect(escalationDue({ tier: 'P1', firedAt: 0, escalatedSteps: 1 }, steps, 1_800_000)).toBe(1);
    expect(escalationDue({ tier: 'P1', firedAt: 0, escalatedSteps: 2 }, steps, 9e9)).toBeUndefined();
  });

  it('stops escalating once the alert is acknowledged, and never escalates below P1', () => {
    expect(
      escalationDue({ tier: 'P1', firedAt: 0, acknowledgedAt: 1, escalatedSteps: 0 }, steps, 9e9),
    ).toBeUndefined();
    expect(escalationDue({ tier: 'P2', firedAt: 0, escalatedSteps: 0 }, steps, 9e9)).toBeUndefined();
  });
});
