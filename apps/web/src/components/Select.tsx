/** A labelled select whose first option means "all". */
export function Select({
  label,
  value,
  options,
  onChange,
  allLabel = 'All',
}: {
  label: string;
  value: string;
  options: readonly (string | { value: string; label: string })[];
  onChange: (value: string) => void;
  allLabel?: string | null;
}) {
  const opts = options.map((o) => (typeof o === 'string' ? { value: o, label: o } : o));
  if (value && !opts.some((o) => o.value === value)) opts.push({ value, label: value });
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        {allLabel !== null && <option value="">{allLabel}</option>}
        {opts.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}
