import { useEffect, useState } from 'preact/hooks';
import { api, currentTenant, problemText } from '../api.ts';
import { count, ErrorNote, Show, Table, useLoad, when } from '../ui.tsx';

/**
 * What only owners do with the tenant as a whole: take all its data with them (an archive
 * to download for a day), and leave (deletion in 30 days, read-only and restorable until
 * then).
 */
export function TenantData() {
  return (
    <>
      <Rules />
      <Exports />
      <Leaving />
    </>
  );
}

function Rules() {
  const tenant = useLoad(() => api.GET('/v1/tenant'), []);
  const [error, setError] = useState<string | null>(null);
  const change = async (requireVerifiedEmail: boolean) => {
    const { error } = await api.PATCH('/v1/tenant', { body: { requireVerifiedEmail } });
    setError(error ? problemText(error) : null);
    tenant.reload();
  };
  return (
    <section>
      <h2>Rules</h2>
      <Show state={tenant}>
        {(t) => (
          <label>
            <input
              type="checkbox"
              role="switch"
              aria-checked={t.requireVerifiedEmail}
              checked={t.requireVerifiedEmail}
              onChange={(e) => void change((e.currentTarget as HTMLInputElement).checked)}
            />{' '}
            Only members with a verified e-mail address may make changes
          </label>
        )}
      </Show>
      {error && <ErrorNote text={error} />}
    </section>
  );
}

function Exports() {
  const exports = useLoad(() => api.GET('/v1/tenant/exports'), []);
  const [error, setError] = useState<string | null>(null);
  const building = exports.data?.items.some((e) => e.status === 'queued');
  // While an archive is being built, look again every second.
  useEffect(() => {
    if (!building) return;
    const timer = setTimeout(exports.reload, 1000);
    return () => clearTimeout(timer);
  }, [building, exports.data]);
  const start = async () => {
    const { error } = await api.POST('/v1/tenant/exports');
    setError(error ? problemText(error) : null);
    exports.reload();
  };
  const download = async (id: string, createdAt: string) => {
    const { data, error } = await api.GET('/v1/tenant/exports/{id}/archive', {
      params: { path: { id } },
      parseAs: 'blob',
    });
    if (!data) return setError(problemText(error));
    const link = document.createElement('a');
    link.href = URL.createObjectURL(data as Blob);
    link.download = `devctx-${currentTenant.value?.slug}-${createdAt.slice(0, 10)}.ndjson.gz`;
    link.click();
    URL.revokeObjectURL(link.href);
  };
  return (
    <section>
      <h2>Export everything</h2>
      <p>
        One archive of the whole tenant: people (without passwords), teams, roles, projects, plans,
        tasks, repositories, commits, sessions, every message and the audit log. It can be
        downloaded for a day, and imported into a new tenant.
      </p>
      <button type="button" onClick={() => void start()} aria-busy={building}>
        Export the tenant
      </button>
      {error && <ErrorNote text={error} />}
      <Show state={exports}>
        {(data) => (
          <Table
            items={data.items}
            label="Exports"
            empty="No export yet."
            columns={['Asked', 'State', 'Size', 'Rows', 'Until', '']}
            rowKey={(e) => e.id}
            cells={(e) => [
              when(e.createdAt),
              e.status === 'failed' ? `failed: ${e.error}` : (e.error ?? e.status),
              e.bytes === null ? '' : `${count(Math.ceil(e.bytes / 1024))} KB`,
              e.counts ? count(Object.values(e.counts).reduce((s, n) => s + n, 0)) : '',
              when(e.expiresAt),
              e.status === 'succeeded' && e.expiresAt && new Date(e.expiresAt) > new Date() ? (
                <button
                  type="button"
                  class="secondary small"
                  onClick={() => void download(e.id, e.createdAt)}
                >
                  Download
                </button>
              ) : (
                ''
              ),
            ]}
          />
        )}
      </Show>
    </section>
  );
}

function Leaving() {
  const tenant = useLoad(() => api.GET('/v1/tenant'), []);
  const [error, setError] = useState<string | null>(null);
  const schedule = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const confirm = (form.elements.namedItem('confirm') as HTMLInputElement).value.trim();
    const { error } = await api.DELETE('/v1/tenant', { params: { query: { confirm } } });
    setError(error ? problemText(error) : null);
    tenant.reload();
  };
  const restore = async () => {
    const { error } = await api.POST('/v1/tenant/restore');
    setError(error ? problemText(error) : null);
    tenant.reload();
  };
  return (
    <section>
      <h2>Delete the tenant</h2>
      <Show state={tenant}>
        {(t) =>
          t.deletionDueAt ? (
            <article role="status">
              <p>
                The tenant and all its data will be deleted on{' '}
                <strong>{new Date(t.deletionDueAt).toUTCString()}</strong>. Until then it is
                read-only: export it, or restore it.
              </p>
              <button type="button" onClick={() => void restore()}>
                Restore the tenant
              </button>
            </article>
          ) : (
            <form onSubmit={schedule} aria-label="Delete the tenant">
              <p>
                Deletes every person, project, session and message of “{t.name}” in 30 days. Until
                then the tenant is read-only and an owner can restore it.
              </p>
              <label>
                Type the tenant’s slug, {t.slug}, to confirm
                <input name="confirm" required autoComplete="off" />
              </label>
              <button type="submit" class="contrast">
                Delete in 30 days
              </button>
            </form>
          )
        }
      </Show>
      {error && <ErrorNote text={error} />}
    </section>
  );
}
