import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { rawBodyReader } from '../src/http/body.ts';
import { AppError } from '../src/index.ts';

/** A request whose body arrives only as the test writes it. */
function incoming(declared: number) {
  const stream = new PassThrough();
  Object.assign(stream, { headers: { 'content-length': String(declared) } });
  return stream as PassThrough & IncomingMessage;
}

describe('large request bodies', () => {
  it('are read four at a time per process: the fifth is refused with 503 before a byte is read', async () => {
    const MB = 1024 * 1024;
    const held = Array.from({ length: 4 }, () => incoming(5 * MB));
    const reading = held.map((req) => rawBodyReader(req, 25 * MB)());
    const fifth = await rawBodyReader(incoming(5 * MB), 25 * MB)().catch((e: unknown) => e);
    expect(fifth).toBeInstanceOf(AppError);
    expect(fifth).toMatchObject({ code: 'service_unavailable', headers: { 'retry-after': '2' } });
    // A small body is never held up by them.
    const small = incoming(3);
    const smallRead = rawBodyReader(small, 25 * MB)();
    small.end(Buffer.from('abc'));
    expect((await smallRead).toString()).toBe('abc');
    // As the large ones finish, their places free up.
    for (const req of held) req.end(Buffer.alloc(10));
    await Promise.all(reading);
    const next = incoming(5 * MB);
    const nextRead = rawBodyReader(next, 25 * MB)();
    next.end(Buffer.alloc(5));
    expect((await nextRead).length).toBe(5);
  });
});
