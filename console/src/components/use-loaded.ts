import { useCallback, useEffect, useRef, useState } from 'react';
import { useApiErrorHandler } from './use-api-error.js';

/**
 * Loads data on mount and on `refresh()`, with a loading flag; a failed load shows the server's
 * message as a toast and keeps the previous data. `load` may close over current state: the latest
 * one is used on each refresh.
 */
export function useLoaded<T>(load: () => Promise<T>, initial: T): { data: T; loading: boolean; refresh: () => Promise<void> } {
  const onError = useApiErrorHandler();
  const latest = useRef(load);
  latest.current = load;
  const [data, setData] = useState<T>(initial);
  const [loading, setLoading] = useState(false);
  const refresh = useCallback(async () => {
    setLoading(true);
    try {
      setData(await latest.current());
    } catch (error) {
      onError(error);
    } finally {
      setLoading(false);
    }
  }, [onError]);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  return { data, loading, refresh };
}
