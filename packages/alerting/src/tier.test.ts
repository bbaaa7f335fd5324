import { describe, expect, it } from 'vitest';
import { classifyTier, mostSevere, type TierInput } from './tier.ts';

const input = (over: Partial<TierInput>): TierInput => ({
  ruleKind: 'flow',
  condition: 'missing',
  criticality: 'production',
  flows: ['production_confirmation'],
  plants: 1,
  transactions: 3,
  firingForMs: 0,
  ...over,
});

describe('classifyTier', () => {
  it('makes a failing notification channel P2 whatever it serves, within rule bounds', () => {
    const t = classifyTier(
      input({ ruleKind: 'delivery', condition: 'delivery', criticality: null, flows: [] }),
    );
    expect(t).toMatchObject({ tier: 'P2' });
    expect(t.reason).toContain('alerts are not reaching their contacts');
    expect(
      classifyTier(input({ ruleKind: 'delivery', condition: 'delivery', criticality: null, floor: 'P1' }))
        .tier,
    ).toBe('P1');
  });

  it('makes a production flow missing or failing at a plant P1', () => {
    expect(classifyTier(input({})).tier).toBe('P1');
    expect(classifyTier(input({ condition: 'failed' })).tier).toBe('P1');
    expect(classifyTier(input({ condition: 'burn_page', ruleKind: 'slo_burn' })).tier).toBe('P1');
  });

  it('makes a silent connector that a production flow depends on P1, naming the flow', () => {
    const t = classifyTier(input({ ruleKind: 'connector', condition: 'silence' }));
    expect(t.tier).toBe('P1');
    expect(t.reason).toContain('production flow production_confirmation');
  });

  it('makes late or duplicate production transactions and a slow production consumer P2', () => {
    expect(classifyTier(input({ condition: 'late' })).tier).toBe('P2');
    expect(classifyTier(input({ condition: 'duplicate' })).tier).toBe('P2');
    expect(classifyTier(input({ ruleKind: 'queue', condition: 'oldest_age' })).tier).toBe('P2');
  });

  it('makes missing shipments or quality holds and distorted inventory or finance P2', () => {
    for (const criticality of ['shipping', 'quality', 'inventory', 'finance'] as const)
      expect(classifyTier(input({ criticality })).tier).toBe('P2');
    expect(classifyTier(input({ criticality: 'inventory', condition: 'duplicate' })).tier).toBe('P2');
  });

  it('makes a climbing queue or a late non-production flow P3', () => {
    expect(classifyTier(input({ ruleKind: 'queue', condition: 'growing' })).tier).toBe('P3');
    expect(classifyTier(input({ criticality: 'shipping', condition: 'late' })).tier).toBe('P3');
    expect(classifyTier(input({ ruleKind: 'queue', condition: 'depth', criticality: null })).tier).toBe('P3');
  });

  it('makes informational flows and query rules without a flow P4', () => {
    expect(classifyTier(input({ criticality: 'informational' })).tier).toBe('P4');
    expect(classifyTier(input({ ruleKind: 'query', condition: 'query', criticality: null })).tier).toBe('P4');
  });

  it('raises a P3 to P2 when it hits three plants, 50 transactions or lasts an hour, and says why', () => {
    const broad = classifyTier(input({ criticality: 'shipping', condition: 'late', plants: 3 }));
    expect(broad).toMatchObject({ tier: 'P2' });
    expect(broad.reason).toContain('3 plants hit');
    expect(classifyTier(input({ criticality: 'shipping', condition: 'late', transactions: 50 })).tier).toBe(
      'P2',
    );
    expect(
      classifyTier(input({ criticality: 'shipping', condition: 'late', firingForMs: 3_600_000 })).tier,
    ).toBe('P2');
  });

  it('applies a rule’s floor and ceiling', () => {
    expect(classifyTier(input({ criticality: 'informational', floor: 'P2' }))).toMatchObject({ tier: 'P2' });
    const capped = classifyTier(input({ ceiling: 'P3' }));
    expect(capped.tier).toBe('P3');
    expect(capped.reason).toContain('ceiling P3');
  });

  it('picks the more severe of two tiers', () => {
    expect(mostSevere('P3', 'P1')).toBe('P1');
  });
});
