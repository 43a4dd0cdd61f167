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

/** A body bigger than this counts against the few large bodies read at once. */
const LARGE_BODY_BYTES = 4 * 1024 * 1024;
/** Large bodies in memory at once, per process: more wait for none, they get 503. */
const MAX_LARGE_BODIES = 4;
let largeBodies = 0;

/**
 * Reads a JSON request body, refusing it before reading when Content-Length is already too
 * big, and as soon as the stream passes the limit otherwise.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<JsonBody> {
  refuseDeclaredTooLarge(req, limitBytes);
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

/**
 * A reader of the body's bytes, unparsed, within the same size limit, for the route to call
 * once it knows the caller deserves it; an oversized Content-Length is refused at once.
 */
export function rawBodyReader(req: IncomingMessage, limitBytes: number): () => Promise<Buffer> {
  refuseDeclaredTooLarge(req, limitBytes);
  let read: Promise<Buffer> | undefined;
  return () => {
    read ??= readRaw(req as MaybePreRead, limitBytes);
    return read;
  };
}

/**
 * Whether the request came with a body nobody read (a refused webhook): the connection is
 * then closed rather than kept, so the rest of the body is never read either.
 */
export function bodyLeftUnread(req: IncomingMessage): boolean {
  const declared = Number(req.headers['content-length'] ?? 0);
  const hasBody = declared > 0 || req.headers['transfer-encoding'] !== undefined;
  return hasBody && !req.readableEnded && !(req as MaybePreRead).rawBody;
}

function refuseDeclaredTooLarge(req: IncomingMessage, limitBytes: number) {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limitBytes) throw tooLarge(limitBytes);
}

/**
 * The bytes of the body. A large one (over 1 MB, or of unknown length) is read only while
 * fewer than four others are: so many concurrent uploads cannot exhaust memory, and the
 * ones over get 503 with Retry-After before a byte is read.
 */
async function readRaw(req: MaybePreRead, limitBytes: number): Promise<Buffer> {
  if (Buffer.isBuffer(req.rawBody)) {
    if (req.rawBody.length > limitBytes) throw tooLarge(limitBytes);
    return req.rawBody;
  }
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  const large = !(declared <= LARGE_BODY_BYTES) && limitBytes > LARGE_BODY_BYTES;
  if (large) {
    if (largeBodies >= MAX_LARGE_BODIES) {
      throw new AppError('service_unavailable', 'Too many large uploads at once; retry shortly.', {
        headers: { 'retry-after': '2', connection: 'close' },
      });
    }
    largeBodies++;
  }
  try {
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limitBytes) throw tooLarge(limitBytes);
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  } finally {
    if (large) largeBodies--;
  }
}

function tooLarge(limitBytes: number) {
  return new AppError('payload_too_large', `The body exceeds the limit of ${limitBytes} bytes.`, {
    headers: { connection: 'close' },
  });
}
