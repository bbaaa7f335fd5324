export interface GroupAlert {
  id: string;
  state: 'firing' | 'resolved';
  fingerprint: string;
}

export interface GroupState {
  key: string;
  alerts: GroupAlert[];
  firstSeenAt: number;
  lastNotifiedAt?: number | undefined;
  lastNotifiedHash?: string | undefined;
  groupWait: number;
  groupInterval: number;
  repeatInterval: number;
}

export type NotifyReason = 'first' | 'changed' | 'repeat' | 'resolved';

export interface GroupNotification {
  key: string;
  reason: NotifyReason;
  hash: string;
}

/** A stable key for the labels named by `groupBy` (sorted; missing labels are ''). */
export function groupKey(labels: Record<string, string>, groupBy: string[]): string {
  return JSON.stringify([...new Set(groupBy)].sort().map((l) => [l, labels[l] ?? '']));
}

/** A deterministic hash of a group's alert set and their states. */
export function groupHash(alerts: GroupAlert[]): string {
  return alerts
    .map((a) => `${a.fingerprint}:${a.state}`)
    .sort()
    .join(',');
}

function wasFiring(hash: string | undefined): boolean {
  return hash !== undefined && hash.split(',').some((p) => p.endsWith(':firing'));
}

/** Which groups notify at `now` and why. */
export function planGroupNotifications(groups: GroupState[], now: number): GroupNotification[] {
  const plan: GroupNotification[] = [];
  for (const g of groups) {
    const hash = groupHash(g.alerts);
    const allResolved = g.alerts.length > 0 && g.alerts.every((a) => a.state === 'resolved');
    if (g.lastNotifiedAt === undefined) {
      if (!allResolved && now - g.firstSeenAt >= g.groupWait)
        plan.push({ key: g.key, reason: 'first', hash });
      continue;
    }
    const since = now - g.lastNotifiedAt;
    if (allResolved) {
      if (wasFiring(g.lastNotifiedHash) && since >= g.groupInterval) {
        plan.push({ key: g.key, reason: 'resolved', hash });
      }
    } else if (hash !== g.lastNotifiedHash) {
      if (since >= g.groupInterval) plan.push({ key: g.key, reason: 'changed', hash });
    } else if (since >= g.repeatInterval) {
      plan.push({ key: g.key, reason: 'repeat', hash });
    }
  }
  return plan;
}
