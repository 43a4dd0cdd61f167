import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { problemText } from './api.ts';

/** What every API call returns (openapi-fetch): data, or a problem+json error. */
type Reply<T> = Promise<{ data?: T; error?: unknown }>;

export interface Loaded<T> {
  data?: T;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Calls the API when `deps` change; a stale reply (the user moved on) is dropped. */
export function useLoad<T>(load: () => Reply<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error: string | null; loading: boolean }>({
    error: null,
    loading: true,
  });
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    // Nothing of the previous load stays on screen: it may be another session or tenant.
    setState({ error: null, loading: true });
    load().then(
      ({ data, error }) => {
        if (current) setState({ data, error: error ? problemText(error) : null, loading: false });
      },
      () => current && setState({ error: 'The API could not be reached.', loading: false }),
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { ...state, reload };
}

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export type Paged<T> = ReturnType<typeof usePages<T>>;

/**
 * A cursor-paged list with "Load more": the first page when `deps` change, then more. A
 * click while a page is on its way is ignored, and a page that arrives after the filters
 * changed is dropped: either would put items on the list twice or under the wrong filters.
 */
export function usePages<T>(load: (cursor?: string) => Reply<Page<T>>, deps: unknown[]) {
  const first = useLoad(() => load(), deps);
  const [more, setMore] = useState<{ items: T[]; cursor: string | null; error: string | null }>({
    items: [],
    cursor: null,
    error: null,
  });
  const [busy, setBusy] = useState(false);
  // Refs, not state: two clicks can come before the page re-renders.
  const inFlight = useRef(false);
  const firstPage = useRef(first.data);
  firstPage.current = first.data;
  // A new first page (other filters) drops the pages loaded after the old one.
  useEffect(() => {
    setMore({ items: [], cursor: null, error: null });
    inFlight.current = false;
    setBusy(false);
  }, [first.data]);
  const cursor = more.cursor ?? first.data?.nextCursor ?? null;
  const loadMore = async () => {
    if (!cursor || inFlight.current) return;
    const under = first.data;
    inFlight.current = true;
    setBusy(true);
    const { data, error } = await load(cursor).catch(() => ({
      data: undefined,
      error: { detail: 'The API could not be reached.' },
    }));
    if (firstPage.current !== under) return;
    inFlight.current = false;
    setBusy(false);
    if (data)
      setMore((m) => ({
        items: [...m.items, ...data.items],
        cursor: data.nextCursor ?? '',
        error: null,
      }));
    else setMore((m) => ({ ...m, error: problemText(error) }));
  };
  return {
    ...first,
    items: [...(first.data?.items ?? []), ...more.items],
    hasMore: Boolean(cursor),
    busy,
    loadMore,
    moreError: more.error,
  };
}

export function LoadMore<T>({ pages }: { pages: Paged<T> }) {
  if (pages.moreError) return <p role="alert">{pages.moreError}</p>;
  if (!pages.hasMore) return null;
  return (
    <button type="button" class="secondary" aria-busy={pages.busy} onClick={pages.loadMore}>
      Load more
    </button>
  );
}

/** Shows loading and errors for a load, and its data when there is some. */
export function Show<T>(props: { state: Loaded<T>; children: (data: T) => ComponentChildren }) {
  const { state } = props;
  if (state.error) return <ErrorNote text={state.error} onRetry={state.reload} />;
  if (state.data === undefined) return <p aria-busy="true">Loading…</p>;
  return <>{props.children(state.data)}</>;
}

export function ErrorNote({ text, onRetry }: { text: string; onRetry?: () => void }) {
  return (
    <p role="alert" class="error">
      {text}{' '}
      {onRetry && (
        <button type="button" class="outline secondary small" onClick={onRetry}>
          Retry
        </button>
      )}
    </p>
  );
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const when = (iso: string | null | undefined) =>
  iso ? dateTime.format(new Date(iso)) : '—';

export function duration(seconds: number | null | undefined): string {
  if (seconds == null) return 'open';
  if (seconds < 60) return `${seconds}s`;
  const minutes = Math.round(seconds / 60);
  return minutes < 60 ? `${minutes} min` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export const count = (n: number) => n.toLocaleString();
/** "1 session", "2 sessions": a count with its noun. */
export const counted = (n: number, noun: string) => `${count(n)} ${noun}${n === 1 ? '' : 's'}`;

const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
/** Undoes the API's HTML escaping of snippet text (named and numeric entities). */
const decodeEntities = (text: string) =>
  text.replace(/&(#x[\da-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (entity, name: string) => {
    if (name[0] !== '#') return named[name.toLowerCase()] ?? entity;
    const code =
      name[1] === 'x' || name[1] === 'X'
        ? Number.parseInt(name.slice(2), 16)
        : Number(name.slice(1));
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : entity;
  });

/**
 * A search snippet (HTML-escaped text with <mark>) rendered as text nodes and <mark>
 * elements: no HTML from the API is ever parsed as HTML.
 */
export function Snippet({ html }: { html: string }) {
  const parts = html.split(/<mark>|<\/mark>/);
  return (
    <span>
      {parts.map((part, i) =>
        i % 2 ? <mark key={i}>{decodeEntities(part)}</mark> : decodeEntities(part),
      )}
    </span>
  );
}

export function Meter({ label, used, limit }: { label: string; used: number; limit: number }) {
  return (
    <div class="meter">
      <span>
        {label}: {count(used)} of {count(limit)}
      </span>
      <progress value={Math.min(used, limit)} max={limit} aria-label={label} />
    </div>
  );
}

interface TableProps<T> {
  /** The table's accessible name, so that a screen reader (and a test) can tell lists apart. */
  label: string;
  columns: string[];
  items: T[];
  rowKey: (item: T) => string;
  cells: (item: T) => ComponentChildren[];
  empty?: string;
}

/** Items as a table, one header per column; it scrolls sideways on a narrow screen. */
export function Table<T>(props: TableProps<T>) {
  if (props.items.length === 0) return <p>{props.empty ?? 'Nothing here yet.'}</p>;
  return (
    <div class="overflow-auto">
      <table class="striped" aria-label={props.label}>
        <thead>
          <tr>
            {props.columns.map((c) => (
              <th key={c} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {props.items.map((item) => (
            <tr key={props.rowKey(item)}>
              {props.cells(item).map((cell, i) => (
                <td key={i}>{cell}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** A cursor-paged list as a table: loading, errors, rows, and "Load more". */
export function PagedTable<T>(props: Omit<TableProps<T>, 'items'> & { pages: Paged<T> }) {
  const { pages, ...table } = props;
  return (
    <>
      <Show state={pages}>{() => <Table {...table} items={pages.items} />}</Show>
      <LoadMore pages={pages} />
    </>
  );
}
