/**
 * An error with an Alibaba-style code, raised anywhere below the gateway; the gateway turns it into
 * `{RequestId, HostId, Code, Message, Recommend}` with `status`.
 */
export class VigilError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'VigilError';
  }
}

export const notFound = (code: string, message: string) => new VigilError(code, message, 404);
export const invalidParam = (message: string) => new VigilError('InvalidParameter', message, 400);
