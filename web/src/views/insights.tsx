import { api } from '../api.ts';
import { ProjectSelect, TextFilter, useFilters } from '../filters.tsx';
import { href } from '../router.ts';
import { count, Show, useLoad, when } from '../ui.tsx';

const tabs = [
  ['topics', 'Topics'],
  ['files', 'Files'],
  ['commands', 'Commands'],
] as const;

/** v1's views: message tags (topics), most-referenced files, and executed commands. */
export function Insights({ view }: { view: string }) {
  const [f, set] = useFilters('projectId', 'q');
  return (
    <>
      <h1>Topics, files, commands</h1>
      <nav aria-label="Views">
        <ul>
          {tabs.map(([id, label]) => (
            <li key={id}>
              <a href={href(`/insights/${id}`, f)} aria-current={view === id ? 'page' : undefined}>
                {label}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <div class="filters">
        <ProjectSelect value={f.projectId} onChange={(v) => set('projectId', v)} />
        <TextFilter label="Filter" value={f.q} onChange={(v) => set('q', v)} />
      </div>
      {/* Keyed by view: another view's rows have another shape. */}
      <Table key={view} view={view} projectId={f.projectId} q={f.q} />
    </>
  );
}

function Table({ view, projectId, q }: { view: string; projectId?: string; q?: string }) {
  const query = { params: { query: { projectId, q, limit: 200 } } };
  const data = useLoad<{ items: Row[] }>(
    () =>
      view === 'files'
        ? api.GET('/v1/insights/files', query)
        : view === 'commands'
          ? api.GET('/v1/insights/commands', query)
          : api.GET('/v1/insights/tags', query),
    [projectId, q],
  );
  return (
    <Show state={data}>
      {(d) =>
        d.items.length === 0 ? (
          <p>Nothing matches.</p>
        ) : (
          <div class="overflow-auto">
            <table class="striped">{rowsOf(view, d.items)}</table>
          </div>
        )
      }
    </Show>
  );
}

type Row = Record<string, unknown>;
const searchFor = (text: string) => href('/search', { q: `"${text}"` });

function rowsOf(view: string, items: Row[]) {
  if (view === 'files')
    return (
      <>
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">References</th>
            <th scope="col">Sessions</th>
            <th scope="col">Operations</th>
            <th scope="col">Last</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={String(r.path)}>
              <td>
                <a href={searchFor(String(r.path))}>
                  <code>{String(r.path)}</code>
                </a>
              </td>
              <td>{count(r.references as number)}</td>
              <td>{count(r.sessions as number)}</td>
              <td>{(r.operations as string[]).join(', ')}</td>
              <td>{when(r.lastReferencedAt as string | null)}</td>
            </tr>
          ))}
        </tbody>
      </>
    );
  if (view === 'commands')
    return (
      <>
        <thead>
          <tr>
            <th scope="col">Command</th>
            <th scope="col">Runs</th>
            <th scope="col">Sessions</th>
            <th scope="col">Last</th>
          </tr>
        </thead>
        <tbody>
          {items.map((r) => (
            <tr key={String(r.command)}>
              <td>
                <code>{String(r.command)}</code>
              </td>
              <td>{count(r.runs as number)}</td>
              <td>{count(r.sessions as number)}</td>
              <td>{when(r.lastRunAt as string | null)}</td>
            </tr>
          ))}
        </tbody>
      </>
    );
  return (
    <>
      <thead>
        <tr>
          <th scope="col">Topic</th>
          <th scope="col">Messages</th>
          <th scope="col">Sessions</th>
        </tr>
      </thead>
      <tbody>
        {items.map((r) => (
          <tr key={String(r.tag)}>
            <td>
              <a href={href('/search', { tag: String(r.tag) })} title="Search within this topic">
                {String(r.tag)}
              </a>
            </td>
            <td>{count(r.messages as number)}</td>
            <td>{count(r.sessions as number)}</td>
          </tr>
        ))}
      </tbody>
    </>
  );
}
