import { api } from '../api.ts';
import { ProjectSelect, TextFilter, useFilters } from '../filters.tsx';
import { href } from '../router.ts';
import { count, Show, Table, useLoad, when } from '../ui.tsx';

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
      {view === 'files' ? (
        <Files projectId={f.projectId} q={f.q} />
      ) : view === 'commands' ? (
        <Commands projectId={f.projectId} q={f.q} />
      ) : (
        <Topics projectId={f.projectId} q={f.q} />
      )}
    </>
  );
}

type Filters = { projectId?: string; q?: string };
const queryOf = ({ projectId, q }: Filters) => ({
  params: { query: { projectId, q, limit: 200 } },
});
const empty = 'Nothing matches.';
const searchFor = (text: string) => href('/search', { q: `"${text}"` });

function Topics(filters: Filters) {
  const data = useLoad(
    () => api.GET('/v1/insights/tags', queryOf(filters)),
    [filters.projectId, filters.q],
  );
  return (
    <Show state={data}>
      {(d) => (
        <Table
          empty={empty}
          label="Topics"
          columns={['Topic', 'Messages', 'Sessions']}
          items={d.items}
          rowKey={(r) => r.tag}
          cells={(r) => [
            <a href={href('/search', { tag: r.tag })} title="Search within this topic">
              {r.tag}
            </a>,
            count(r.messages),
            count(r.sessions),
          ]}
        />
      )}
    </Show>
  );
}

function Files(filters: Filters) {
  const data = useLoad(
    () => api.GET('/v1/insights/files', queryOf(filters)),
    [filters.projectId, filters.q],
  );
  return (
    <Show state={data}>
      {(d) => (
        <Table
          empty={empty}
          label="Files"
          columns={['File', 'References', 'Sessions', 'Operations', 'Last']}
          items={d.items}
          rowKey={(r) => r.path}
          cells={(r) => [
            <a href={searchFor(r.path)}>
              <code>{r.path}</code>
            </a>,
            count(r.references),
            count(r.sessions),
            r.operations.join(', '),
            when(r.lastReferencedAt),
          ]}
        />
      )}
    </Show>
  );
}

function Commands(filters: Filters) {
  const data = useLoad(
    () => api.GET('/v1/insights/commands', queryOf(filters)),
    [filters.projectId, filters.q],
  );
  return (
    <Show state={data}>
      {(d) => (
        <Table
          empty={empty}
          label="Commands"
          columns={['Command', 'Runs', 'Sessions', 'Last']}
          items={d.items}
          rowKey={(r) => r.command}
          cells={(r) => [
            <code>{r.command}</code>,
            count(r.runs),
            count(r.sessions),
            when(r.lastRunAt),
          ]}
        />
      )}
    </Show>
  );
}
