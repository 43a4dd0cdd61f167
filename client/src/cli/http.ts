import { CliError, EXIT } from './errors.ts';

export interface Problem {
  status: number;
  code?: string;
  detail?: string;
  [member: string]: unknown;
}

/** The server's answer: its JSON, or its problem. */
export type Answer<T> = { ok: true; data: T } | { ok: false; problem: Problem };

/**
 * The API as the CLI speaks to it: JSON with the key as a bearer token, a time limit, and
 * the failures a person can act on turned into one-line errors (server down, key refused).
 */
export function api(settings: { url: string; key: string }, timeoutMs = 30_000) {
  return async function call<T>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
    let response: Response;
    try {
      response = await fetch(`${settings.url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${settings.key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError' ? 'did not answer in time' : 'cannot be reached';
      throw new CliError(
        `The server at ${settings.url} ${reason} (is it running?).`,
        EXIT.unavailable,
      );
    }
    const text = await response.text();
    const json = text ? safeJson(text) : undefined;
    if (response.ok) return { ok: true, data: json as T };
    const problem: Problem = { status: response.status, ...(json as object) };
    if (response.status === 401)
      throw new CliError(
        `The server refused the API key (${problem.detail ?? 'unauthenticated'}).`,
        EXIT.permission,
      );
    if (response.status >= 500) {
      throw new CliError(
        `The server failed (${response.status}${problem.detail ? `: ${problem.detail}` : ''}).`,
        EXIT.unavailable,
      );
    }
    return { ok: false, problem };
  };
}

export type Api = ReturnType<typeof api>;

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 200) };
  }
}

/** A problem as one line: its detail, or its status. */
export const describe = (problem: Problem) => problem.detail ?? `HTTP ${problem.status}`;
