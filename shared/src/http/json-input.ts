import { AppError } from '../errors/app-error.ts';

/** Deeper than any real payload (a tool call's input is rarely 10 levels), far from any stack limit. */
export const MAX_JSON_DEPTH = 64;

/**
 * Client JSON as the rest of the code may trust it: no deeper than `maxDepth`, and every
 * string — keys included — well-formed UTF-16, an unpaired surrogate (which PostgreSQL
 * cannot store, and which would fail a whole batch) replaced by U+FFFD. Iterative, so the
 * depth is bounded before anything recursive (zod, JSON.stringify, jsonb) sees the value.
 * Changes the value in place and returns it.
 */
export function wellFormedJson(value: unknown, maxDepth = MAX_JSON_DEPTH, where = 'body'): unknown {
  if (typeof value === 'string') return value.toWellFormed();
  const stack: { node: object; depth: number }[] = [];
  if (typeof value === 'object' && value !== null) stack.push({ node: value, depth: 1 });
  while (stack.length > 0) {
    const { node, depth } = stack.pop() as { node: object; depth: number };
    if (depth > maxDepth) {
      throw new AppError(
        'validation_failed',
        `The ${where} is nested deeper than ${maxDepth} levels.`,
        {
          fieldErrors: [{ path: where, message: `nested deeper than ${maxDepth} levels` }],
        },
      );
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const child = record[key];
      if (typeof child === 'string') {
        if (!child.isWellFormed()) record[key] = child.toWellFormed();
      } else if (typeof child === 'object' && child !== null) {
        stack.push({ node: child, depth: depth + 1 });
      }
      if (!key.isWellFormed()) {
        record[key.toWellFormed()] = record[key];
        delete record[key];
      }
    }
  }
  return value;
}
