import { api } from '../api.ts';
import { Show, useLoad, when } from '../ui.tsx';

/** One commit: message, author, stats, branches, and a link to where it is hosted. */
export function Commit({ repositoryId, sha }: { repositoryId: string; sha: string }) {
  const commit = useLoad(
    () =>
      api.GET('/v1/repositories/{id}/commits/{sha}', {
        params: { path: { id: repositoryId, sha } },
      }),
    [repositoryId, sha],
  );
  return (
    <Show state={commit}>
      {(c) => (
        <article>
          <hgroup>
            <h1>{c.subject}</h1>
            <p>
              <code>{c.shortSha}</code> · {c.author.name ?? c.author.email ?? 'unknown author'} ·{' '}
              {when(c.committedAt)}
            </p>
          </hgroup>
          {c.body && <pre>{c.body}</pre>}
          <p>
            {c.conventional.type && <span class="badge">{c.conventional.type}</span>}
            {c.conventional.breaking && <span class="badge blocked">breaking</span>}
            {c.stats.filesChanged != null && ` ${c.stats.filesChanged} files`}
            {c.stats.insertions != null && ` +${c.stats.insertions}`}
            {c.stats.deletions != null && ` −${c.stats.deletions}`}
            {c.branches.length > 0 && ` · ${c.branches.join(', ')}`}
          </p>
          {c.url?.startsWith('https://') && (
            <a href={c.url} rel="noreferrer noopener" target="_blank">
              Open on the git host
            </a>
          )}
        </article>
      )}
    </Show>
  );
}
