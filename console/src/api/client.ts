import { ApiError, apiErrorFromBody } from './api-error.js';
import type { SessionInfo } from './types.js';

export { ApiError } from './api-error.js';

const ACTION_NAME = /^[A-Za-z][A-Za-z0-9]{0,127}$/;

let csrfToken: string | undefined;
let notLoggedInHandler: (() => void) | undefined;

/** Remembers the CSRF token of the current session (sent as `x-csrf-token` on every call). */
export function setCsrfToken(token: string | undefined): void {
  csrfToken = token;
}

/** Called when the server answers 401 NotLoggedIn, so the app can show the login page. */
export function setNotLoggedInHandler(handler: (() => void) | undefined): void {
  notLoggedInHandler = handler;
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (csrfToken !== undefined) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      credentials: 'same-origin',
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (cause) {
    throw new ApiError({
      code: 'NetworkError',
      message: cause instanceof Error ? cause.message : String(cause),
      status: 0,
    });
  }
  const parsed = parseJson(await response.text());
  if (!response.ok) {
    const error = apiErrorFromBody(response.status, parsed);
    if (response.status === 401 && error.code === 'NotLoggedIn') notLoggedInHandler?.();
    throw error;
  }
  return parsed as T;
}

/**
 * Calls a Sas/RAM action through the session gateway: POST /api/<name> with JSON parameters.
 * `product` picks between actions of the same name in two products (e.g. `Ram` for RAM's DeleteGroup).
 */
export async function callAction<T>(name: string, params: object = {}, product?: string): Promise<T> {
  if (!ACTION_NAME.test(name)) throw new Error(`invalid action name: ${name}`);
  if (product !== undefined && !ACTION_NAME.test(product)) throw new Error(`invalid product: ${product}`);
  return request<T>('POST', product === undefined ? `/api/${name}` : `/api/${name}?Product=${product}`, params);
}

export async function login(userName: string, password: string, totpCode?: string): Promise<SessionInfo> {
  const body: Record<string, string> = { UserName: userName, Password: password };
  if (totpCode !== undefined && totpCode !== '') body['TotpCode'] = totpCode;
  const session = await request<SessionInfo>('POST', '/api/login', body);
  setCsrfToken(session.CsrfToken);
  return session;
}

/** The current session, or undefined when nobody is logged in. */
export async function fetchSession(): Promise<SessionInfo | undefined> {
  try {
    const session = await request<SessionInfo>('GET', '/api/session');
    setCsrfToken(session.CsrfToken);
    return session;
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return undefined;
    throw error;
  }
}

export async function logout(): Promise<void> {
  try {
    await request<unknown>('POST', '/api/logout', {});
  } finally {
    setCsrfToken(undefined);
  }
}
