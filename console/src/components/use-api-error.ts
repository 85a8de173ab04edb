import { App } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client.js';

/** Returns a handler that shows a failed call's server message (and request id) as a toast. */
export function useApiErrorHandler(): (error: unknown) => void {
  const { message } = App.useApp();
  const { t } = useTranslation();
  return useCallback(
    (error: unknown) => {
      // NotLoggedIn already sends the user to the login page.
      if (error instanceof ApiError && error.code === 'NotLoggedIn') return;
      const text = error instanceof Error ? error.message : String(error);
      const suffix = error instanceof ApiError && error.requestId ? ` (${t('common.requestId', { id: error.requestId })})` : '';
      void message.error(t('common.requestFailed', { message: text }) + suffix);
    },
    [message, t],
  );
}
