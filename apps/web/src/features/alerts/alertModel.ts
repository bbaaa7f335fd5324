import type { Alert, CreateSilenceBody, Tier } from '@linewatch/schema';

// Pure helpers of the alert views: which alerts stand on their own, what state to show, and the
// silence a person builds from an alert or a form.

export const TIERS: readonly Tier[] = ['P1', 'P2', 'P3', 'P4'];

export const TIER_MEANING: Record<Tier, string> = {
  P1: 'production stopped or about to',
  P2: 'production or shipping at risk, inventory or finance distorted',
  P3: 'degraded, no business effect yet',
  P4: 'information',
};

/** What a person sees as the alert's state: silenced and acknowledged override firing. */
export function shownState(a: Pick<Alert, 'state' | 'silencedBy' | 'acknowledgedBy'>): string {
  if (a.state === 'resolved') return 'resolved';
  if (a.silencedBy) return 'silenced';
  if (a.acknowledgedBy) return 'acknowledged';
  return a.state;
}

/**
 * The alerts to list on their own: every alert except a symptom whose cause is in the same list
 * (it is shown under its cause instead).
 */
export function standalone(items: readonly Alert[]): Alert[] {
  const ids = new Set(items.map((a) => a.id));
  return items.filter((a) => !a.cause || !ids.has(a.cause.id));
}

/** What an alert is about, in a few words: flow, queue, system or poller, and the plant. */
export function subjectOf(a: Pick<Alert, 'flow' | 'node' | 'labels' | 'plant'>): string {
  const what =
    a.flow ??
    (a.node?.startsWith('messaging:') ? `queue ${a.node.slice('messaging:'.length)}` : a.node) ??
    (a.labels.poller ? `poller ${a.labels.poller}` : a.labels.contact ? `contact ${a.labels.contact}` : '');
  return [what, a.plant].filter(Boolean).join(' · ');
}

/** One matcher row of the silence form. */
export interface MatcherRow {
  label: string;
  op: '=' | '!=' | '=~' | '!~';
  value: string;
}

/** The labels that identify an alert, as matchers: its rule and the labels it was evaluated for. */
export function matchersFromAlert(a: Pick<Alert, 'rule' | 'labels' | 'plant'>): MatcherRow[] {
  const rows: MatcherRow[] = [{ label: 'alertname', op: '=', value: a.rule }];
  const keys = ['plant', 'flow', 'system', 'queue', 'poller', 'contact', 'channel'];
  const labels: Record<string, string> = { ...a.labels, ...(a.plant ? { plant: a.plant } : {}) };
  for (const k of keys) {
    const v = labels[k];
    if (v) rows.push({ label: k, op: '=', value: v });
  }
  return rows;
}

/** The body of POST /api/v1/silences from the form, or what is wrong with it (naming the field). */
export function buildSilence(
  form: { matchers: readonly MatcherRow[]; durationMinutes: number; comment: string },
  now: number,
): { ok: true; body: CreateSilenceBody } | { ok: false; error: string } {
  const matchers = form.matchers.filter((m) => m.label.trim() || m.value.trim());
  if (!matchers.length) return { ok: false, error: 'matchers: add at least one (for example plant = P02)' };
  const blank = matchers.findIndex((m) => !m.label.trim());
  if (blank >= 0) return { ok: false, error: `matchers ${blank + 1}: the label is empty` };
  for (const [i, m] of matchers.entries())
    if (m.op === '=~' || m.op === '!~')
      try {
        new RegExp(m.value);
      } catch {
        return { ok: false, error: `matchers ${i + 1}: "${m.value}" is not a valid regular expression` };
      }
  if (!Number.isFinite(form.durationMinutes) || form.durationMinutes <= 0)
    return { ok: false, error: 'duration: must be more than 0 minutes' };
  if (!form.comment.trim())
    return { ok: false, error: 'comment: say why (shown to everyone who sees the alert)' };
  return {
    ok: true,
    body: {
      matchers: matchers.map((m) => ({ label: m.label.trim(), op: m.op, value: m.value })),
      endsAt: new Date(now + form.durationMinutes * 60_000).toISOString(),
      comment: form.comment.trim(),
    },
  };
}
