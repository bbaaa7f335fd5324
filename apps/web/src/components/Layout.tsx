import { Suspense, useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { NavLink, useLocation, useNavigate } from 'react-router';
import { useIsFetching } from '@tanstack/react-query';
import { useLive } from '../lib/live.tsx';
import { useTheme } from '../lib/theme.ts';
import { useDemoState } from '../features/demo/queries.ts';
import { isAdmin, useAuth } from '../features/auth/AuthProvider.tsx';
import { UserMenu } from '../features/auth/UserMenu.tsx';

const NAV: { to: string; label: string; end?: boolean }[] = [
  { to: '/', label: 'Overview', end: true },
  { to: '/alerts', label: 'Alerts' },
  { to: '/transactions', label: 'Transactions' },
  { to: '/map', label: 'Dependency map' },
  { to: '/queues', label: 'Queues' },
  { to: '/unmatched', label: 'Unmatched' },
  { to: '/collector', label: 'Collector' },
  { to: '/dashboards', label: 'Dashboards' },
  { to: '/reports', label: 'Reports' },
];

function Logo() {
  return (
    <svg viewBox="0 0 32 32" aria-hidden="true">
      <rect width="32" height="32" rx="6" fill="#0f172a" />
      <path
        d="M4 20h6l3-9 5 14 3-8h7"
        fill="none"
        stroke="#22c55e"
        strokeWidth="3"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </svg>
  );
}

/** The search box: any business key, trace id or event id. "/" focuses it from anywhere. */
export function SearchBox() {
  const navigate = useNavigate();
  const location = useLocation();
  const [q, setQ] = useState(() =>
    location.pathname === '/search' ? (new URLSearchParams(location.search).get('q') ?? '') : '',
  );
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (e.key === '/' && !['INPUT', 'SELECT', 'TEXTAREA'].includes(target?.tagName ?? '')) {
        e.preventDefault();
        input.current?.focus();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const text = q.trim();
    if (text) void navigate(`/search?q=${encodeURIComponent(text)}`);
  };
  return (
    <form className="search-form" role="search" onSubmit={submit}>
      <label htmlFor="global-search" className="sr-only">
        Search a business key, trace id or event id
      </label>
      <input
        id="global-search"
        ref={input}
        type="search"
        placeholder="Search key, trace id, event id  ( / )"
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
    </form>
  );
}

/** The app shell: top bar with navigation, search, live refresh, theme and who is signed in; the page below. */
export function Layout({ children }: { children: ReactNode }) {
  const { live, setLive } = useLive();
  const [theme, toggleTheme] = useTheme();
  const fetching = useIsFetching();
  const demo = useDemoState();
  const { principal } = useAuth();
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand" aria-label="Linewatch overview">
          <Logo /> Linewatch
        </NavLink>
        <nav className="nav" aria-label="Views">
          {NAV.map((n) => (
            <NavLink key={n.to} to={n.to} end={n.end}>
              {n.label}
            </NavLink>
          ))}
          {isAdmin(principal) && <NavLink to="/audit">Audit</NavLink>}
          {demo.data?.running && <NavLink to="/demo">Demo</NavLink>}
        </nav>
        <span className="spacer" />
        <div className="toolbar">
          <SearchBox />
          <button
            type="button"
            onClick={() => setLive(!live)}
            aria-pressed={live}
            title={live ? 'Live: refreshing every 15 s while this tab is visible' : 'Paused'}
          >
            <span className={`live-dot${live ? '' : ' paused'}`} aria-hidden="true" />
            {live ? 'Live' : 'Paused'}
            <span className="sr-only">{fetching > 0 ? ' (refreshing)' : ''}</span>
          </button>
          <button
            type="button"
            onClick={toggleTheme}
            aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`}
          >
            {theme === 'dark' ? '☀' : '☾'}
          </button>
          <UserMenu />
          <NavLink to="/settings" aria-label="Settings" className="small">
            ⚙
          </NavLink>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        <Suspense
          fallback={
            <div role="status" aria-label="loading view">
              <div className="skeleton" />
            </div>
          }
        >
          {children}
        </Suspense>
      </main>
    </div>
  );
}
