import type { paths } from '@devctx/client';
import { useEffect, useState } from 'preact/hooks';
import { api, problemText } from '../api.ts';
import { useFilters } from '../filters.tsx';
import { count, counted, ErrorNote, PagedTable, usePages, when } from '../ui.tsx';

type ImportBody = paths['/v1/imports']['post']['requestBody']['content']['application/json'];
type ImportView =
  paths['/v1/imports/{id}']['get']['responses']['200']['content']['application/json'];
type Report = NonNullable<ImportView['report']>;
type Files = Extract<ImportBody, { kind: 'v1-export' }>['files'];

const finished = (status: string) => status === 'succeeded' || status === 'failed';

/**
 * v1's export files (checkpoints.json, messages-page-NNN.json, git-commits.json,
 * topics.json) or a Claude Code transcript (.jsonl), imported by the API in the background.
 * The import's id goes into the URL: the page follows it to its end (a reload too) and
 * shows its report. Below, the tenant's earlier imports.
 */
export function Import() {
  const [f, set] = useFilters('id');
  const [error, setError] = useState<string | null>(null);
  const [uploading, setUploading] = useState(false);
  // Bumped when an import starts: the list below is loaded again.
  const [started, setStarted] = useState(0);
  // The followed import as last seen: its row in the list shows the same.
  const [followed, setFollowed] = useState<ImportView | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem(
      'files',
    ) as HTMLInputElement;
    const chosen = [...(input.files ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    setError(null);
    let body: ImportBody;
    try {
      const transcripts = chosen.filter((f) => f.name.endsWith('.jsonl'));
      if (transcripts.length > 1)
        throw new Error('Choose one transcript at a time (`devctx push` sends a whole folder).');
      const [transcript] = transcripts;
      body = transcript
        ? { kind: 'claude-code', transcript: await transcript.text(), ...sessionOf(transcript) }
        : { kind: 'v1-export', files: await v1Files(chosen) };
    } catch (e) {
      return setError((e as Error).message);
    }
    setUploading(true);
    const { data, error } = await api.POST('/v1/imports', { body }).finally(() => {
      setUploading(false);
    });
    if (!data) return setError(problemText(error));
    set('id', data.id, true);
    setStarted((n) => n + 1);
  };

  return (
    <>
      <h1>Import</h1>
      <form onSubmit={submit} aria-label="Import files">
        <label>
          v1 export files (checkpoints.json, messages-page-*.json, git-commits.json, topics.json) or
          a Claude Code transcript (.jsonl)
          <input
            name="files"
            type="file"
            multiple
            required
            accept=".json,.jsonl,application/json"
          />
        </label>
        <button type="submit" aria-busy={uploading}>
          Import
        </button>
      </form>
      {error && <ErrorNote text={error} />}
      {f.id && <FollowImport key={f.id} id={f.id} onView={setFollowed} />}
      <EarlierImports refresh={started} followed={followed} onOpen={(id) => set('id', id, true)} />
    </>
  );
}

/** How long to wait before asking again: from half a second, growing to 10 s. */
const nextDelay = (delay: number) => Math.min(10_000, Math.round(delay * 1.5));

/**
 * One import, asked for less and less often until it has finished; it stops at once when
 * the answer cannot change (the import is gone, or this user may not read it), and when
 * the reader leaves the page.
 */
function FollowImport({ id, onView }: { id: string; onView: (view: ImportView) => void }) {
  const [view, setView] = useState<ImportView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const ask = async (delay: number) => {
      const { data, error, response } = await api
        .GET('/v1/imports/{id}', { params: { path: { id } } })
        .catch(() => ({ data: undefined, error: undefined, response: undefined }));
      if (stopped) return;
      if (data) {
        setView(data);
        setError(null);
        onView(data);
        if (finished(data.status)) return;
      } else if (response && response.status < 500 && response.status !== 429) {
        return setError(problemText(error));
      }
      // Too many requests: wait as long as the server asks, and ask less often after.
      const retryAfter = Number(response?.headers.get('retry-after')) * 1000 || 0;
      timer = setTimeout(() => ask(nextDelay(delay)), Math.max(delay, retryAfter));
    };
    void ask(500);
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id]);

  if (error) return <ErrorNote text={error} />;
  if (!view) return <p aria-busy="true">Loading the import…</p>;
  const progress = view.progress;
  return (
    <section aria-label="This import">
      <p role="status" aria-busy={!finished(view.status)}>
        Import {view.status}
        {progress && !finished(view.status)
          ? `: ${progress.sessionsDone} of ${progress.sessions} sessions written`
          : ''}
        .
      </p>
      {view.error && <ErrorNote text={view.error} />}
      {view.report && <ReportView report={view.report} />}
    </section>
  );
}

