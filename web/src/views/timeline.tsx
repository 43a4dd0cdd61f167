import { api } from '../api.ts';
import {
  DateFilter,
  ProjectSelect,
  RepositorySelect,
  useFilters,
  useRepositories,
} from '../filters.tsx';
import { href, setQuery } from '../router.ts';
import { defaultWindow, pan, type TimeWindow, windowOf, zoom } from '../time-window.ts';
import { Show, useLoad, when } from '../ui.tsx';

const WIDTH = 1000;
const LANE = 22;
const MIN_SPAN_MS = 10 * 60_000; // so a short session is still a visible, clickable bar
const LATEST = 200;

interface Span {
  id: string;
  title: string;
  start: number;
  end: number;
  lane: number;
}
interface Mark {
  repositoryId: string;
  sha: string;
  title: string;
  at: number;
}

/**
 * Sessions (spans) and commits (marks) on one time axis: the latest 200 of each in the
 * chosen dates, filtered by project and repository. Without dates the axis opens on where
 * the work is (see defaultWindow); the zoom buttons set the dates. Every span and mark is a
 * link, reachable with Tab.
 */
export function Timeline() {
  const [f, set] = useFilters('projectId', 'repositoryId', 'since', 'until');
  const repositories = useRepositories();
  return (
    <>
      <h1>Timeline</h1>
      <div class="filters">
        <ProjectSelect value={f.projectId} onChange={(v) => set('projectId', v)} />
        <RepositorySelect
          repositories={repositories}
          value={f.repositoryId}
          onChange={(v) => set('repositoryId', v)}
        />
        <DateFilter label="From" value={f.since} onChange={(v) => set('since', v)} />
        <DateFilter label="Before" value={f.until} onChange={(v) => set('until', v)} />
      </div>
      <Show state={repositories}>
        {(r) => (
          <TimelineOf
            repositories={r.items}
            projectId={f.projectId}
            repositoryId={f.repositoryId}
            since={f.since}
            until={f.until}
            onWindow={(w) =>
              setQuery({
                ...f,
                since: w ? new Date(w.from).toISOString() : undefined,
                until: w ? new Date(w.to).toISOString() : undefined,
              })
            }
          />
        )}
      </Show>
    </>
  );
}

function TimelineOf(props: {
  repositories: { id: string; projectId: string | null }[];
  projectId?: string;
  repositoryId?: string;
  since?: string;
  until?: string;
  onWindow: (w: TimeWindow | null) => void;
}) {
  const { projectId, repositoryId, since, until } = props;
  const data = useLoad(async () => {
    const sessions = await api.GET('/v1/sessions', {
      params: { query: { projectId, repositoryId, since, until, limit: LATEST } },
    });
    if (!sessions.data) return { error: sessions.error };
    const repositoryIds = props.repositories
      .filter((r) =>
        repositoryId ? r.id === repositoryId : !projectId || r.projectId === projectId,
      )
      .map((r) => r.id);
    const commits = await Promise.all(
      repositoryIds.map((id) =>
        api.GET('/v1/repositories/{id}/commits', {
          params: { path: { id }, query: { since, until, limit: LATEST } },
        }),
      ),
    );
    const spans = packIntoLanes(
      sessions.data.items.map((s) => {
        const start = Date.parse(s.startedAt);
        const end = s.endedAt ? Date.parse(s.endedAt) : start;
        return {
          id: s.id,
          title: s.title ?? s.tool,
          start,
          end: Math.max(end, start + MIN_SPAN_MS),
          lane: 0,
        };
      }),
    );
    const marks: Mark[] = commits.flatMap((c) =>
      (c.data?.items ?? []).map((commit) => ({
        repositoryId: commit.repositoryId,
        sha: commit.sha,
        title: commit.subject,
        at: Date.parse(commit.committedAt),
      })),
    );
    const truncated = !!sessions.data.nextCursor || commits.some((c) => !!c.data?.nextCursor);
    return { data: { spans, marks, truncated } };
  }, [projectId, repositoryId, since, until, props.repositories]);
  return (
    <Show state={data}>
      {(d) => {
        const times = [...d.spans.map((s) => s.start), ...d.marks.map((m) => m.at)];
        const axis = axisFor(times, since, until);
        if (!axis) return <p>No sessions or commits to show.</p>;
        const inside = (from: number, to: number) => to >= axis.from && from <= axis.to;
        const spans = d.spans.filter((s) => inside(s.start, s.end));
        const marks = d.marks.filter((m) => inside(m.at, m.at));
        const outside = d.spans.length - spans.length + d.marks.length - marks.length;
        return (
          <>
            {d.truncated && (
              <p role="note">
                Only the latest {LATEST} sessions, and {LATEST} commits of each repository, are
                shown. Choose dates to see earlier ones.
              </p>
            )}
            <ZoomControls axis={axis} onWindow={props.onWindow} zoomed={!!(since || until)} />
            {outside > 0 && (
              <p role="note">
                {outside} {outside === 1 ? 'item lies' : 'items lie'} outside this range.{' '}
                <button
                  type="button"
                  class="outline secondary small"
                  onClick={() => props.onWindow(windowOf(times))}
                >
                  Show everything loaded
                </button>
              </p>
            )}
            <Chart spans={spans} marks={marks} axis={axis} />
          </>
        );
      }}
    </Show>
  );
}

