import type { paths } from '@devctx/client';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, problemText } from '../api.ts';
import { ErrorNote, when } from '../ui.tsx';

type Message =
  paths['/v1/conversations/{id}/messages']['get']['responses']['200']['content']['application/json']['items'][number];
type ToolCall = Message['toolCalls'][number];

/**
 * A conversation's messages in order, 200 at a time. When a message is asked for (a search
 * hit), the page starts a few messages before its sequence (or, without one, pages are
 * loaded until it is there), and it is scrolled to and marked.
 */
export function Conversation(props: { id: string; focus?: string; sequence?: number }) {
  const { id, focus } = props;
  const [start, setStart] = useState(Math.max(0, (props.sequence ?? 0) - 3));
  const [messages, setMessages] = useState<Message[]>([]);
  const [cursor, setCursor] = useState<string | null | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Only the newest request may change the page: a page still on its way when the reader
  // asks for the start must not be added to it.
  const latest = useRef(0);

  const load = async (after?: string) => {
    const request = ++latest.current;
    setBusy(true);
    const { data, error } = await api.GET('/v1/conversations/{id}/messages', {
      params: { path: { id }, query: { limit: 200, cursor: after, fromSequence: start } },
    });
    if (request !== latest.current) return;
    setBusy(false);
    if (!data) return setError(problemText(error));
    setMessages((m) => [...(after ? m : []), ...data.items]);
    setCursor(data.nextCursor);
  };
  // A new conversation, or reading from the start, loads afresh.
  useEffect(() => {
    setMessages([]);
    void load();
  }, [id, start]);
  const found = focus ? messages.some((m) => m.id === focus) : true;
  // A tool's answer is shown with the call it answers (by the call's id).
  const calls = useMemo(
    () => new Map(messages.flatMap((m) => m.toolCalls.map((c) => [c.id ?? '', c] as const))),
    [messages],
  );
  // Follow the pages until the asked-for message is in, then show it.
  useEffect(() => {
    if (!found && cursor && !busy) void load(cursor);
    if (focus && found) document.getElementById(`m-${focus}`)?.scrollIntoView({ block: 'center' });
  }, [found, cursor, busy]);

  return (
    <div class="conversation">
      {start > 0 && (
        <button type="button" class="secondary outline" onClick={() => setStart(0)}>
          Show the conversation from the start
        </button>
      )}
      {messages.map((m) => (
        <MessageView key={m.id} message={m} focused={m.id === focus} calls={calls} />
      ))}
      {error && <ErrorNote text={error} onRetry={() => load(cursor ?? undefined)} />}
      {busy && <p aria-busy="true">Loading messages…</p>}
      {!busy && cursor && (
        <button type="button" class="secondary" onClick={() => load(cursor)}>
          Load more messages
        </button>
      )}
    </div>
  );
}

function MessageView(props: { message: Message; focused: boolean; calls: Map<string, ToolCall> }) {
  const { message: m, focused } = props;
  const answered = m.answersToolCalls.flatMap((id) => props.calls.get(id) ?? []);
  // Tool results are long and rarely read: folded, named by the call they answer.
  const body =
    m.role === 'tool' ? (
      <details>
        <summary>
          {answered.length > 0 ? `Result of ${answered.map(callLine).join(', ')}` : 'Tool result'} (
          {m.content.length.toLocaleString()} characters)
        </summary>
        <pre>{m.content}</pre>
      </details>
    ) : (
      <Rendered text={m.content} />
    );
  return (
    <article
      id={`m-${m.id}`}
      class={`message ${m.role}${m.sidechain ? ' sidechain' : ''}${focused ? ' focused' : ''}`}
      tabIndex={focused ? -1 : undefined}
    >
      <header>
        <strong>{m.role}</strong>{' '}
        <small>
          #{m.sequence} · {when(m.occurredAt)}
          {m.model ? ` · ${m.model}` : ''}
        </small>
        {m.sidechain && <span class="badge">sidechain</span>}
        {m.tags.map((t) => (
          <span key={t} class="badge">
            {t}
          </span>
        ))}
      </header>
      {m.thinking && (
        <details>
          <summary>Thinking</summary>
          <Rendered text={m.thinking} />
        </details>
      )}
      {body}
      {m.toolCalls.length > 0 && (
        <ul class="tool-calls" aria-label="Tool calls">
          {m.toolCalls.map((c, i) => (
            <li key={c.id ?? i}>
              <details>
                <summary>
                  <code>{c.name}</code> {argument(c)}
                </summary>
                <pre>{JSON.stringify(c.input, null, 2)}</pre>
              </details>
            </li>
          ))}
        </ul>
      )}
      {(m.fileReferences.length > 0 || m.commands.length > 0) && (
        <footer>
          {m.fileReferences.map((f) => (
            <code key={`${f.operation}${f.path}`} title={f.operation}>
              {f.operation} {f.path}
            </code>
          ))}
          {m.commands.map((c) => (
            <code key={c}>$ {c}</code>
          ))}
        </footer>
      )}
    </article>
  );
}

/** The input a reader looks for first: a path, a command, a pattern, or the first text. */
const MAIN_INPUTS = ['file_path', 'command', 'pattern', 'path', 'url', 'query', 'description'];
function argument(call: ToolCall): string {
  const input = (call.input ?? {}) as Record<string, unknown>;
  const key = MAIN_INPUTS.find((k) => typeof input[k] === 'string');
  const value = key ? input[key] : Object.values(input).find((v) => typeof v === 'string');
  const text = typeof value === 'string' ? (value.split('\n', 1)[0] ?? '') : '';
  return text.length > 120 ? `${text.slice(0, 119)}…` : text;
}
const callLine = (call: ToolCall) => `${call.name} ${argument(call)}`.trim();

/**
 * Message text with its fenced code blocks as code. Rendered as text, never as HTML: a
 * message can hold anything, including markup.
 */
export function Rendered({ text }: { text: string }) {
  const parts = text.split(/^```[^\n]*\n?/m);
  return (
    <div class="rendered">
      {parts.map((part, i) =>
        i % 2 ? (
          <pre key={i}>
            <code>{part.replace(/\n$/, '')}</code>
          </pre>
        ) : (
          part.trim() && <p key={i}>{part.trim()}</p>
        ),
      )}
    </div>
  );
}
