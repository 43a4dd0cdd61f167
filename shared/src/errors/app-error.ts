import type { ErrorCode } from './catalogue.ts';

export interface FieldError {
  path: string;
  message: string;
}

/** An error the client is meant to see. Anything else thrown becomes `internal_error`. */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fieldErrors: FieldError[] | undefined;
  readonly headers: Record<string, string> | undefined;
  /** More members of the problem (RFC 9457 extensions), for clients to act on. */
  readonly extensions: Record<string, unknown> | undefined;

  constructor(
    code: ErrorCode,
    detail: string,
    options: {
      fieldErrors?: FieldError[];
      headers?: Record<string, string>;
      extensions?: Record<string, unknown>;
    } = {},
  ) {
    super(detail);
    this.name = 'AppError';
    this.code = code;
    this.fieldErrors = options.fieldErrors;
    this.headers = options.headers;
    this.extensions = options.extensions;
  }
}

export const notFound = (what = 'resource') =>
  new AppError('not_found', `The ${what} does not exist.`);
