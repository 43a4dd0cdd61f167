import http from 'node:http';
import https from 'node:https';
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
    let response: { status: number; text: string };
    try {
      response = await send(`${settings.url}${path}`, method, settings.key, body, timeoutMs);
    } catch (error) {
      const reason =
        (error as Error).name === 'TimeoutError' ? 'did not answer in time' : 'cannot be reached';
      throw new CliError(
        `The server at ${settings.url} ${reason} (is it running?).`,
        EXIT.unavailable,
      );
    }
    const json = response.text ? safeJson(response.text) : undefined;
    if (response.status < 300) return { ok: true, data: json as T };
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

/**
 * One request over node:http(s), not fetch: a hook is a short process, and loading fetch's
 * HTTP stack costs it about 100 ms at every start. The whole exchange, answer included,
 * ends within timeoutMs.
 */
function send(url: string, method: string, key: string, body: unknown, timeoutMs: number) {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const target = new URL(url);
  const transport = target.protocol === 'https:' ? https : http;
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const request = transport.request(
      target,
      {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          accept: 'application/json',
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
        signal: AbortSignal.timeout(timeoutMs),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', (error: Error) =>
      reject(error.name === 'AbortError' ? Object.assign(error, { name: 'TimeoutError' }) : error),
    );
    request.end(payload);
  });
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
