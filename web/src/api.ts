import { createDevContextClient, type Problem } from '@devctx/client';
import { signal } from '@preact/signals';

// Who is signed in, per tenant. The refresh token is an HttpOnly cookie that no script can
// read (the API sets it when asked with devctx-refresh-cookie: 1), so a reload or a new
// tab stays signed in; localStorage holds only who is signed in where, and the access
// token lives only in this tab's memory. Each tab keeps its own choice of tenant
// (sessionStorage); a new tab starts with the last one chosen.
export interface TenantSession {
  slug: string;
  tenantId: string;
  tenantName: string;
  email: string;
}
interface Stored {
  /** The tenant last chosen in any tab: where a new tab starts. */
  current: string | null;
  tenants: Record<string, TenantSession>;
}

const STORAGE_KEY = 'devctx.sessions';
const TAB_KEY = 'devctx.tenant';
/** This tab's tenant; '' once it signed out here, so it does not fall back to another. */
const tabTenant = (stored: Stored) => sessionStorage.getItem(TAB_KEY) ?? stored.current;
const chooseInTab = (slug: string) => sessionStorage.setItem(TAB_KEY, slug);
const read = (): Stored => {
  try {
    const parsed = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? '');
    if (parsed && typeof parsed === 'object' && parsed.tenants) {
      // Entries from before the cookie (with no tenantId) sign in again.
      for (const [slug, s] of Object.entries(parsed.tenants as Record<string, TenantSession>))
        if (!s.tenantId) delete parsed.tenants[slug];
      return parsed as Stored;
    }
  } catch {}
  return { current: null, tenants: {} };
};
const write = (stored: Stored) => localStorage.setItem(STORAGE_KEY, JSON.stringify(stored));

/** The signed-in tenant shown in the header, or null: the app then shows sign-in. */
export const currentTenant = signal<TenantSession | null>(null);
/** Every tenant this browser is signed in to, for the switcher. */
export const knownTenants = signal<TenantSession[]>([]);

let access: { token: string; refreshAt: number } | null = null;
/** Refreshed a minute before it expires (or at three quarters of a shorter lifetime). */
const keep = (token: string, expiresIn: number) => {
  access = { token, refreshAt: Date.now() + expiresIn * 1000 - Math.min(60_000, expiresIn * 250) };
};

function publish(stored: Stored) {
  const slug = tabTenant(stored);
  currentTenant.value = slug ? (stored.tenants[slug] ?? null) : null;
  knownTenants.value = Object.values(stored.tenants);
}
publish(read());
// Another tab signed in, out or refreshed a token: take the new token, or show sign-in
// when this tab's tenant was signed out there.
addEventListener('storage', (event) => {
  if (event.key === STORAGE_KEY) publish(read());
});

interface SignedIn {
  accessToken: string;
  expiresIn: number;
  tenant: { id: string; name: string; slug: string };
  user: { email: string };
}

function remember(reply: SignedIn) {
  const stored = read();
  const session: TenantSession = {
    slug: reply.tenant.slug,
    tenantId: reply.tenant.id,
    tenantName: reply.tenant.name,
    email: reply.user.email,
  };
  stored.tenants[session.slug] = session;
  stored.current = session.slug;
  write(stored);
  chooseInTab(session.slug);
  keep(reply.accessToken, reply.expiresIn);
  publish(stored);
}

async function post<T>(
  path: string,
  body: unknown,
): Promise<{ data?: T; problem?: Problem; status: number }> {
  const reply = await fetch(path, {
    method: 'POST',
    // The refresh token comes and goes as an HttpOnly cookie, never through this script.
    headers: { 'content-type': 'application/json', 'devctx-refresh-cookie': '1' },
    body: JSON.stringify(body),
  });
  const json = await reply.json().catch(() => null);
  return reply.ok
    ? { data: json as T, status: reply.status }
    : { problem: json as Problem, status: reply.status };
}

export async function signIn(tenant: string, email: string, password: string) {
  const { data, problem } = await post<SignedIn>('/v1/auth/login', { tenant, email, password });
  if (data) remember(data);
  return problem;
}

export async function signUp(body: {
  tenant: { name: string; slug: string };
  user: { name: string; email: string; password: string };
}) {
  const { data, problem } = await post<SignedIn>('/v1/auth/signup', body);
  if (data) remember(data);
  return problem;
}

