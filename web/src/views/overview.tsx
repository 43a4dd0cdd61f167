import { api } from '../api.ts';
import { href } from '../router.ts';
import { count, Meter, Show, useLoad, when } from '../ui.tsx';

/** Limits are set in MiB (the README's 100 MiB): shown in the same unit. */
const MIB = 1024 * 1024;

/** Counts, usage against the tier's quotas, and the latest sessions and commits. */
export function Overview() {
  const overview = useLoad(() => api.GET('/v1/insights/overview'), []);
  const usage = useLoad(() => api.GET('/v1/tenant/usage'), []);
  return (
    <>
      <h1>Overview</h1>
      <Show state={overview}>
        {(o) => (
          <>
            <section class="cards" aria-label="Counts">
              <Card label="Sessions" value={o.sessions} to="#/sessions" />
              <Card label="Messages" value={o.messages} to="#/search" />
              <Card label="Commits" value={o.commits} to="#/timeline" />
              <Card label="Tasks open" value={o.tasks.open} to="#/projects" />
              <Card label="Tasks done" value={o.tasks.done} to="#/projects" />
              <Card label="Files touched" value={o.filesTouched} to="#/insights/files" />
            </section>
            <section>
              <h2>Recent activity</h2>
              {o.recent.length === 0 ? (
                <p>
                  Nothing yet. Push a session with the CLI, or{' '}
                  <a href="#/import">import your v1 data</a>.
                </p>
              ) : (
                <ul class="activity">
                  {o.recent.map((r) => (
                    <li key={`${r.kind}${r.id}`}>
                      <span class={`badge ${r.kind}`}>{r.kind}</span>{' '}
                      <a
                        href={
                          r.kind === 'session'
                            ? href(`/sessions/${r.id}`)
                            : href(`/commits/${r.repositoryId}/${r.id}`)
                        }
                      >
                        {r.title}
                      </a>{' '}
                      <small>{when(r.at)}</small>
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </>
        )}
      </Show>
      <section>
        <h2>Usage</h2>
        <Show state={usage}>
          {(u) => (
            <>
              <p>
                Tier <strong>{u.tier}</strong>; {count(u.requestsPerHour)} requests per hour per
                user.
              </p>
              <Meter label="Users" {...u.users} />
              <Meter label="Projects" {...u.projects} />
              <Meter label="Repositories" {...u.repositories} />
              <Meter label="Stored messages" {...u.messages} />
              <Meter
                label="Storage (MiB)"
                used={Math.round(u.storageBytes.used / MIB)}
                limit={Math.round(u.storageBytes.limit / MIB)}
              />
            </>
          )}
        </Show>
      </section>
    </>
  );
}

function Card({ label, value, to }: { label: string; value: number; to: string }) {
  return (
    <a class="card" href={to}>
      <strong>{count(value)}</strong>
      <span>{label}</span>
    </a>
  );
}