/** The report as a reader wants it: counts first, what went wrong next, the rest folded. */
function ReportView({ report: r }: { report: Report }) {
  const rows: [string, string][] = [
    ['Sessions', count(r.sessions)],
    ['New messages', count(r.newMessages)],
    ['Messages already stored', count(r.duplicateMessages)],
  ];
  if (r.verifiedHashes !== undefined)
    rows.push([
      'v1 hashes verified',
      `${count(r.verifiedHashes)} (${count(r.mismatchedHashes ?? 0)} mismatched)`,
    ]);
  if (r.commits)
    rows.push([
      'Commits',
      r.commits.skipped
        ? `not imported: ${r.commits.skipped}`
        : `${count(r.commits.inserted)} new of ${count(r.commits.commits)}${r.commits.repository ? ` in ${r.commits.repository}` : ''}`,
    ]);
  if (r.malformedLines !== undefined) rows.push(['Unreadable lines', count(r.malformedLines)]);
  const skipped = r.skipped ?? [];
  return (
    <section aria-label="Report">
      <h2>Report</h2>
      <dl class="numbers">
        {rows.map(([label, value]) => [
          <dt key={`t${label}`}>{label}</dt>,
          <dd key={label}>{value}</dd>,
        ])}
      </dl>
      {skipped.length > 0 && (
        <details>
          <summary>Skipped entries ({skipped.length})</summary>
          <ul>
            {skipped.map((s, i) => (
              <li key={i}>
                <code>{s.where}</code>: {s.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      <details>
        <summary>The whole report</summary>
        <pre>{JSON.stringify(r, null, 2)}</pre>
      </details>
    </section>
  );
}

/** The tenant's imports, newest first; each opens its report above. */
function EarlierImports(props: {
  refresh: number;
  followed: ImportView | null;
  onOpen: (id: string) => void;
}) {
  const pages = usePages(
    (cursor) => api.GET('/v1/imports', { params: { query: { limit: 20, cursor } } }),
    [props.refresh],
  );
  return (
    <section>
      <h2>Imports</h2>
      <PagedTable
        label="Imports"
        pages={{
          ...pages,
          items: pages.items.map((i) =>
            i.id === props.followed?.id ? { ...i, ...props.followed } : i,
          ),
        }}
        columns={['Started', 'Kind', 'By', 'Status', 'Result', '']}
        rowKey={(i) => i.id}
        cells={(i) => [
          when(i.createdAt),
          i.kind,
          i.createdBy?.name ?? '—',
          i.status,
          i.error ??
            (i.report
              ? `${counted(i.report.sessions, 'session')}, ${counted(i.report.newMessages, 'new message')}`
              : ''),
          <button
            key="open"
            type="button"
            class="outline secondary small"
            onClick={() => props.onOpen(i.id)}
          >
            Report
          </button>,
        ]}
        empty="No imports yet."
      />
    </section>
  );
}

/** Claude Code names a transcript after its session: the id for lines that do not name it. */
function sessionOf(file: File): { sessionId?: string } {
  const id = file.name.replace(/\.jsonl$/, '');
  return id.length <= 200 ? { sessionId: id } : {};
}

/** The files of a v1 export, by name; other files of the export are not imported. */
async function v1Files(files: File[]): Promise<Files> {
  const json = async (file: File) => {
    try {
      return JSON.parse(await file.text());
    } catch {
      throw new Error(`${file.name} is not valid JSON.`);
    }
  };
  const named = (name: string) => files.find((f) => f.name === name);
  const pages = files.filter((f) => /^messages-page-\d+\.json$/.test(f.name));
  if (pages.length === 0) throw new Error('Choose at least one messages-page-NNN.json file.');
  const optional = async (name: string) => {
    const file = named(name);
    return file ? await json(file) : undefined;
  };
  return {
    messagePages: await Promise.all(pages.map(json)),
    checkpoints: await optional('checkpoints.json'),
    commits: await optional('git-commits.json'),
    topics: await optional('topics.json'),
  };
}
