import type { z } from 'zod';
import { AppError, type FieldError } from '../errors/app-error.ts';

type Location = 'params' | 'query' | 'body';

/** Validates one part of the request; every problem is reported with its path. */
export function validate<T>(schema: z.ZodType<T> | undefined, value: unknown, where: Location): T {
  if (!schema) return undefined as T;
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
  const first = errors[0];
  const detail = first ? `${first.path}: ${first.message}` : `Invalid ${where}.`;
  throw new AppError('validation_failed', detail, { fieldErrors: errors });
}

/** URLSearchParams as a plain object; a repeated key becomes an array. */
export function queryObject(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [key, value] of search) {
    const existing = out[key];
    if (existing === undefined) out[key] = value;
    else out[key] = Array.isArray(existing) ? [...existing, value] : [existing, value];
  }
  return out;
}
