import type { Matcher } from '@linewatch/schema';

/** True when every matcher holds for the labels (a missing label is ''; an invalid regex never matches). */
export function matches(labels: Record<string, string>, matchers: Matcher[]): boolean {
  return matchers.every((m) => {
    const value = labels[m.label] ?? '';
    switch (m.op) {
      case '=':
        return value === m.value;
      case '!=':
        return value !== m.value;
      case '=~':
      case '!~': {
        let re: RegExp;
        try {
          // Alertmanager anchors regex matchers to the whole value.
          re = new RegExp(`^(?:${m.value})$`);
        } catch {
          return false;
        }
        return m.op === '=~' ? re.test(value) : !re.test(value);
      }
    }
  });
}