export async function acceptInvitation(token: string, body: { name?: string; password: string }) {
  const { data, problem } = await post<SignedIn>('/v1/invitations/accept', { token, ...body });
  if (data) {
    remember(data);
    location.hash = '#/';
  }
  return problem;
}

/** Asks for a password-reset link by e-mail; the answer is the same for any address. */
export async function requestPasswordReset(tenant: string, email: string) {
  const { data, problem } = await post<{ detail: string }>('/v1/auth/password-reset', {
    tenant,
    email,
  });
  return { detail: data?.detail, problem };
}

/** Sets a new password with a mailed link's token. */
export async function resetPassword(token: string, password: string) {
  const reply = await fetch('/v1/auth/password-reset/confirm', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token, password }),
  });
  const problem = reply.ok ? undefined : ((await reply.json().catch(() => null)) as Problem);
  return { detail: undefined, problem };
}

/** Switches to another tenant this browser is signed in to. */
export function switchTenant(slug: string) {
  const stored = read();
  if (!stored.tenants[slug]) return;
  stored.current = slug;
  write(stored);
  chooseInTab(slug);
  access = null;
  publish(stored);
}

/** Ends the current tenant's session at the API (when it can) and forgets it here. */
export async function signOut() {
  if (!access) await refreshOnce().catch(() => 'failed');
  if (access) await fetch('/v1/auth/logout', { method: 'POST', headers: bearer() }).catch(() => {});
  forget();
}

/** Forgets the current tenant's session; sign-in shows next (other tenants stay listed). */
function forget() {
  const stored = read();
  const slug = currentTenant.peek()?.slug;
  if (slug) delete stored.tenants[slug];
  if (stored.current === slug) stored.current = null;
  write(stored);
  chooseInTab('');
  access = null;
  publish(stored);
}

const bearer = (): Record<string, string> =>
  access ? { authorization: `Bearer ${access.token}` } : {};

/**
 * A fresh access token from the refresh cookie. Refresh tokens are single use and a reused
 * one revokes the session, so tabs take turns (Web Locks): the cookie a tab sends is
 * always the one the previous refresh set.
 */
type Refreshed = 'ok' | 'rejected' | 'failed';
async function refresh(): Promise<Refreshed> {
  const run = async () => {
    // Read inside the lock: another tab may have signed this tenant out a moment ago.
    const session = read().tenants[currentTenant.peek()?.slug ?? ''];
    if (!session) return 'rejected';
    const { data, status } = await post<Omit<SignedIn, 'tenant' | 'user'>>('/v1/auth/refresh', {
      tenantId: session.tenantId,
    });
    // Only a refused token ends the session; a busy or unreachable server does not.
    if (!data) return status === 401 ? 'rejected' : 'failed';
    keep(data.accessToken, data.expiresIn);
    return 'ok';
  };
  return navigator.locks ? navigator.locks.request('devctx-refresh', run) : run();
}

let refreshing: Promise<Refreshed> | null = null;
const refreshOnce = () => {
  refreshing ??= refresh().finally(() => {
    refreshing = null;
  });
  return refreshing;
};

/**
 * fetch with the user's token: refreshed silently before it expires, and once more on a
 * 401. When the session cannot be refreshed, it is forgotten and the app shows sign-in;
 * the URL (the page the user was on) stays as it is.
 */
async function authorisedFetch(request: Request): Promise<Response> {
  const retry = request.clone();
  if (!access || Date.now() >= access.refreshAt) await refreshOnce();
  const send = (r: Request) => {
    for (const [name, value] of Object.entries(bearer())) r.headers.set(name, value);
    return fetch(r);
  };
  const response = await send(request);
  if (response.status !== 401) return response;
  const refreshed = await refreshOnce();
  if (refreshed === 'ok') return send(retry);
  if (refreshed === 'rejected') forget();
  return response;
}

export const api = createDevContextClient({
  baseUrl: location.origin,
  fetch: (input, init) => authorisedFetch(new Request(input, init)),
});

/** The text to show for a failed call. */
export function problemText(error: unknown): string {
  const p = error as Partial<Problem> | undefined;
  if (p?.errors?.length)
    return `${p.detail ?? p.title} (${p.errors.map((e) => `${e.path}: ${e.message}`).join('; ')})`;
  return p?.detail ?? p?.title ?? 'Something went wrong. Try again.';
}
