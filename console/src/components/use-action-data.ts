import { useCallback, useEffect, useState } from 'react';
import { callAction } from '../api/client.js';
import { useApiErrorHandler } from './use-api-error.js';

/**
 * Loads one action's answer on mount (and whenever `name`/`paramsKey` change); `refresh` loads it again.
 * A failed call shows the server's message and leaves the previous data in place.
 */
export function useActionData<R, T>(name: string, params: object, pick: (response: R) => T, initial: T, enabled = true) {
  const onError = useApiErrorHandler();
  const [data, setData] = useState<T>(initial);
  const [loading, setLoading] = useState(false);
  const paramsKey = JSON.stringify(params);

  const refresh = useCallback(async () => {
    if (!enabled) return;
    setLoading(true);
    try {
      setData(pick(await callAction<R>(name, JSON.parse(paramsKey) as object)));
    } catch (error) {
      onError(error);
    } finally {
      setLoading(false);
    }
    // `pick` is a pure selector: it is left out of the dependencies so inline lambdas do not reload forever.
  }, [name, paramsKey, enabled, onError]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  return { data, loading, refresh };
}
