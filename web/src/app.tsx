import type { ComponentChildren } from 'preact';
import { currentTenant, knownTenants, signOut, switchTenant } from './api.ts';
import { match, route } from './router.ts';
import { Admin } from './views/admin.tsx';
import { Commit } from './views/commit.tsx';
import { Import } from './views/import.tsx';
import { Insights } from './views/insights.tsx';
import { Overview } from './views/overview.tsx';
import { isPasswordPage, PasswordReset } from './views/password-reset.tsx';
import { Project, Projects } from './views/projects.tsx';
import { Search } from './views/search.tsx';
import { SessionView } from './views/session.tsx';
import { Sessions } from './views/sessions.tsx';
import { SignIn } from './views/sign-in.tsx';
import { TaskListView } from './views/task-list.tsx';
import { Timeline } from './views/timeline.tsx';
import { AccountNotice, VerifyEmail, verifyTokenIn } from './views/verify-email.tsx';

const sections = [
  ['/', 'Overview'],
  ['/timeline', 'Timeline'],
  ['/sessions', 'Sessions'],
  ['/search', 'Search'],
  ['/projects', 'Projects'],
  ['/insights/topics', 'Insights'],
  ['/import', 'Import'],
  ['/admin/users', 'Admin'],
] as const;

// Each view by its path pattern; the first that matches is shown.
const views: [string, (p: Record<string, string>) => ComponentChildren][] = [
  ['/', () => <Overview />],
  ['/timeline', () => <Timeline />],
  ['/sessions', () => <Sessions />],
  ['/sessions/:id', (p) => <SessionView id={p.id as string} />],
  ['/search', () => <Search />],
  ['/projects', () => <Projects />],
  ['/projects/:id', (p) => <Project id={p.id as string} />],
  ['/task-lists/:id', (p) => <TaskListView id={p.id as string} />],
  [
    '/commits/:repositoryId/:sha',
    (p) => <Commit repositoryId={p.repositoryId as string} sha={p.sha as string} />,
  ],
  ['/insights/:view', (p) => <Insights view={p.view as string} />],
  ['/import', () => <Import />],
  ['/admin/:section', (p) => <Admin section={p.section as string} />],
];

// The section a path belongs to, by its first segment (a task list is part of Projects).
const sectionByFirstSegment: Record<string, string> = {
  '': '/',
  timeline: '/timeline',
  commits: '/timeline',
  sessions: '/sessions',
  search: '/search',
  projects: '/projects',
  'task-lists': '/projects',
  insights: '/insights/topics',
  import: '/import',
  admin: '/admin/users',
};
const sectionOf = (path: string) => sectionByFirstSegment[path.split('/')[1] ?? ''];

export function App() {
  const tenant = currentTenant.value;
  // A forgotten password's pages open whether or not this browser is signed in.
  if (isPasswordPage(route.value.path)) return <PasswordReset />;
  const verifyToken = verifyTokenIn(route.value.path);
  if (verifyToken) return <VerifyEmail token={verifyToken} />;
  // Signed out (or the session expired): sign-in, with the URL kept, so the same page
  // opens again afterwards.
  if (!tenant)
    return <SignIn reason={location.hash.length > 2 ? 'Sign in to continue.' : undefined} />;
  const { path } = route.value;
  const active = sectionOf(path);
  const view = views
    .map(([pattern, render]) => [match(pattern, path), render] as const)
    .find(([p]) => p);
  return (
    <>
      {/* A button, not a #main link: the hash is the route. */}
      <button type="button" class="skip" onClick={() => document.getElementById('main')?.focus()}>
        Skip to content
      </button>
      <header class="container-fluid">
        <nav aria-label="Main">
          <ul>
            <li>
              <strong>Dev Context</strong>
            </li>
          </ul>
          <ul class="sections">
            {sections.map(([to, label]) => (
              <li key={to}>
                <a href={`#${to}`} aria-current={active === to ? 'page' : undefined}>
                  {label}
                </a>
              </li>
            ))}
          </ul>
          <ul>
            <li>
              <select
                aria-label="Tenant"
                value={tenant.slug}
                onChange={(e) => {
                  const slug = (e.currentTarget as HTMLSelectElement).value;
                  // Sign-in for another tenant; this one stays in the switcher.
                  if (slug === '+') currentTenant.value = null;
                  else switchTenant(slug);
                }}
              >
                {knownTenants.value.map((t) => (
                  <option key={t.slug} value={t.slug}>
                    {t.tenantName} ({t.slug})
                  </option>
                ))}
                <option value="+">Sign in to another tenant…</option>
              </select>
            </li>
            <li>
              <button type="button" class="secondary outline" onClick={() => void signOut()}>
                Sign out
              </button>
            </li>
          </ul>
        </nav>
      </header>
      {/* Keyed by tenant: a switch starts every view afresh. */}
      <main id="main" class="container" tabIndex={-1} key={tenant.slug}>
        <AccountNotice />
        {view ? (
          view[1](view[0] ?? {})
        ) : (
          <p>
            There is no page here. <a href="#/">Go to the overview</a>.
          </p>
        )}
      </main>
    </>
  );
}
