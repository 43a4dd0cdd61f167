import { api } from './api.ts';
import { route, setQuery } from './router.ts';
import { type Loaded, useLoad } from './ui.tsx';

/** The current view's filters from the URL, and a setter that keeps them in it. */
export function useFilters<K extends string>(...names: K[]) {
  const { query } = route.value;
  const values = Object.fromEntries(names.map((n) => [n, query.get(n) ?? undefined])) as Record<
    K,
    string | undefined
  >;
  const set = (name: K, value: string | undefined, push = false) =>
    setQuery({ ...values, [name]: value || undefined }, push);
  return [values, set] as const;
}

const valueIn = (e: Event) => (e.currentTarget as HTMLSelectElement | HTMLInputElement).value;

/** A select of the tenant's projects (first 200), "All projects" for none. */
export function ProjectSelect(props: { value?: string; onChange: (id: string) => void }) {
  const projects = useLoad(
    () => api.GET('/v1/projects', { params: { query: { limit: 200 } } }),
    [],
  );
  return (
    <select
      aria-label="Project"
      value={props.value ?? ''}
      onChange={(e) => props.onChange(valueIn(e))}
    >
      <option value="">All projects</option>
      {projects.data?.items.map((p) => (
        <option key={p.id} value={p.id}>
          {p.name}
        </option>
      ))}
    </select>
  );
}

/** A select of the given repositories (see useRepositories), "All repositories" for none. */
export function RepositorySelect(props: {
  repositories: Loaded<{ items: { id: string; fullName: string }[] }>;
  value?: string;
  onChange: (id: string) => void;
}) {
  return (
    <select
      aria-label="Repository"
      value={props.value ?? ''}
      onChange={(e) => props.onChange(valueIn(e))}
    >
      <option value="">All repositories</option>
      {props.repositories.data?.items.map((r) => (
        <option key={r.id} value={r.id}>
          {r.fullName}
        </option>
      ))}
    </select>
  );
}

/** The tenant's repositories (first 200): loaded once per view, for the select and others. */
export const useRepositories = () =>
  useLoad(() => api.GET('/v1/repositories', { params: { query: { limit: 200 } } }), []);

/** A text filter that applies on Enter or when the field loses focus. */
export function TextFilter(props: {
  label: string;
  value?: string;
  onChange: (v: string) => void;
}) {
  return (
    <input
      type="search"
      aria-label={props.label}
      placeholder={props.label}
      value={props.value ?? ''}
      onChange={(e) => props.onChange(valueIn(e))}
    />
  );
}

/** A date filter (yyyy-mm-dd) kept as an ISO timestamp at midnight UTC. */
export function DateFilter(props: {
  label: string;
  value?: string;
  onChange: (iso: string) => void;
}) {
  return (
    <input
      type="date"
      aria-label={props.label}
      title={props.label}
      value={props.value?.slice(0, 10) ?? ''}
      onChange={(e) => {
        const day = valueIn(e);
        props.onChange(day ? `${day}T00:00:00Z` : '');
      }}
    />
  );
}
