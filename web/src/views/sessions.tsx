import { api } from '../api.ts';
import {
  DateFilter,
  ProjectSelect,
  RepositorySelect,
  TextFilter,
  useFilters,
  useRepositories,
} from '../filters.tsx';
import { href } from '../router.ts';
import { duration, PagedTable, usePages, when } from '../ui.tsx';

/** Sessions, newest first, filtered by project, repository, tool and start date. */
export function Sessions() {
  const [f, set] = useFilters('projectId', 'repositoryId', 'tool', 'since', 'until');
  const repositories = useRepositories();
  const pages = usePages(
    (cursor) => api.GET('/v1/sessions', { params: { query: { ...f, limit: 50, cursor } } }),
    [f.projectId, f.repositoryId, f.tool, f.since, f.until],
  );
  return (
    <>
      <h1>Sessions</h1>
      <div class="filters">
        <ProjectSelect value={f.projectId} onChange={(v) => set('projectId', v)} />
        <RepositorySelect
          repositories={repositories}
          value={f.repositoryId}
          onChange={(v) => set('repositoryId', v)}
        />
        <TextFilter label="Tool" value={f.tool} onChange={(v) => set('tool', v)} />
        <DateFilter label="Started from" value={f.since} onChange={(v) => set('since', v)} />
        <DateFilter label="Started before" value={f.until} onChange={(v) => set('until', v)} />
      </div>
      <PagedTable
        pages={pages}
        empty="No sessions match."
        label="Sessions"
        columns={['Session', 'Tool', 'Started', 'Duration', 'Branch']}
        rowKey={(s) => s.id}
        cells={(s) => [
          <a href={href(`/sessions/${s.id}`)}>{s.title ?? s.externalId ?? s.id.slice(0, 8)}</a>,
          s.tool,
          when(s.startedAt),
          duration(s.durationSeconds),
          s.gitBranch ?? '—',
        ]}
      />
    </>
  );
}
