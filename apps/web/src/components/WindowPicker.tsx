/** The time windows offered everywhere; the value is a duration the API parses. */
export const WINDOWS = ['15m', '1h', '6h', '24h', '7d'] as const;

/** A segmented control choosing the time window ("last 6h"). */
export function WindowPicker({
  value,
  onChange,
  options = WINDOWS,
}: {
  value: string;
  onChange: (w: string) => void;
  options?: readonly string[];
}) {
  return (
    <div className="segmented" role="group" aria-label="Time window">
      {options.map((w) => (
        <button key={w} type="button" aria-pressed={value === w} onClick={() => onChange(w)}>
          {w}
        </button>
      ))}
    </div>
  );
}
