import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.ts';
import { DateFilter, ProjectSelect, useFilters } from '../filters.tsx';
import { href } from '../router.ts';
import { LoadMore, Show, Snippet, usePages, when } from '../ui.tsx';

const roles = ['user', 'assistant', 'system', 'tool'] as const;

/**
 * Full-text search over messages: highlighted snippets linking to the message. The query
 * lives in the URL, one history entry per search, so Back returns to the previous search.
 */
export function Search() {
  const [f, set] = useFilters('q', 'projectId', 'role', 'tag', 'since', 'until');
  const [text, setText] = useState(f.q ?? '');
  // Back and forward bring another search's URL: the box shows that search.
  useEffect(() => setText(f.q ?? ''), [f.q]);
  const role = roles.find((r) => r === f.role);
  const pages = usePages(
    (cursor) =>
      f.q
        ? api.GET('/v1/search/messages', {
            params: { query: { ...f, q: f.q, role, limit: 20, cursor } },
          })
        : Promise.resolve({ data: { items: [], nextCursor: null } }),
    [f.q, f.projectId, f.role, f.tag, f.since, f.until],
  );
  return (
    <>
      <h1>Search</h1>
      <search>
        <form
          onSubmit={(e) => {
            e.preventDefault();
            const q = text.trim();
            if (q !== (f.q ?? '')) set('q', q, true);
          }}
        >
          {/* biome-ignore lint/a11y/noRedundantRoles: Pico lays out [role=group] as one row. */}
          <fieldset role="group">
            <input
              type="search"
              name="q"
              aria-label="Search messages"
              placeholder='Words, "a phrase", -excluded, paths or identifiers'
              value={text}
              onInput={(e) => setText((e.currentTarget as HTMLInputElement).value)}
            />
            <button type="submit">Search</button>
          </fieldset>
        </form>
      </search>
      <div class="filters">
        <ProjectSelect value={f.projectId} onChange={(v) => set('projectId', v)} />
        <select
          aria-label="Role"
          value={f.role ?? ''}
          onChange={(e) => set('role', (e.currentTarget as HTMLSelectElement).value)}
        >
          <option value="">Any role</option>
          {roles.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
        <input
          type="search"
          aria-label="Tag"
          placeholder="Tag"
          value={f.tag ?? ''}
          onChange={(e) => set('tag', (e.currentTarget as HTMLInputElement).value)}
        />
        <DateFilter label="From" value={f.since} onChange={(v) => set('since', v)} />
        <DateFilter label="Before" value={f.until} onChange={(v) => set('until', v)} />
      </div>
      {f.q && (
        <Show state={pages}>
          {() =>
            pages.items.length === 0 ? (
              <p>No message matches “{f.q}”.</p>
            ) : (
              <ol class="hits">
                {pages.items.map((hit) => (
                  <li key={hit.messageId}>
                    <a
                      href={href(`/sessions/${hit.sessionId}`, {
                        conversation: hit.conversationId,
                        message: hit.messageId,
                        sequence: String(hit.sequence),
                      })}
                    >
                      {hit.sessionTitle ?? 'Session'} · #{hit.sequence} {hit.role}
                    </a>{' '}
                    <small>{when(hit.occurredAt)}</small>
                    <p>
                      <Snippet html={hit.snippet} />
                    </p>
                  </li>
                ))}
              </ol>
            )
          }
        </Show>
      )}
      <LoadMore pages={pages} />
    </>
  );
}
