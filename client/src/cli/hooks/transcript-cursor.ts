import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { ensureDir, writeAtomically } from './state.ts';

/** How far a transcript has been captured: a byte offset just past its last whole line. */
interface Cursor {
  transcript: string;
  offset: number;
}

const cursorFile = (dir: string, transcript: string) =>
  path.join(dir, 'cursors', `${createHash('sha256').update(transcript).digest('hex')}.json`);

/**
 * The whole lines a transcript gained since its cursor, and the offset after them. A line
 * still being written (no newline yet) waits for the next capture. A transcript shorter than
 * its cursor was replaced: it is read from its start again (the server keeps each message
 * once, so re-sending costs nothing but bytes).
 */
export async function readNewLines(dir: string, transcript: string) {
  const cursor = await readCursor(dir, transcript);
  // Non-blocking, and only a regular file: a FIFO or a device must not hang the hook.
  const file = await open(transcript, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const info = await file.stat();
    if (!info.isFile()) throw new Error('not a regular file');
    const { size } = info;
    const from = cursor && cursor.offset <= size ? cursor.offset : 0;
    // A long history is read a window per run, so one run's memory and time stay bounded.
    const buffer = Buffer.alloc(Math.min(size - from, READ_WINDOW_BYTES));
    const { bytesRead } = await file.read(buffer, 0, buffer.length, from);
    const end = buffer.subarray(0, bytesRead).lastIndexOf(0x0a) + 1;
    // A single line longer than the window cannot be sent whole: it is skipped (the rest of
    // it reaches the server as a line it counts as malformed) rather than block the rest.
    if (end === 0 && bytesRead === READ_WINDOW_BYTES) return { text: '', offset: from + bytesRead };
    return { text: buffer.subarray(0, end).toString('utf8'), offset: from + end };
  } finally {
    await file.close();
  }
}

/** At most one import's worth per run: a long history is sent over a few runs. */
export const READ_WINDOW_BYTES = 8 * 1024 * 1024;

async function readCursor(dir: string, transcript: string): Promise<Cursor | undefined> {
  try {
    const cursor = JSON.parse(await readFile(cursorFile(dir, transcript), 'utf8')) as Cursor;
    return cursor.transcript === transcript && Number.isSafeInteger(cursor.offset)
      ? cursor
      : undefined;
  } catch {
    return undefined;
  }
}

export async function saveCursor(dir: string, transcript: string, offset: number) {
  await ensureDir(path.join(dir, 'cursors'));
  await writeAtomically(cursorFile(dir, transcript), JSON.stringify({ transcript, offset }));
}

/** Moves a transcript's cursor to its end without reading it: what it holds is never sent. */
export async function skipToEnd(dir: string, transcript: string) {
  await saveCursor(dir, transcript, (await stat(transcript)).size);
}
