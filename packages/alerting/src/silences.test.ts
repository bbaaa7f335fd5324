import { describe, expect, it } from 'vitest';
import type { MaintenanceWindow } from '@linewatch/schema';
import { activeSilence, activeWindow, maintenanceWindowAt, nextWindowOccurrence } from './silences.ts';

const t = (iso: string) => Date.parse(iso);
const H = 3_600_000;
const sunday2h: MaintenanceWindow = { id: 'p01_sunday', plants: ['p01'], cron: '0 2 * * 0', duration: 4 * H };

describe('activeSilence', () => {
  it('returns the silence whose matchers match while it is active', () => {
    const s = {
      id: 's1',
      matchers: [{ label: 'plant', op: '=' as const, value: 'p01' }],
      startsAt: 10,
      endsAt: 20,
      createdBy: 'a',
      comment: '',
    };
    expect(activeSilence({ plant: 'p01' }, [s], 15)).toBe('s1');
    expect(activeSilence({ plant: 'p01' }, [s], 20)).toBeUndefined();
    expect(activeSilence({ plant: 'p02' }, [s], 15)).toBeUndefined();
  });
});

describe('maintenanceWindowAt', () => {
  it('opens the P01 Sunday 02:00–06:00 Europe/Paris window in local time', () => {
    // 2026-12-06 is a Sunday in CET (UTC+1): 02:00 local is 01:00Z.
    expect(maintenanceWindowAt(sunday2h, 'Europe/Paris', t('2026-12-06T01:00:00Z'))).toEqual({
      start: t('2026-12-06T01:00:00Z'),
      end: t('2026-12-06T05:00:00Z'),
    });
    expect(maintenanceWindowAt(sunday2h, 'Europe/Paris', t('2026-12-06T04:59:59Z'))).toBeDefined();
    expect(maintenanceWindowAt(sunday2h, 'Europe/Paris', t('2026-12-06T05:00:00Z'))).toBeUndefined();
    expect(maintenanceWindowAt(sunday2h, 'Europe/Paris', t('2026-12-06T00:59:59Z'))).toBeUndefined();
  });

  it('starts at 03:00 CEST when 02:00 is skipped on 2026-03-29 in Europe/Berlin and lasts 4 real hours', () => {
    // croner moves the nonexistent 02:00 to 03:00 CEST (01:00Z); the duration is elapsed time.
    const w = maintenanceWindowAt(sunday2h, 'Europe/Berlin', t('2026-03-29T02:00:00Z'));
    expect(w).toEqual({ start: t('2026-03-29T01:00:00Z'), end: t('2026-03-29T05:00:00Z') });
    expect(maintenanceWindowAt(sunday2h, 'Europe/Berlin', t('2026-03-29T00:59:59Z'))).toBeUndefined();
  });

  it('starts at the first 02:00 (CEST) on 2026-10-25 in Europe/Berlin and lasts 4 real hours', () => {
    // 02:00 happens twice; croner takes the first (00:00Z), so the window ends at 05:00 CET (04:00Z).
    const w = maintenanceWindowAt(sunday2h, 'Europe/Berlin', t('2026-10-25T01:30:00Z'));
    expect(w).toEqual({ start: t('2026-10-25T00:00:00Z'), end: t('2026-10-25T04:00:00Z') });
    expect(maintenanceWindowAt(sunday2h, 'Europe/Berlin', t('2026-10-25T04:00:00Z'))).toBeUndefined();
  });
});

describe('activeWindow and nextWindowOccurrence', () => {
  it('finds the open window for the plant in its time zone', () => {
    const tz = () => 'Europe/Paris';
    expect(activeWindow('p01', [sunday2h], tz, t('2026-12-06T02:00:00Z'))).toBe('p01_sunday');
    expect(activeWindow('p02', [sunday2h], tz, t('2026-12-06T02:00:00Z'))).toBeUndefined();
    expect(activeWindow(undefined, [sunday2h], tz, t('2026-12-06T02:00:00Z'))).toBeUndefined();
  });

  it('returns the current occurrence, or else the next one', () => {
    expect(nextWindowOccurrence(sunday2h, 'Europe/Paris', t('2026-12-06T02:00:00Z'))?.start).toBe(
      t('2026-12-06T01:00:00Z'),
    );
    expect(nextWindowOccurrence(sunday2h, 'Europe/Paris', t('2026-12-07T00:00:00Z'))).toEqual({
      start: t('2026-12-13T01:00:00Z'),
      end: t('2026-12-13T05:00:00Z'),
    });
  });
});
