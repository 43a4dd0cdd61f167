import { PermanentJobError } from '@devctx/shared';

/**
 * The lines of a stream, each at most `maxLine` bytes and all together at most `maxTotal`:
 * a hostile archive (one endless line, a gzip bomb) fails with a clear reason instead of
 * filling the worker's memory.
 */
export async function* boundedLines(
  source: AsyncIterable<Buffer>,
  limits: { maxLine: number; maxTotal: number },
): AsyncGenerator<string> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let total = 0;
  for await (const chunk of source) {
    total += chunk.length;
    if (total > limits.maxTotal)
      throw new PermanentJobError(
        `The archive is larger than ${limits.maxTotal / 2 ** 30} GiB uncompressed.`,
      );
    let start = 0;
    for (let at = chunk.indexOf(10); at !== -1; at = chunk.indexOf(10, start)) {
      pending.push(chunk.subarray(start, at));
      yield Buffer.concat(pending).toString('utf8');
      pending = [];
      pendingBytes = 0;
      start = at + 1;
    }
    if (start < chunk.length) {
      pending.push(chunk.subarray(start));
      pendingBytes += chunk.length - start;
    }
    if (pendingBytes > limits.maxLine)
      throw new PermanentJobError(
        `A line of the archive is longer than ${limits.maxLine / 2 ** 20} MiB.`,
      );
  }
  if (pendingBytes > 0) yield Buffer.concat(pending).toString('utf8');
}
