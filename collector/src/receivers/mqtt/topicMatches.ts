/**
 * True when an MQTT topic matches a subscription filter (`+` one level, `#` the rest; a
 * `$share/<group>/` prefix is ignored; topics starting with `$` never match a leading wildcard).
 */
export function topicMatches(filter: string, topic: string): boolean {
  const f = (filter.startsWith('$share/') ? filter.split('/').slice(2).join('/') : filter).split('/');
  const t = topic.split('/');
  if (topic.startsWith('$') && (f[0] === '+' || f[0] === '#')) return false;
  for (let i = 0; i < f.length; i++) {
    if (f[i] === '#') return true;
    if (i >= t.length) return false;
    if (f[i] !== '+' && f[i] !== t[i]) return false;
  }
  return f.length === t.length;
}
