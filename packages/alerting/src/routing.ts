import type { RouteNode, WorkingHours } from '@linewatch/schema';
import { matches } from './matchers.ts';

export interface RouteDefaults {
  groupBy: string[];
  groupWait: number;
  groupInterval: number;
  repeatInterval: number;
}

export interface RouteMatch {
  contacts: string[];
  groupBy: string[];
  groupWait: number;
  groupInterval: number;
  repeatInterval: number;
  escalation: { after: number; contacts: string[] }[];
  /** Child indexes from the root, e.g. `0.2`; '' for the root itself. */
  path: string;
}

type Inherited = Omit<RouteMatch, 'path' | 'contacts'> & { contacts: string[] };

function inherit(parent: Inherited, node: RouteNode): Inherited {
  return {
    contacts: node.contacts.length > 0 ? node.contacts : parent.contacts,
    groupBy: node.groupBy ?? parent.groupBy,
    groupWait: node.groupWait ?? parent.groupWait,
    groupInterval: node.groupInterval ?? parent.groupInterval,
    repeatInterval: node.repeatInterval ?? parent.repeatInterval,
    escalation: node.escalation ?? parent.escalation,
  };
}

function walk(
  labels: Record<string, string>,
  node: RouteNode,
  parent: Inherited,
  path: string,
): RouteMatch[] {
  if (!matches(labels, node.matchers)) return [];
  const settings = inherit(parent, node);
  const found: RouteMatch[] = [];
  for (const [i, child] of node.routes.entries()) {
    const childMatches = walk(labels, child, settings, path === '' ? `${i}` : `${path}.${i}`);
    found.push(...childMatches);
    // Alertmanager: the first matching child ends the search unless it sets `continue`.
    if (childMatches.length > 0 && !child.continue) break;
  }
  return found.length > 0 ? found : [{ ...settings, path }];
}

/** The routes an alert follows (Alertmanager semantics), with settings inherited from parents. */
export function routeAlert(
  labels: Record<string, string>,
  root: RouteNode,
  defaults: RouteDefaults,
): RouteMatch[] {
  // The root matches every alert, whatever its matchers say (as in Alertmanager).
  return walk(labels, { ...root, matchers: [] }, { ...defaults, contacts: [], escalation: [] }, '');
}

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function localParts(tz: string, now: number): { day: number; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: tz,
    weekday: 'short',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(now));
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  const day = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'].indexOf(get('weekday')) + 1;
  return { day, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** True when `now` falls in the working hours, in `hours.timeZone` or else `tz`. */
export function withinWorkingHours(hours: WorkingHours, tz: string, now: number): boolean {
  const { day, minute } = localParts(hours.timeZone ?? tz, now);
  const from = minutes(hours.from);
  const to = minutes(hours.to);
  if (from < to) return hours.days.includes(day) && minute >= from && minute < to;
  // Overnight span (22:00–06:00): the early part belongs to the span that began the day before.
  const previousDay = day === 1 ? 7 : day - 1;
  return (hours.days.includes(day) && minute >= from) || (hours.days.includes(previousDay) && minute < to);
}
