import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { etagOf, matchesEtag } from './conditional.ts';
import { PAGE_CSP } from './headers.ts';
import type { RouteResult } from './route.ts';

// Writing a route's result to the response: JSON, raw bytes, or a stream.

/** JSON (or a route's raw bytes), with an ETag on GETs and 304 when the client has it. */
export function send(req: IncomingMessage, res: ServerResponse, result: RouteResult) {
  const status =
    result.status ?? (result.body === undefined && !result.raw && !result.stream ? 204 : 200);
  const headers: Record<string, string> = { ...result.headers };
  if (result.stream) {
    res.statusCode = status;
    setHeaders(res, { ...headers, 'content-type': result.stream.type });
    // A source that breaks mid-way cuts the response: the client sees it incomplete.
    pipeline(result.stream.data, res).catch(() => res.destroy());
    return;
  }
  if (result.raw) {
    headers['content-type'] = result.raw.type;
    // A page gets the reference page's CSP unless its route sets a stricter one.
    if (result.raw.type.startsWith('text/html')) headers['content-security-policy'] ??= PAGE_CSP;
    writeBody(res, status, result.raw.data, headers);
    return;
  }
  const payload = result.body === undefined ? undefined : JSON.stringify(result.body);
  if (payload !== undefined && req.method === 'GET' && status === 200) {
    headers.etag = etagOf(payload);
    if (matchesEtag(req.headers['if-none-match'], headers.etag, 'weak')) {
      writeBody(res, 304, undefined, headers);
      return;
    }
  }
  writeBody(res, status, payload, {
    'content-type': 'application/json; charset=utf-8',
    ...headers,
  });
}

export function setHeaders(res: ServerResponse, headers: Record<string, string>) {
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
}

export function writeBody(
  res: ServerResponse,
  status: number,
  payload: string | Buffer | undefined,
  headers: Record<string, string>,
) {
  if (res.headersSent) return;
  res.statusCode = status;
  setHeaders(res, headers);
  if (payload === undefined || status === 204 || status === 304) {
    res.removeHeader('content-type');
    res.end();
    return;
  }
  res.setHeader('content-length', Buffer.byteLength(payload));
  res.end(payload);
}
