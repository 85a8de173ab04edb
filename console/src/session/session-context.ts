import { createContext, useContext } from 'react';
import type { SessionInfo } from '../api/types.js';

export type SessionState =
  | { status: 'loading' }
  | { status: 'anonymous' }
  | { status: 'authenticated'; session: SessionInfo };

export interface SessionContextValue {
  state: SessionState;
  signIn: (userName: string, password: string, totpCode?: string) => Promise<void>;
  signOut: () => Promise<void>;
}

export const SessionContext = createContext<SessionContextValue | undefined>(undefined);

export function useSession(): SessionContextValue {
  const value = useContext(SessionContext);
  if (value === undefined) throw new Error('useSession must be used inside <SessionProvider>');
  return value;
}
