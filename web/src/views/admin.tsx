import { useState } from 'preact/hooks';
import { api, problemText } from '../api.ts';
import { href } from '../router.ts';
import { ErrorNote, PagedTable, Show, Table, useLoad, usePages, when } from '../ui.tsx';
import { TenantData } from './tenant-data.tsx';

const sections = [
  ['users', 'Users and invitations', 'users:read'],
  ['roles', 'Roles', 'roles:read'],
  ['keys', 'API keys', 'api_keys:manage'],
  ['audit', 'Audit log', 'audit:read'],
  ['data', 'Tenant', 'tenant:own'],
] as const;

/** Users, invitations, roles, API keys and the audit log: only the parts the user may see. */
export function Admin({ section }: { section: string }) {
  const me = useLoad(() => api.GET('/v1/me'), []);
  return (
    <Show state={me}>
      {(m) => {
        const allowed = sections.filter(([, , permission]) => m.permissions.includes(permission));
        return (
          <>
            <h1>Admin</h1>
            <nav aria-label="Admin sections">
              <ul>
                {allowed.map(([id, label]) => (
                  <li key={id}>
                    <a
                      href={href(`/admin/${id}`)}
                      aria-current={section === id ? 'page' : undefined}
                    >
                      {label}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
            {allowed.length === 0 && <p>Your role has no administration rights.</p>}
            {section === 'users' && (
              <Users
                canInvite={m.permissions.includes('users:invite')}
                canDeactivate={m.permissions.includes('users:deactivate')}
                myId={m.user.id}
              />
            )}
            {section === 'roles' && <Roles />}
            {section === 'keys' && <ApiKeys permissions={m.permissions} />}
            {section === 'audit' && <AuditLog />}
            {section === 'data' && <TenantData />}
          </>
        );
      }}
    </Show>
  );
}

function Users(props: { canInvite: boolean; canDeactivate: boolean; myId: string }) {
  const { canInvite, canDeactivate, myId } = props;
  const roles = useLoad(
    () => (canInvite ? api.GET('/v1/roles', { params: { query: { limit: 200 } } }) : none()),
    [canInvite],
  );
  const pages = usePages(
    (cursor) => api.GET('/v1/users', { params: { query: { limit: 100, cursor } } }),
    [],
  );
  const [invitation, setInvitation] = useState<{ email: string; link: string | null } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const invite = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const value = (name: string) =>
      (form.elements.namedItem(name) as HTMLInputElement).value.trim();
    const role = value('role');
    const { data, error } = await api.POST('/v1/users', {
      body: { email: value('email'), name: value('name'), ...(role ? { roleIds: [role] } : {}) },
    });
    if (!data) return setError(problemText(error));
    setError(null);
    form.reset();
    setInvitation({
      email: data.user.email,
      link: `${location.origin}/#/invitation/${encodeURIComponent(data.invitation.token)}`,
    });
    pages.reload();
  };
  const resend = async (user: { id: string; email: string }) => {
    const { error } = await api.POST('/v1/users/{id}/invitation', {
      params: { path: { id: user.id } },
    });
    setError(error ? problemText(error) : null);
    if (!error) setInvitation({ email: user.email, link: null });
  };
  const revoke = async (user: { id: string; name: string }) => {
    if (!confirm(`Revoke ${user.name}'s invitation? Its link stops working.`)) return;
    const { error } = await api.DELETE('/v1/users/{id}/invitation', {
      params: { path: { id: user.id } },
    });
    setError(error ? problemText(error) : null);
    pages.reload();
  };
  const deactivate = async (user: { id: string; name: string }) => {
    if (!confirm(`Deactivate ${user.name}? Their sessions and API keys stop working now.`)) return;
    const { error } = await api.DELETE('/v1/users/{id}', { params: { path: { id: user.id } } });
    setError(error ? problemText(error) : null);
    pages.reload();
  };
  return (
    <section>
      <h2>Users and invitations</h2>
      {canInvite && (
        <form onSubmit={invite} aria-label="Invite a user">
          {/* biome-ignore lint/a11y/noRedundantRoles: Pico lays out [role=group] as one row. */}
          <fieldset role="group">
            <input name="email" type="email" required placeholder="Email" aria-label="Email" />
            <input name="name" required placeholder="Name" aria-label="Name" />
            <select name="role" aria-label="Role">
              <option value="">member</option>
              {roles.data?.items
                .filter((r) => r.name !== 'member')
                .map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name}
                  </option>
                ))}
            </select>
            <button type="submit">Invite</button>
          </fieldset>
        </form>
      )}
      {error && <ErrorNote text={error} />}
      {invitation && (
        <article class="once" aria-live="polite">
          An invitation is on its way to {invitation.email} by e-mail.
          {invitation.link && (
            <>
              {' '}
              Where mail cannot reach, send this link yourself. It is shown only now:
              <input
                readOnly
                value={invitation.link}
                aria-label="Invitation link"
                onFocus={(e) => e.currentTarget.select()}
              />
            </>
          )}
        </article>
      )}
      <PagedTable
        pages={pages}
        label="Users"
        columns={['Name', 'Email', 'Status', 'Since', '']}
        rowKey={(u) => u.id}
        cells={(u) => [
          u.name,
          u.email,
          u.status === 'invited' ? <span class="badge">invited</span> : u.status,
          when(u.createdAt),
          canInvite && u.status === 'invited' ? (
            <>
              <button type="button" class="secondary outline small" onClick={() => resend(u)}>
                Resend
              </button>{' '}
              <button type="button" class="secondary outline small" onClick={() => revoke(u)}>
                Revoke
              </button>
            </>
          ) : (
            canDeactivate &&
            u.status !== 'deactivated' &&
            u.id !== myId && (
              <button type="button" class="secondary outline small" onClick={() => deactivate(u)}>
                Deactivate
              </button>
            )
          ),
        ]}
      />
    </section>
  );
}

