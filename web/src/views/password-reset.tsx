import { useState } from 'preact/hooks';
import { problemText, requestPasswordReset, resetPassword } from '../api.ts';
import { match, route } from '../router.ts';

/** The pages of a forgotten password: whether this URL is one of them. */
export const isPasswordPage = (path: string) =>
  path === '/forgot-password' || match('/reset-password/:token', path) !== null;

const field = (form: HTMLFormElement, name: string) =>
  (form.elements.namedItem(name) as HTMLInputElement | null)?.value.trim() ?? '';

/**
 * Forgot your password: ask for a link by e-mail (the answer never says whether the address
 * exists), then choose a new password from the mailed link (#/reset-password/<token>: in
 * the fragment, so the token reaches no server log).
 */
export function PasswordReset() {
  const token = match('/reset-password/:token', route.value.path)?.token;
  const [note, setNote] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    setBusy(true);
    const answer = token
      ? await resetPassword(token, (form.elements.namedItem('password') as HTMLInputElement).value)
      : await requestPasswordReset(field(form, 'tenant'), field(form, 'email'));
    setBusy(false);
    setError(answer.problem ? problemText(answer.problem) : null);
    if (!answer.problem) {
      setNote(
        token
          ? 'Your password is changed, and every other sign-in of yours has ended. Sign in with it now.'
          : (answer.detail ?? ''),
      );
      form.reset();
    }
  };

  const title = token ? 'Choose a new password' : 'Forgot your password?';
  return (
    <main class="container narrow">
      <h1>Dev Context</h1>
      <form onSubmit={submit} aria-label={title}>
        <h2>{title}</h2>
        {token ? (
          <label>
            New password
            <input
              name="password"
              type="password"
              required
              minLength={12}
              autoComplete="new-password"
            />
          </label>
        ) : (
          <>
            <label>
              Tenant (slug)
              <input name="tenant" required autoComplete="organization" placeholder="acme" />
            </label>
            <label>
              Email
              <input name="email" type="email" required autoComplete="email" />
            </label>
          </>
        )}
        {error && (
          <p role="alert" class="error">
            {error}
          </p>
        )}
        {note && <p role="status">{note}</p>}
        <button type="submit" aria-busy={busy}>
          {token ? 'Change my password' : 'Mail me a link'}
        </button>
      </form>
      <a href="#/">Back to sign-in</a>
    </main>
  );
}
