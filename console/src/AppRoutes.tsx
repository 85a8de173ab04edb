import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { NotFound } from './components/NotFound.js';
import { AppLayout } from './layout/AppLayout.js';
import { PageFallback } from './layout/PageFallback.js';
import { HOME_PATH, NAV_ENTRIES } from './nav/registry.js';
import { LoginPage } from './pages/login/LoginPage.js';
import { useSession } from './session/session-context.js';

interface ReturnState {
  from?: string;
}

function returnPath(state: unknown): string {
  const from = (state as ReturnState | null)?.from;
  return typeof from === 'string' && from.startsWith('/') && from !== '/login' ? from : HOME_PATH;
}

export function AppRoutes() {
  const { state } = useSession();
  const location = useLocation();

  if (state.status === 'loading') return <PageFallback />;

  if (state.status === 'anonymous') {
    return (
      <Routes>
        <Route path="/login" element={<LoginPage />} />
        <Route path="*" element={<Navigate to="/login" replace state={{ from: location.pathname }} />} />
      </Routes>
    );
  }

  return (
    <Routes>
      <Route path="/login" element={<Navigate to={returnPath(location.state)} replace />} />
      <Route element={<AppLayout />}>
        <Route path="/" element={<Navigate to={HOME_PATH} replace />} />
        {NAV_ENTRIES.map((entry) => (
          <Route key={entry.key} path={entry.path} element={<entry.page />} />
        ))}
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
