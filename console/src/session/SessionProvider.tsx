import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { fetchSession, login, logout, setNotLoggedInHandler } from '../api/client.js';
import { SessionContext, type SessionContextValue, type SessionState } from './session-context.js';

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });

  useEffect(() => {
    setNotLoggedInHandler(() => setState({ status: 'anonymous' }));
    let cancelled = false;
    fetchSession()
      .then((session) => {
        if (!cancelled) setState(session ? { status: 'authenticated', session } : { status: 'anonymous' });
      })
      .catch(() => {
        if (!cancelled) setState({ status: 'anonymous' });
      });
    return () => {
      cancelled = true;
      setNotLoggedInHandler(undefined);
    };
  }, []);

  const signIn = useCallback(async (userName: string, password: string, totpCode?: string) => {
    const session = await login(userName, password, totpCode);
    setState({ status: 'authenticated', session });
  }, []);

  const signOut = useCallback(async () => {
    try {
      await logout();
    } finally {
      setState({ status: 'anonymous' });
    }
  }, []);

  const value = useMemo<SessionContextValue>(() => ({ state, signIn, signOut }), [state, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}
