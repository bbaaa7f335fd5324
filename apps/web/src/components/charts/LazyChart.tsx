import { lazy, Suspense } from 'react';
import type { ChartProps } from './TimeSeriesChart.tsx';

const TimeSeriesChart = lazy(() => import('./TimeSeriesChart.tsx'));

/** A chart whose code (recharts) loads only when a view first draws one, keeping the entry chunk small. */
export function Chart(props: ChartProps) {
  return (
    <Suspense fallback={<div className="skeleton" style={{ height: props.height ?? '14rem' }} />}>
      <TimeSeriesChart {...props} />
    </Suspense>
  );
}
export type { ChartProps };
