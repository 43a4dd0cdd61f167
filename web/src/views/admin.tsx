import { useState } from 'preact/hooks';
import { api, problemText } from '../api.ts';
import { href } from '../router.ts';
import { ErrorNote, LoadMore, Show, useLoad, usePages, when } from '../ui.tsx';

const sections = [
  ['users', 'Users and invitations', 'users:read'],
  ['roles', 'Roles', 'roles:read'],
  ['keys', 'API keys', 'api_keys:manage'],
  ['audit', 'Audit log', 'audit:read'],
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
            {section === 'users' && <Users canInvite={m.permissions.includes('users:invite')} />}
            {section === 'roles' && <Roles />}
            {section === 'keys' && <ApiKeys permissions={m.permissions} />}
            {section === 'audit' && <AuditLog />}
          </>
        );
      }}
    </Show>
  );
}

function Users({ canInvite }: { canInvite: boolean }) {
  const pages = usePages(
    (cursor) => api.GET('/v1/users', { params: { query: { limit: 100, cursor } } }),
    [],
  );
  const [invitation, setInvitation] = useState<{ email: string; link: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const invite = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const value = (name: string) =>
      (form.elements.namedItem(name) as HTMLInputElement).value.trim();
    const { data, error } = await api.POST('/v1/users', {
      body: { email: value('email'), name: value('name') },
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
  return (
    <section>
      <h2>Users and invitations</h2>
      {canInvite && (
        <form onSubmit={invite} aria-label="Invite a user">
          {/* biome-ignore lint/a11y/noRedundantRoles: Pico lays out [role=group] as one row. */}
          <fieldset role="group">
            <input name="email" type="email" required placeholder="Email" aria-label="Email" />
            <input name="name" required placeholder="Name" aria-label="Name" />
            <button type="submit">Invite</button>
          </fieldset>
        </form>
      )}
      {error && <ErrorNote text={error} />}
      {invitation && (
        <article class="once" aria-live="polite">
          Send this link to {invitation.email}. It is shown only now:
          <input
            readOnly
            value={invitation.link}
            aria-label="Invitation link"
            onFocus={(e) => e.currentTarget.select()}
          />
        </article>
      )}
      <Show state={pages}>
        {() => (
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Email</th>
                <th scope="col">Status</th>
                <th scope="col">Since</th>
              </tr>
            </thead>
            <tbody>
              {pages.items.map((u) => (
                <tr key={u.id}>
                  <td>{u.name}</td>
                  <td>{u.email}</td>
                  <td>{u.status === 'invited' ? <span class="badge">invited</span> : u.status}</td>
                  <td>{when(u.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Show>
      <LoadMore pages={pages} />
    </section>
  );
}

function Roles() {
  const roles = useLoad(() => api.GET('/v1/roles', { params: { query: { limit: 200 } } }), []);
  return (
    <section>
      <h2>Roles</h2>
      <Show state={roles}>
        {(r) => (
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Role</th>
                <th scope="col">Permissions</th>
              </tr>
            </thead>
            <tbody>
              {r.items.map((role) => (
                <tr key={role.id}>
                  <td>
                    {role.name} {role.system && <span class="badge">system</span>}
                    <br />
                    <small>{role.description}</small>
                  </td>
                  <td>
                    <small>{role.permissions.join(', ')}</small>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
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
      <Show state={keys}>
        {() => (
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Key</th>
                <th scope="col">Permissions</th>
                <th scope="col">Last used</th>
                <th scope="col" />
              </tr>
            </thead>
            <tbody>
              {keys.items.map((k) => (
                <tr key={k.id}>
                  <td>{k.name}</td>
                  <td>
                    <code>{k.prefix}…</code>
                  </td>
                  <td>
                    <small>{k.permissions.join(', ')}</small>
                  </td>
                  <td>{when(k.lastUsedAt)}</td>
                  <td>
                    {k.revokedAt ? (
                      <small>revoked</small>
                    ) : (
                      <button
                        type="button"
                        class="secondary outline small"
                        onClick={() => revoke(k.id)}
                      >
                        Revoke
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Show>
      <LoadMore pages={keys} />
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
      <Show state={pages}>
        {() => (
          <table class="striped">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">From</th>
              </tr>
            </thead>
            <tbody>
              {pages.items.map((e) => (
                <tr key={e.id}>
                  <td>{when(e.occurredAt)}</td>
                  <td>
                    <code>{e.action}</code>
                  </td>
                  <td>{e.targetType ? `${e.targetType} ${e.targetId?.slice(0, 8) ?? ''}` : '—'}</td>
                  <td>{e.ip ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Show>
      <LoadMore pages={pages} />
    </section>
  );
}
