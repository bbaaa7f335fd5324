import type { SpanRow } from '@linewatch/schema';
import { formatMs } from '../../lib/format.ts';

/** The spans of the traces linked to a transaction on one waterfall, grouped by trace. */
export function SpanWaterfall({ spans }: { spans: readonly SpanRow[] }) {
  const total = Math.max(1, ...spans.map((s) => s.offsetMs + s.durationMs));
  const traces = [...new Set(spans.map((s) => s.traceId))];
  return (
    <div aria-label="Span waterfall">
      {traces.map((t) => (
        <div key={t} style={{ marginBottom: '0.6rem' }}>
          <div className="small muted mono">trace {t}</div>
          {spans
            .filter((s) => s.traceId === t)
            .map((s) => (
              <div key={s.spanId} className="waterfall-row" title={s.statusMessage ?? undefined}>
                <span className="name" style={{ paddingLeft: `${Math.min(s.depth, 12) * 0.8}rem` }}>
                  <strong>{s.service}</strong> {s.name}
                </span>
                <span className="bar-track">
                  <span
                    className={`bar${s.statusCode === 'Error' ? ' error' : ''}`}
                    style={{
                      left: `${(s.offsetMs / total) * 100}%`,
                      width: `${Math.max(0.3, (s.durationMs / total) * 100)}%`,
                    }}
                  />
                </span>
                <span className="num small" style={{ textAlign: 'right' }}>
                  {formatMs(s.durationMs)}
                </span>
              </div>
            ))}
        </div>
      ))}
    </div>
  );
}
