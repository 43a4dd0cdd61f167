import { api } from '../api.ts';
import { href, route } from '../router.ts';
import { count, duration, Show, useLoad, when } from '../ui.tsx';
import { Conversation } from './conversation.tsx';

/**
 * One session: what it was and its numbers, then its conversations, then (folded) the
 * files, commands and commits, which can run to hundreds of lines.
 */
export function SessionView({ id }: { id: string }) {
  const path = { params: { path: { id } } };
  const session = useLoad(() => api.GET('/v1/sessions/{id}', path), [id]);
  const stats = useLoad(() => api.GET('/v1/sessions/{id}/stats', path), [id]);
  const commits = useLoad(() => api.GET('/v1/sessions/{id}/commits', path), [id]);
  const conversations = useLoad(() => api.GET('/v1/sessions/{id}/conversations', path), [id]);
  // A search hit links here with its conversation and message.
  const { query } = route.value;
  const focus = (conversation: string) =>
    query.get('conversation') === conversation ? (query.get('message') ?? undefined) : undefined;
  const sequence = Number(query.get('sequence')) || undefined;
  return (
    <Show state={session}>
      {(s) => (
        <>
          <hgroup>
            <h1>{s.title ?? s.externalId ?? 'Session'}</h1>
            <p>
              {s.tool}
              {s.model ? ` · ${s.model}` : ''} · {when(s.startedAt)} · {duration(s.durationSeconds)}
              {s.gitBranch ? ` · ${s.gitBranch}` : ''}
            </p>
          </hgroup>
          <Show state={stats}>
            {(st) => (
              <dl class="numbers inline">
                <dt>Messages</dt>
                <dd>
                  {count(st.messages)}
                  {Object.entries(st.byRole).length > 0 &&
                    ` (${Object.entries(st.byRole)
                      .map(([role, n]) => `${count(n)} ${role}`)
                      .join(', ')})`}
                </dd>
                <dt>Tokens in / out</dt>
                <dd>
                  {count(st.inputTokens)} / {count(st.outputTokens)}
                </dd>
                <dt>Commits</dt>
                <dd>{count(st.commits)}</dd>
              </dl>
            )}
          </Show>
          {/* The conversation comes first: it is what the page is opened for. */}
          <Show state={conversations}>
            {(list) => (
              <>
                {list.items.map((c) => (
                  <section key={c.id}>
                    <h2>{c.title ?? 'Conversation'}</h2>
                    <Conversation
                      id={c.id}
                      focus={focus(c.id)}
                      sequence={focus(c.id) ? sequence : undefined}
                    />
                  </section>
                ))}
              </>
            )}
          </Show>
          <section aria-label="Files, commands and commits">
            <Show state={stats}>
              {(st) => (
                <>
                  <details open={st.filesTouched.length <= 10}>
                    <summary>Files ({st.filesTouched.length})</summary>
                    <ul>
                      {st.filesTouched.map((f) => (
                        <li key={f.path}>
                          <code>{f.path}</code>{' '}
                          <small>
                            {f.operations.join(', ')} · {f.references}×
                          </small>
                        </li>
                      ))}
                    </ul>
                  </details>
                  <details open={st.commands.length <= 10}>
                    <summary>Commands ({st.commands.length})</summary>
                    <ul>
                      {st.commands.map((c) => (
                        <li key={c}>
                          <code>{c}</code>
                        </li>
                      ))}
                    </ul>
                  </details>
                </>
              )}
            </Show>
            <Show state={commits}>
              {(c) => (
                <details>
                  <summary>Commits during the session ({c.commits.length})</summary>
                  {c.commits.length === 0 ? (
                    <p>No commits in the session’s window.</p>
                  ) : (
                    <ul>
                      {c.commits.map((commit) => (
                        <li key={commit.sha}>
                          <a href={href(`/commits/${commit.repositoryId}/${commit.sha}`)}>
                            <code>{commit.shortSha}</code> {commit.subject}
                          </a>{' '}
                          <small>{when(commit.committedAt)}</small>
                        </li>
                      ))}
                    </ul>
                  )}
                </details>
              )}
            </Show>
          </section>
        </>
      )}
    </Show>
  );
}