/**
 * The axis: the chosen dates when both are set; with one, from it to the furthest item;
 * with none, the densest stretch (see defaultWindow).
 */
function axisFor(times: number[], since?: string, until?: string): TimeWindow | null {
  if (since && until) return { from: Date.parse(since), to: Date.parse(until) };
  const all = since || until ? windowOf(times) : defaultWindow(times);
  if (!all) return null;
  return {
    from: since ? Date.parse(since) : all.from,
    to: until ? Date.parse(until) : all.to,
  };
}

/** Earlier, zoom in, zoom out, later: each sets the dates, so a link keeps the view. */
function ZoomControls(props: {
  axis: TimeWindow;
  zoomed: boolean;
  onWindow: (w: TimeWindow | null) => void;
}) {
  const { axis, onWindow } = props;
  const steps: [string, TimeWindow | null][] = [
    ['Earlier', pan(axis, -0.5)],
    ['Zoom in', zoom(axis, 0.5)],
    ['Zoom out', zoom(axis, 2)],
    ['Later', pan(axis, 0.5)],
  ];
  return (
    // biome-ignore lint/a11y/useSemanticElements: Pico lays out [role=group] as one row.
    <div role="group" aria-label="Zoom the timeline" class="zoom">
      {steps.map(([label, w]) => (
        <button key={label} type="button" class="outline secondary" onClick={() => onWindow(w)}>
          {label}
        </button>
      ))}
      {props.zoomed && (
        <button type="button" class="outline secondary" onClick={() => onWindow(null)}>
          Reset
        </button>
      )}
    </div>
  );
}

/** Greedy interval packing: each span goes to the first lane free at its start. */
function packIntoLanes(spans: Span[]): Span[] {
  const laneEnds: number[] = [];
  return [...spans]
    .sort((a, b) => a.start - b.start)
    .map((span) => {
      let lane = laneEnds.findIndex((end) => end <= span.start);
      if (lane < 0) lane = laneEnds.push(0) - 1;
      laneEnds[lane] = span.end;
      return { ...span, lane };
    });
}

function Chart({ spans, marks, axis }: { spans: Span[]; marks: Mark[]; axis: TimeWindow }) {
  const { from, to } = axis;
  // Items reaching past either end are cut at the frame.
  const x = (t: number) =>
    Math.min(WIDTH - 10, Math.max(10, ((t - from) / (to - from)) * (WIDTH - 20) + 10));
  const time = (t: number) => when(new Date(t).toISOString());
  // A short axis needs the hour on its ticks.
  const label = (t: number) =>
    to - from < 3 * 86_400_000 ? time(t) : new Date(t).toLocaleDateString();
  const lanes = Math.max(1, ...spans.map((s) => s.lane + 1));
  const height = 40 + LANE + lanes * LANE + 10;
  const ticks = Array.from({ length: 5 }, (_, i) => from + ((to - from) * i) / 4);
  return (
    <figure>
      {/* biome-ignore lint/a11y/useSemanticElements: a chart of links is a labelled group; a fieldset cannot hold SVG. */}
      <svg
        class="timeline"
        viewBox={`0 0 ${WIDTH} ${height}`}
        role="group"
        aria-label={`${spans.length} sessions and ${marks.length} commits from ${time(from)} to ${time(to)}`}
      >
        {ticks.map((t, i) => (
          <g key={t}>
            <line x1={x(t)} x2={x(t)} y1={20} y2={height} class="tick" />
            <text
              x={x(t)}
              y={14}
              text-anchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'}
              class="label"
            >
              {label(t)}
            </text>
          </g>
        ))}
        <text x={10} y={36} class="label">
          commits
        </text>
        {marks.map((m) => (
          <a
            key={m.sha}
            href={href(`/commits/${m.repositoryId}/${m.sha}`)}
            aria-label={`Commit ${m.title}`}
          >
            <title>
              {m.title} ({time(m.at)})
            </title>
            <rect x={x(m.at) - 2} y={40} width={4} height={LANE - 4} class="commit" />
          </a>
        ))}
        {spans.map((s) => (
          <a key={s.id} href={href(`/sessions/${s.id}`)} aria-label={`Session ${s.title}`}>
            <title>
              {s.title} ({time(s.start)})
            </title>
            <rect
              x={x(s.start)}
              y={40 + LANE + s.lane * LANE}
              width={Math.max(4, x(s.end) - x(s.start))}
              height={LANE - 6}
              rx={3}
              class="session"
            />
          </a>
        ))}
      </svg>
      <figcaption>
        {time(from)} to {time(to)}. Bars are sessions, ticks are commits. Hover for a title; select
        to open it.
      </figcaption>
    </figure>
  );
}
