import { api } from '../api.ts';
import { href } from '../router.ts';
import { count, LoadMore, Show, useLoad, usePages, when } from '../ui.tsx';

export function Projects() {
  const pages = usePages(
    (cursor) => api.GET('/v1/projects', { params: { query: { limit: 50, cursor } } }),
    [],
  );
  return (
    <>
      <h1>Projects</h1>
      <Show state={pages}>
        {() =>
          pages.items.length === 0 ? (
            <p>No projects yet.</p>
          ) : (
            <ul class="tiles">
              {pages.items.map((p) => (
                <li key={p.id}>
                  <a href={href(`/projects/${p.id}`)}>
                    <strong>{p.name}</strong>
                  </a>{' '}
                  {p.status === 'archived' && <span class="badge">archived</span>}
                  <p>{p.description || <small>{p.slug}</small>}</p>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
      <LoadMore pages={pages} />
    </>
  );
}

/** A project: its progress, its task lists and the commits linked to its tasks. */
export function Project({ id }: { id: string }) {
  const path = { params: { path: { id } } };
  const project = useLoad(() => api.GET('/v1/projects/{id}', path), [id]);
  const stats = useLoad(() => api.GET('/v1/projects/{id}/stats', path), [id]);
  const lists = useLoad(
    () =>
      api.GET('/v1/projects/{id}/task-lists', { params: { path: { id }, query: { limit: 200 } } }),
    [id],
  );
  return (
    <Show state={project}>
      {(p) => (
        <>
          <hgroup>
            <h1>{p.name}</h1>
            <p>{p.description || p.slug}</p>
          </hgroup>
          <Show state={stats}>
            {(s) => (
              <section aria-label="Progress">
                <progress
                  value={s.completed}
                  max={Math.max(s.total, 1)}
                  aria-label="Tasks complete"
                />
                <p>
                  {count(s.completed)} of {count(s.total)} tasks done ({s.percentComplete}%) ·{' '}
                  {count(s.blocked)} blocked · {count(s.overdue)} overdue · {count(s.commits.total)}{' '}
                  commits
                </p>
              </section>
            )}
          </Show>
          <h2>Task lists</h2>
          <Show state={lists}>
            {(l) =>
              l.items.length === 0 ? (
                <p>No task lists yet. Import one from markdown with the API or the CLI.</p>
              ) : (
                <ul>
                  {l.items.map((list) => (
                    <li key={list.id}>
                      <a href={href(`/task-lists/${list.id}`)}>{list.name}</a>{' '}
                      <small>updated {when(list.updatedAt)}</small>
                    </li>
                  ))}
                </ul>
              )
            }
          </Show>
        </>
      )}
    </Show>
  );
}
