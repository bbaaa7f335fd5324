import type { ReactNode } from 'react';
import {
  Area,
  AreaChart,
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceArea,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatTime, formatValue } from '../../lib/format.ts';
import { PALETTE, type ChartRow } from './pivot.ts';

export interface ChartProps {
  data: ChartRow[];
  x: string;
  keys: string[];
  /** line: values; area: stacked volumes; bar: categories on x. */
  kind?: 'line' | 'area' | 'bar';
  unit?: string;
  /** x holds RFC 3339 times. */
  timeX?: boolean;
  /** Fixed colours per series key. */
  colors?: Record<string, string>;
  height?: string;
  /** Screen-reader summary of the chart. */
  label: string;
  /** Display names of series keys (legend and tooltip). */
  names?: Record<string, string>;
  /** Time ranges to shade (RFC 3339), e.g. failed scrapes; time charts only. */
  bands?: { from: string; to: string; label: string }[];
}

const X_MS = '__x_ms';
const axisTick = { fill: 'var(--text-muted)', fontSize: '0.75rem' };

/** A recharts time series, stacked area or bar chart in the app's theme (lazy-loaded with recharts). */
export default function TimeSeriesChart({
  data,
  x,
  keys,
  kind = 'line',
  unit,
  timeX = true,
  colors,
  height,
  label,
  bands,
  names,
}: ChartProps) {
  const color = (k: string, i: number) => colors?.[k] ?? PALETTE[i % PALETTE.length];
  // Time axes are numeric (epoch ms) so that gaps keep their width and bands can sit between points.
  // Bars stay on a category axis (one bar per bucket).
  const numericX = timeX && kind !== 'bar';
  const rows = numericX ? data.map((r) => ({ ...r, [X_MS]: Date.parse(String(r[x])) })) : data;
  const iso = (v: unknown) => new Date(Number(v)).toISOString();
  const xFormat = (v: unknown) =>
    numericX
      ? formatTime(iso(v)).replace(/:\d\d$/, '')
      : timeX
        ? formatTime(String(v)).replace(/:\d\d$/, '')
        : String(v);
  const yFormat = (v: unknown) => formatValue(Number(v), unit);
  const common = {
    data: rows,
    margin: { top: 5, right: 10, bottom: 0, left: 0 },
  };
  const children = [
    <CartesianGrid key="g" stroke="var(--chart-grid)" strokeDasharray="3 3" vertical={false} />,
    numericX ? (
      <XAxis
        key="x"
        dataKey={X_MS}
        type="number"
        scale="time"
        domain={['dataMin', 'dataMax']}
        tick={axisTick}
        tickFormatter={xFormat}
        minTickGap={24}
        stroke="var(--border)"
      />
    ) : (
      <XAxis
        key="x"
        dataKey={x}
        tick={axisTick}
        tickFormatter={xFormat}
        minTickGap={8}
        stroke="var(--border)"
      />
    ),
    ...(numericX && bands
      ? bands.map((b, i) => (
          <ReferenceArea
            key={`band${i}`}
            x1={Date.parse(b.from)}
            x2={Date.parse(b.to)}
            fill="var(--failing)"
            fillOpacity={0.15}
            stroke="var(--failing)"
            strokeOpacity={0.4}
            label={{ value: b.label, fill: 'var(--failing)', fontSize: 10, position: 'insideTop' }}
            ifOverflow="extendDomain"
          />
        ))
      : []),
    <YAxis
      key="y"
      tick={axisTick}
      tickFormatter={yFormat}
      width={unit === 'bytes' ? 72 : 56}
      stroke="var(--border)"
      allowDecimals={unit !== 'count'}
    />,
    <Tooltip
      key="t"
      labelFormatter={(v: ReactNode) => {
        const text = typeof v === 'string' || typeof v === 'number' ? String(v) : '';
        return numericX ? formatTime(iso(text)) : timeX ? formatTime(text) : text;
      }}
      formatter={(v) => yFormat(v)}
      contentStyle={{
        background: 'var(--bg-raised)',
        border: '1px solid var(--border)',
        color: 'var(--text)',
      }}
    />,
    keys.length > 1 ? <Legend key="l" wrapperStyle={{ fontSize: '0.8rem' }} /> : null,
  ];
  return (
    <div className="chart-box" style={height ? { height } : undefined} role="img" aria-label={label}>
      <ResponsiveContainer width="100%" height="100%">
        {kind === 'bar' ? (
          <BarChart {...common}>
            {children}
            {keys.map((k, i) => (
              <Bar
                key={k}
                name={names?.[k] ?? k}
                dataKey={k}
                fill={color(k, i)}
                stackId={keys.length > 1 ? 's' : undefined}
                isAnimationActive={false}
              />
            ))}
          </BarChart>
        ) : kind === 'area' ? (
          <AreaChart {...common}>
            {children}
            {keys.map((k, i) => (
              <Area
                key={k}
                name={names?.[k] ?? k}
                type="monotone"
                dataKey={k}
                stackId="s"
                stroke={color(k, i)}
                fill={color(k, i)}
                fillOpacity={0.35}
                isAnimationActive={false}
              />
            ))}
          </AreaChart>
        ) : (
          <LineChart {...common}>
            {children}
            {keys.map((k, i) => (
              <Line
                key={k}
                name={names?.[k] ?? k}
                type="monotone"
                dataKey={k}
                stroke={color(k, i)}
                dot={false}
                strokeWidth={2}
                connectNulls
                isAnimationActive={false}
              />
            ))}
          </LineChart>
        )}
      </ResponsiveContainer>
    </div>
  );
}
