import { lazy } from 'react';
import { Link, Route, Routes } from 'react-router';
import { Layout } from './components/Layout.tsx';
import OverviewPage from './features/overview/OverviewPage.tsx';
import TransactionsPage from './features/transactions/TransactionsPage.tsx';
import SearchPage from './features/transactions/SearchPage.tsx';
import TransactionPage from './features/transaction-detail/TransactionPage.tsx';
import UnmatchedPage from './features/unmatched/UnmatchedPage.tsx';
import SettingsPage from './features/settings/SettingsPage.tsx';
import DashboardsPage from './features/dashboards/DashboardsPage.tsx';
import DemoPage from './features/demo/DemoPage.tsx';
import AlertsPage from './features/alerts/AlertsPage.tsx';
import AlertPage from './features/alerts/AlertPage.tsx';
import SilencesPage from './features/alerts/SilencesPage.tsx';
import ReportsPage from './features/reports/ReportsPage.tsx';
import { AuthGate } from './features/auth/AuthGate.tsx';
import { AuthProvider } from './features/auth/AuthProvider.tsx';

// Views that draw charts (recharts) or the map (xyflow + elkjs) load on first visit.
const FlowPage = lazy(() => import('./features/flow/FlowPage.tsx'));
const DependencyMapPage = lazy(() => import('./features/dependency-map/DependencyMapPage.tsx'));
const QueuesPage = lazy(() => import('./features/queues/QueuesPage.tsx'));
const CollectorPage = lazy(() => import('./features/collector/CollectorPage.tsx'));
const DashboardPage = lazy(() => import('./features/dashboards/DashboardPage.tsx'));
// Admins only, and rarely: not in the first load.
const AuditPage = lazy(() => import('./features/audit/AuditPage.tsx'));

function NotFound() {
  return (
    <div className="state">
      <h1>Not found</h1>
      <p>
        No view at this address. <Link to="/">Back to the overview</Link>.
      </p>
    </div>
  );
}

/**
 * The routes of the UI; every view, filter and time range lives in the URL. A view that needs a
 * sign-in shows the sign-in page at its own address, and itself once signed in.
 */
export function App() {
  return (
    <AuthProvider>
      <AuthGate>
        <AppRoutes />
      </AuthGate>
    </AuthProvider>
  );
}

function AppRoutes() {
  return (
    <Layout>
      <Routes>
        <Route path="/" element={<OverviewPage />} />
        <Route path="/flows/:flow" element={<FlowPage />} />
        <Route path="/transactions" element={<TransactionsPage />} />
        <Route path="/transactions/:flow/:key" element={<TransactionPage />} />
        <Route path="/search" element={<SearchPage />} />
        <Route path="/alerts" element={<AlertsPage />} />
        <Route path="/alerts/:id" element={<AlertPage />} />
        <Route path="/silences" element={<SilencesPage />} />
        <Route path="/reports" element={<ReportsPage />} />
        <Route path="/map" element={<DependencyMapPage />} />
        <Route path="/queues" element={<QueuesPage />} />
        <Route path="/unmatched" element={<UnmatchedPage />} />
        <Route path="/collector" element={<CollectorPage />} />
        <Route path="/dashboards" element={<DashboardsPage />} />
        <Route path="/dashboards/:id" element={<DashboardPage />} />
        <Route path="/demo" element={<DemoPage />} />
        <Route path="/audit" element={<AuditPage />} />
        <Route path="/settings" element={<SettingsPage />} />
        <Route path="*" element={<NotFound />} />
      </Routes>
    </Layout>
  );
}
