import { formatMs } from '../../lib/format.ts';

/** A backlog is being replayed: says how far behind the data is and what that means for deadlines. */
export function DataLagNotice({ lagMs }: { lagMs: number }) {
  // A few seconds is live traffic (senders batch); a minute or more is a backlog catching up.
  if (lagMs < 60_000) return null;
  return (
    <div className="notice warn" role="status" aria-label="Data lag">
      Catching up on a backlog: the newest data is {formatMs(lagMs)} behind. Deadlines are judged at that
      point, so a step goes missing only once the replay has passed its deadline.
    </div>
  );
}
