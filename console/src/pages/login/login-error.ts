import type { TFunction } from 'i18next';
import { ApiError } from '../../api/client.js';

/** The sentence to show for a failed sign-in. */
export function loginErrorText(error: unknown, t: TFunction): string {
  if (error instanceof ApiError) {
    if (error.code === 'InvalidCredentials') return t('login.errorInvalidCredentials');
    if (error.code.startsWith('Throttling')) return t('login.errorThrottled');
    if (error.code === 'NetworkError') return t('login.errorNetwork');
    return t('login.errorOther', { message: error.message });
  }
  return t('login.errorOther', { message: error instanceof Error ? error.message : String(error) });
}
