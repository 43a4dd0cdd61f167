import { useEffect, useState } from 'preact/hooks';
import { api, problemText } from '../api.ts';
import { match } from '../router.ts';
import { useLoad } from '../ui.tsx';

/** The mailed link's page (#/verify-email/<token>): the token, if this URL is one. */
export const verifyTokenIn = (path: string) => match('/verify-email/:token', path)?.token;

/** Opens whether or not this browser is signed in: the token is the proof. */
export function VerifyEmail({ token }: { token: string }) {
  const [answer, setAnswer] = useState<{ email?: string; problem?: string } | null>(null);
  useEffect(() => {
    void fetch('/v1/auth/verify-email', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    }).then(async (reply) => {
      const body = await reply.json().catch(() => null);
      setAnswer(reply.ok ? { email: body?.email } : { problem: problemText(body) });
    });
  }, [token]);
  return (
    <main class="container narrow">
      <h1>Dev Context</h1>
      <h2>Verify your e-mail address</h2>
      {!answer && <p aria-busy="true">Checking the link…</p>}
      {answer?.email && (
        <p role="status">
          Your address {answer.email} is verified. <a href="#/">Go to the overview</a>.
        </p>
      )}
      {answer?.problem && (
        <p role="alert" class="error">
          {answer.problem} Sign in to have a new link mailed.
        </p>
      )}
    </main>
  );
}

/**
 * A note above every page while something holds the signed-in user back: the tenant is
 * scheduled for deletion, or their address is not verified yet.
 */
export function AccountNotice() {
  const me = useLoad(() => api.GET('/v1/me'), []);
  const [sent, setSent] = useState<string | null>(null);
  const m = me.data;
  if (m?.writesWithheld === 'tenant_deleting')
    return (
      <aside class="notice" aria-label="Tenant scheduled for deletion">
        <p>
          This tenant is scheduled for deletion and is read-only until then.{' '}
          <a href="#/admin/data">Export it or restore it</a> (owners).
        </p>
      </aside>
    );
  if (!m || m.user.emailVerified) return null;
  const resend = async () => {
    const { error } = await api.POST('/v1/me/email-verification');
    setSent(error ? problemText(error) : `A new link is on its way to ${m.user.email}.`);
  };
  return (
    <aside class="notice" aria-label="Address not verified">
      <p>
        {m.writesWithheld
          ? 'This tenant lets only members with a verified address make changes: until you verify yours, you can read.'
          : 'Your e-mail address is not verified yet.'}{' '}
        Open the link we mailed to {m.user.email}.{' '}
        <button type="button" class="secondary outline" onClick={() => void resend()}>
          Mail me a new link
        </button>
      </p>
      {sent && <p role="status">{sent}</p>}
    </aside>
  );
}
