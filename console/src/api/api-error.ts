/** An error answered by the Vigil server (Alibaba error body) or a failure to reach it. */
export class ApiError extends Error {
  readonly code: string;
  readonly requestId: string | undefined;
  readonly status: number;
  readonly recommend: string | undefined;

  constructor(init: { code: string; message: string; status: number; requestId?: string; recommend?: string }) {
    super(init.message);
    this.name = 'ApiError';
    this.code = init.code;
    this.status = init.status;
    this.requestId = init.requestId;
    this.recommend = init.recommend;
  }
}

function stringField(body: unknown, key: string): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const value: unknown = (body as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/** Builds an ApiError from an HTTP status and a parsed (possibly non-JSON) error body. */
export function apiErrorFromBody(status: number, body: unknown): ApiError {
  return new ApiError({
    code: stringField(body, 'Code') ?? `HTTP${status}`,
    message: stringField(body, 'Message') ?? `HTTP ${status}`,
    status,
    requestId: stringField(body, 'RequestId'),
    recommend: stringField(body, 'Recommend'),
  });
}
