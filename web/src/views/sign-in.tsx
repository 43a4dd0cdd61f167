import { useState } from 'preact/hooks';
import {
  acceptInvitation,
  knownTenants,
  problemText,
  signIn,
  signUp,
  switchTenant,
} from '../api.ts';
import { match, route } from '../router.ts';

type Mode = 'in' | 'up' | 'invitation';
const titles: Record<Mode, string> = {
  in: 'Sign in',
  up: 'Create a tenant',
  invitation: 'Accept your invitation',
};

const field = (form: HTMLFormElement, name: string) =>
  (form.elements.namedItem(name) as HTMLInputElement | null)?.value.trim() ?? '';

/**
 * Sign in to a tenant by its slug, create a tenant, or accept an invitation link. The URL
 * is left as it is, so the page the user was on opens again once they are in.
 */
export function SignIn({ reason }: { reason?: string }) {
  const invitation = match('/invitation/:token', route.value.path)?.token;
  const [chosen, setMode] = useState<'in' | 'up'>('in');
  const mode: Mode = invitation ? 'invitation' : chosen;
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const password = (form.elements.namedItem('password') as HTMLInputElement).value;
    setBusy(true);
    const problem =
      mode === 'invitation'
        ? await acceptInvitation(invitation as string, {
            name: field(form, 'name') || undefined,
            password,
          })
        : mode === 'in'
          ? await signIn(field(form, 'tenant'), field(form, 'email'), password)
          : await signUp({
              tenant: { name: field(form, 'tenantName'), slug: field(form, 'tenant') },
              user: { name: field(form, 'name'), email: field(form, 'email'), password },
            });
    setBusy(false);
    setError(problem ? problemText(problem) : null);
  };

  return (
    <main class="container narrow">
      <h1>Dev Context</h1>
      {reason && mode === 'in' && <p>{reason}</p>}
      <form onSubmit={submit} aria-label={titles[mode]}>
        <h2>{titles[mode]}</h2>
        {mode === 'up' && (
          <label>
            Team or company name
            <input name="tenantName" required maxLength={200} />
          </label>
        )}
        {mode !== 'in' && (
          <label>
            Your name{mode === 'invitation' && ' (optional)'}
            <input name="name" required={mode === 'up'} autoComplete="name" maxLength={200} />
          </label>
        )}
        {mode !== 'invitation' && (
          <>
            <label>
              Tenant (slug)
              <input
                name="tenant"
                required
                pattern="[a-z0-9]([a-z0-9\-]{0,61}[a-z0-9])?"
                title="Lowercase letters, digits and inner hyphens"
                autoComplete="organization"
                placeholder="acme"
              />
            </label>
            <label>
              Email
              <input name="email" type="email" required autoComplete="email" />
            </label>
          </>
        )}
        <label>
          Password
          <input
            name="password"
            type="password"
            required
            minLength={mode === 'in' ? 1 : 12}
            autoComplete={mode === 'in' ? 'current-password' : 'new-password'}
          />
        </label>
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        <button type="submit" aria-busy={busy}>
          {titles[mode]}
        </button>
        {mode === 'in' && <a href="#/forgot-password">Forgot your password?</a>}
      </form>
      {mode !== 'invitation' && (
        <button
          type="button"
          class="secondary outline"
          onClick={() => setMode(mode === 'in' ? 'up' : 'in')}
        >
          {mode === 'in' ? 'New here? Create a tenant' : 'I have an account: sign in'}
        </button>
      )}
      {knownTenants.value.length > 0 && (
        <p>
          Or go back to{' '}
          {knownTenants.value.map((t) => (
            <button
              key={t.slug}
              type="button"
              class="secondary small"
              onClick={() => switchTenant(t.slug)}
            >
              {t.tenantName}
            </button>
          ))}
        </p>
      )}
    </main>
  );
}
