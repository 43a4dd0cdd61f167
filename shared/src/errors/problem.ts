import { AppError, type FieldError } from './app-error.ts';
import { type ErrorCode, errorCatalogue, errorTypeUri } from './catalogue.ts';

/** RFC 9457 problem details, as every error response carries them. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  requestId: string;
  errors?: FieldError[];
  /** Extension members (e.g. `quota`: which limit, what was needed and what is left). */
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/**
 * The one boundary that turns anything thrown into what a client may see: AppErrors keep
 * their detail; everything else is a generic internal error, so no stack trace or SQL leaks.
 */
export function toProblem(error: unknown, requestId: string): Problem {
  if (error instanceof AppError) {
    const entry = errorCatalogue[error.code];
    return {
      ...error.extensions,
      type: errorTypeUri(error.code),
      title: entry.title,
      status: entry.status,
      detail: error.message,
      code: error.code,
      requestId,
      ...(error.fieldErrors ? { errors: error.fieldErrors } : {}),
    };
  }
  return {
    type: errorTypeUri('internal_error'),
    title: errorCatalogue.internal_error.title,
    status: 500,
    detail: 'Something went wrong on our side. Quote the requestId when reporting it.',
    code: 'internal_error',
    requestId,
  };
}
