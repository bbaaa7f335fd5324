import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestStore, type TestStore } from '@linewatch/store';
import { activeSilences, createSilence, expireSilence, listSilences } from './silenceStore.ts';

const T0 = Date.UTC(2026, 11, 9, 10, 0);
const H = 3_600_000;
let store: TestStore;

beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store.drop();
});

describe('silence store', () => {
  it('keeps silences in force between start and end, scoped by plant, and expires them', async () => {
    const p02 = await createSilence(store, {
      matchers: [{ label: 'plant', op: '=', value: 'P02' }],
      startsAt: T0,
      endsAt: T0 + H,
      createdBy: 'ana',
      comment: 'MES upgrade',
      now: T0,
    });
    const later = await createSilence(store, {
      matchers: [{ label: 'flow', op: '=', value: 'shipment_notice' }],
      startsAt: T0 + 2 * H,
      endsAt: T0 + 3 * H,
      createdBy: 'ana',
      comment: 'carrier maintenance',
      now: T0,
    });
    expect((await activeSilences(store, T0 - 1)).map((s) => s.id)).toEqual([]);
    expect((await activeSilences(store, T0 + 1000)).map((s) => s.id)).toEqual([p02.id]);
    expect((await activeSilences(store, T0 + H)).map((s) => s.id)).toEqual([]);
    expect((await activeSilences(store, T0 + 2 * H)).map((s) => s.id)).toEqual([later.id]);

    // A P01 caller sees neither (one is P02's, the other spans every plant); a P02 caller sees its own.
    expect(await listSilences(store, { since: T0, plants: ['P01'] })).toEqual([]);
    expect((await listSilences(store, { since: T0, plants: ['P02'] })).map((s) => s.id)).toEqual([p02.id]);
    expect((await listSilences(store, { since: T0, plants: [] })).map((s) => s.id)).toEqual([
      later.id,
      p02.id,
    ]);
    // Ended before `since`: no longer listed.
    expect((await listSilences(store, { since: T0 + H + 1, plants: [] })).map((s) => s.id)).toEqual([
      later.id,
    ]);

    expect(await expireSilence(store, { id: p02.id, now: T0 + 60_000, plants: ['P01'] })).toBeUndefined();
    const expired = await expireSilence(store, { id: p02.id, now: T0 + 60_000, plants: ['P02'] });
    expect(expired?.endsAt).toBe(T0 + 60_000);
    expect((await activeSilences(store, T0 + 120_000)).map((s) => s.id)).toEqual([]);
    expect((await listSilences(store, { since: T0, plants: [] })).find((s) => s.id === p02.id)?.endsAt).toBe(
      T0 + 60_000,
    );
  });
});
