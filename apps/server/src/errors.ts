import type { ContentfulStatusCode } from 'hono/utils/http-status';

/** An error an API route answers with: a stable `code`, an HTTP status and a message safe to show. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/** The configuration (file, env, flows, rules) is invalid; `issues` are `path: message` lines. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly issues: string[],
    options?: ErrorOptions,
  ) {
    super(`invalid configuration:\n  ${issues.join('\n  ')}`, options);
  }
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: { code: string; message: string; requestId: string };
}
