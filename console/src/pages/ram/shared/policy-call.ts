import { ApiError, fetchSession } from '../../../api/client.js';
import { apiErrorFromBody } from '../../../api/api-error.js';
import type { PolicyErrorItem, PolicyWarningItem } from './ram-types.js';

export type PolicySaveResult<T> =
  | { ok: true; response: T; warnings: PolicyWarningItem[] }
  | { ok: false; errors: PolicyErrorItem[]; message: string };

function isPolicyError(value: unknown): value is PolicyErrorItem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['path'] === 'string' && typeof v['message'] === 'string';
}

function isWarning(value: unknown): value is PolicyWarningItem {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['Path'] === 'string' && typeof v['Message'] === 'string';
}

/**
 * Calls CreatePolicy / CreatePolicyVersion and keeps the parts of the answer `callAction` drops:
 * `PolicyErrors` of a refused document (shown inline in the editor) and `Warnings` of an accepted one.
 */
export async function savePolicyDocument<T>(action: 'CreatePolicy' | 'CreatePolicyVersion', params: object): Promise<PolicySaveResult<T>> {
  const session = await fetchSession();
  if (!session) throw new ApiError({ code: 'NotLoggedIn', message: 'Not logged in or the session expired.', status: 401 });
  let response: Response;
  try {
    response = await fetch(`/api/${action}`, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': session.CsrfToken },
      body: JSON.stringify(params),
    });
  } catch (cause) {
    throw new ApiError({ code: 'NetworkError', message: cause instanceof Error ? cause.message : String(cause), status: 0 });
  }
  let body: unknown;
  try {
    body = JSON.parse(await response.text()) as unknown;
  } catch {
    body = undefined;
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  if (response.ok) {
    const warnings = Array.isArray(record['Warnings']) ? record['Warnings'].filter(isWarning) : [];
    return { ok: true, response: body as T, warnings };
  }
  const error = apiErrorFromBody(response.status, body);
  if (error.code === 'MalformedPolicyDocument') {
    const errors = Array.isArray(record['PolicyErrors']) ? record['PolicyErrors'].filter(isPolicyError) : [];
    return { ok: false, errors, message: error.message };
  }
  throw error;
}
