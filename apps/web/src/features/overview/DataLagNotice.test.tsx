import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { DataLagNotice } from './DataLagNotice.tsx';

describe('data lag notice', () => {
  it('says how far behind a replayed backlog is', () => {
    render(<DataLagNotice lagMs={42 * 60_000} />);
    expect(screen.getByRole('status', { name: 'Data lag' }).textContent).toContain(
      'the newest data is 42m behind',
    );
  });

  it('stays away while data is live', () => {
    render(<DataLagNotice lagMs={4_000} />);
    expect(screen.queryByRole('status', { name: 'Data lag' })).toBeNull();
  });
});
