import { QueueSeriesListSchema } from '@linewatch/schema';
import { QueryView } from '../../components/QueryView.tsx';
import { Select } from '../../components/Select.tsx';
import { WindowPicker } from '../../components/WindowPicker.tsx';
import { Chart } from '../../components/charts/LazyChart.tsx';
import { formatCount, formatMs, formatTime } from '../../lib/format.ts';
import { useApi } from '../../lib/useApi.ts';
import { useUrlState } from '../../lib/urlState.ts';
import { byDepth, queueChartRows, queueLabel, topQueues } from './queueSeries.ts';

/** Queues: depth and oldest-message age over time per queue and plant, with failed scrapes marked. */
export default function QueuesPage() {
  const [f, setF] = useUrlState({ window: '6h', plant: '', queue: '', system: '' });
  const q = useApi('/api/v1/queues', QueueSeriesListSchema, {
    window: f.window,
    plant: f.plant,
    queue: f.queue,
    system: f.system,
  });
  const all = q.data?.queues ?? [];
  const uniq = (xs: string[]) => [...new Set(xs.filter(Boolean))].sort();
  return (
    <>
      <div className="page-head">
        <div>
          <h1>Queues</h1>
          <div className="muted small">
            Depth and age of the oldest message, as the pollers report them. Shaded bands are failed scrapes.
          </div>
        </div>
        <div className="filters" style={{ marginBottom: 0 }}>
          <Select
            label="Plant"
            value={f.plant}
            options={uniq(all.map((x) => x.plant))}
            onChange={(plant) => setF({ plant })}
          />
          <Select
            label="System"
            value={f.system}
            options={uniq(all.map((x) => x.system))}
            onChange={(system) => setF({ system })}
          />
          <Select
            label="Queue"
            value={f.queue}
            options={uniq(all.map((x) => x.queue))}
            onChange={(queue) => setF({ queue })}
          />
          <WindowPicker value={f.window} onChange={(window) => setF({ window })} />
        </div>
      </div>
      <QueryView
        query={q}
        what="queue series"
        isEmpty={(d) => d.queues.length === 0 && d.scrapeFailures.length === 0}
        empty="No queue metrics in this range. Configure pollers (RabbitMQ, NATS, Odoo queue_job) under collector.pollers."
      >
        {(d) => {
          const bands = d.scrapeFailures.map((s) => ({ from: s.from, to: s.to, label: `${s.poller} down` }));
          const depth = queueChartRows(topQueues(d.queues, 'depth'), 'depth');
          const age = queueChartRows(topQueues(d.queues, 'oldestAgeSeconds'), 'oldestAgeSeconds');
          const shown =
            d.queues.length > 8 ? (
              <div className="small muted">
                The 8 highest of {d.queues.length} queues; filter by plant, system or queue for the others.
              </div>
            ) : null;
          return (
            <div className="grid">
              <section className="card span-6" aria-labelledby="depth-h">
                <h2 id="depth-h">Depth</h2>
                {shown}
                <Chart
                  data={depth.data}
                  x="time"
                  keys={depth.keys}
                  unit="count"
                  bands={bands}
                  height="18rem"
                  label="Queue depth over time per queue"
                />
              </section>
              <section className="card span-6" aria-labelledby="age-h">
                <h2 id="age-h">Oldest message age</h2>
                {shown}
                <Chart
                  data={age.data}
                  x="time"
                  keys={age.keys}
                  unit="s"
                  bands={bands}
                  height="18rem"
                  label="Age of the oldest message over time per queue"
                />
              </section>
              <section className="card span-8" aria-labelledby="ql-h">
                <h2 id="ql-h">Queues</h2>
                <table className="data">
                  <thead>
                    <tr>
                      <th>Queue</th>
                      <th>System</th>
                      <th>Plant</th>
                      <th className="num">Depth now</th>
                      <th className="num">Max depth</th>
                      <th className="num">Oldest message</th>
                      <th className="num">Reported</th>
                    </tr>
                  </thead>
                  <tbody>
                    {byDepth(d.queues).map((x) => (
                      <tr key={queueLabel(x)}>
                        <td className="mono">{x.queue}</td>
                        <td>{x.system}</td>
                        <td>{x.plant}</td>
                        <td className="num">{formatCount(x.latest?.depth)}</td>
                        <td className="num">{formatCount(x.maxDepth)}</td>
                        <td className="num">
                          {x.latest?.oldestAgeSeconds === null || x.latest === null
                            ? '–'
                            : formatMs(x.latest.oldestAgeSeconds * 1000)}
                        </td>
                        <td className="num">{formatTime(x.latest?.time)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </section>
              <section className="card span-4" aria-labelledby="sf-h">
                <h2 id="sf-h">Failed scrapes</h2>
                {d.scrapeFailures.length === 0 ? (
                  <div className="state">Every scrape succeeded.</div>
                ) : (
                  <table className="data">
                    <thead>
                      <tr>
                        <th>Poller</th>
                        <th>Plant</th>
                        <th>From</th>
                        <th>To</th>
                        <th className="num">Failed</th>
                      </tr>
                    </thead>
                    <tbody>
                      {d.scrapeFailures.map((s) => (
                        <tr key={`${s.poller}|${s.from}`}>
                          <td>
                            {s.poller} <span className="small muted">{s.pollerType}</span>
                          </td>
                          <td>{s.plant}</td>
                          <td>{formatTime(s.from)}</td>
                          <td>{formatTime(s.to)}</td>
                          <td className="num">{s.count}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
            </div>
          );
        }}
      </QueryView>
    </>
  );
}
