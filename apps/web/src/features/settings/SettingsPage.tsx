import { useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { getToken, setToken } from '../../lib/api.ts';

/** Settings: the API token this browser sends (servers with auth); nothing else is stored. */
export default function SettingsPage() {
  const [value, setValue] = useState(getToken() ?? '');
  const [saved, setSaved] = useState(false);
  const client = useQueryClient();
  return (
    <>
      <h1>Settings</h1>
      <section className="card" style={{ maxWidth: '40rem' }}>
        <h2>API token</h2>
        <p className="small muted">
          On a server with tokens configured, paste a token with the <code>read</code> scope (create one with{' '}
          <code>linewatch token create --scope read</code>). It is kept in this browser's local storage. On a
          local server without tokens, leave it empty.
        </p>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            setToken(value);
            setSaved(true);
            void client.invalidateQueries();
          }}
        >
          <label htmlFor="token" className="sr-only">
            Token
          </label>
          <input
            id="token"
            type="password"
            autoComplete="off"
            value={value}
            onChange={(e) => {
              setValue(e.target.value);
              setSaved(false);
            }}
            style={{ width: '100%' }}
            placeholder="lw_…"
          />
          <div style={{ marginTop: '0.5rem', display: 'flex', gap: '0.5rem', alignItems: 'center' }}>
            <button type="submit" className="primary">
              Save
            </button>
            {saved && (
              <span role="status" className="small">
                Saved.
              </span>
            )}
          </div>
        </form>
      </section>
    </>
  );
}