/** A load that has nothing to fetch (the user may not see it). */
const none = () => Promise.resolve({ data: { items: [], nextCursor: null } });

function Roles() {
  const roles = useLoad(() => api.GET('/v1/roles', { params: { query: { limit: 200 } } }), []);
  return (
    <section>
      <h2>Roles</h2>
      <Show state={roles}>
        {(r) => (
          <Table
            label="Roles"
            columns={['Role', 'Permissions']}
            items={r.items}
            rowKey={(role) => role.id}
            cells={(role) => [
              <>
                {role.name} {role.system && <span class="badge">system</span>}
                <br />
                <small>{role.description}</small>
              </>,
              <small>{role.permissions.join(', ')}</small>,
            ]}
          />
        )}
      </Show>
    </section>
  );
}

function ApiKeys({ permissions }: { permissions: string[] }) {
  const keys = usePages(
    (cursor) => api.GET('/v1/api-keys', { params: { query: { limit: 100, cursor } } }),
    [],
  );
  const [secret, setSecret] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const create = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const name = (form.elements.namedItem('name') as HTMLInputElement).value.trim();
    const chosen = [
      ...form.querySelectorAll<HTMLInputElement>('input[name=permission]:checked'),
    ].map((i) => i.value);
    const { data, error } = await api.POST('/v1/api-keys', { body: { name, permissions: chosen } });
    if (!data) return setError(problemText(error));
    setError(null);
    form.reset();
    setSecret(data.secret);
    keys.reload();
  };
  const revoke = async (id: string) => {
    const { error } = await api.DELETE('/v1/api-keys/{id}', { params: { path: { id } } });
    if (error) setError(problemText(error));
    keys.reload();
  };
  return (
    <section>
      <h2>API keys</h2>
      <form onSubmit={create} aria-label="Create an API key">
        <input
          name="name"
          required
          maxLength={100}
          placeholder="Name, e.g. laptop hook"
          aria-label="Key name"
        />
        <fieldset class="permissions">
          <legend>Permissions (a subset of yours)</legend>
          {permissions.map((p) => (
            <label key={p}>
              <input
                type="checkbox"
                name="permission"
                value={p}
                defaultChecked={p === 'sessions:write'}
              />{' '}
              {p}
            </label>
          ))}
        </fieldset>
        <button type="submit">Create key</button>
      </form>
      {error && <ErrorNote text={error} />}
      {secret && (
        <article class="once" aria-live="polite">
          <p>Copy the key now: it is not shown again.</p>
          <input
            readOnly
            value={secret}
            aria-label="New API key"
            onFocus={(e) => e.currentTarget.select()}
          />
          <button type="button" class="secondary small" onClick={() => setSecret(null)}>
            I have copied it
          </button>
        </article>
      )}
      <PagedTable
        pages={keys}
        label="API keys"
        columns={['Name', 'Key', 'Permissions', 'Last used', '']}
        rowKey={(k) => k.id}
        cells={(k) => [
          k.name,
          <code>{k.prefix}</code>,
          <small>{k.permissions.join(', ')}</small>,
          when(k.lastUsedAt),
          k.revokedAt ? (
            <small>revoked</small>
          ) : (
            <button type="button" class="secondary outline small" onClick={() => revoke(k.id)}>
              Revoke
            </button>
          ),
        ]}
      />
    </section>
  );
}

function AuditLog() {
  const pages = usePages(
    (cursor) => api.GET('/v1/audit-log', { params: { query: { limit: 100, cursor } } }),
    [],
  );
  return (
    <section>
      <h2>Audit log</h2>
      <PagedTable
        pages={pages}
        label="Audit log"
        columns={['When', 'Action', 'Target', 'From']}
        rowKey={(e) => e.id}
        cells={(e) => [
          when(e.occurredAt),
          <code>{e.action}</code>,
          e.targetType ? `${e.targetType} ${e.targetId?.slice(0, 8) ?? ''}` : '—',
          e.ip ?? '—',
        ]}
      />
    </section>
  );
}
