import type { IncomingMessage } from 'node:http';
import { AppError } from '../errors/app-error.ts';
import { wellFormedJson } from './json-input.ts';

/** functions-framework has already read the body and keeps the bytes here. */
type MaybePreRead = IncomingMessage & { rawBody?: Buffer };

export interface JsonBody {
  /** The bytes as received (idempotency fingerprints them). */
  raw: Buffer;
  /** The parsed value; undefined for an empty body. */
  value: unknown;
}

/**
 * Reads a JSON request body, refusing it before reading when Content-Length is already too
 * big, and as soon as the stream passes the limit otherwise.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<JsonBody> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limitBytes) throw tooLarge(limitBytes);

  const raw = await readRaw(req as MaybePreRead, limitBytes);
  if (raw.length === 0) return { raw, value: undefined };

  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  if (type !== 'application/json' && !type.endsWith('+json')) {
    throw new AppError('unsupported_media_type', 'Send the body as application/json.');
  }
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? error.message : 'unreadable body';
    throw new AppError('malformed_json', `The body is not valid JSON: ${reason}`);
  }
  return { raw, value: wellFormedJson(value) };
}

/** The body's bytes, unparsed, within the same size limit. */
export async function readRawBody(req: IncomingMessage, limitBytes: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limitBytes) throw tooLarge(limitBytes);
  return readRaw(req as MaybePreRead, limitBytes);
}

async function readRaw(req: MaybePreRead, limitBytes: number): Promise<Buffer> {
  if (Buffer.isBuffer(req.rawBody)) {
    if (req.rawBody.length > limitBytes) throw tooLarge(limitBytes);
    return req.rawBody;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) throw tooLarge(limitBytes);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function tooLarge(limitBytes: number) {
  return new AppError('payload_too_large', `The body exceeds the limit of ${limitBytes} bytes.`, {
    headers: { connection: 'close' },
  });
}
