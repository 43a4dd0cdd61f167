/**
 * The identity the server gives each line of a Claude Code transcript once imported (the
 * importer's externalId): an assistant line is its message's id — the lines of one streamed
 * answer share it — any other message line its own uuid. Lines that are no message
 * (summaries, bookkeeping) have none. functions/context's tests check that this agrees
 * with the importer on the same transcript.
 */
export interface TranscriptLine {
  text: string;
  /** The line's type (user, assistant, summary, …), if it is JSON and says one. */
  type: string | undefined;
  sessionId: string | undefined;
  /** undefined: not a message line; null: a message line without an identity. */
  identity: string | null | undefined;
}

export function readTranscriptLines(text: string): TranscriptLine[] {
  const lines: TranscriptLine[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') continue;
    let parsed: { type?: unknown; uuid?: unknown; sessionId?: unknown; message?: { id?: unknown } };
    try {
      parsed = JSON.parse(line);
    } catch {
      lines.push({ text: line, type: undefined, sessionId: undefined, identity: undefined });
      continue;
    }
    const sessionId = typeof parsed?.sessionId === 'string' ? parsed.sessionId : undefined;
    const type = parsed?.type;
    let identity: string | null | undefined;
    if (type === 'user' || type === 'assistant' || type === 'system') {
      const messageId = type === 'assistant' ? parsed.message?.id : undefined;
      identity =
        typeof messageId === 'string'
          ? messageId
          : typeof parsed.uuid === 'string'
            ? parsed.uuid
            : null;
    }
    lines.push({
      text: line,
      type: typeof type === 'string' ? type : undefined,
      sessionId,
      identity,
    });
  }
  return lines;
}
