import type { paths } from '@devctx/client';
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { api, problemText } from '../api.ts';
import { href } from '../router.ts';
import { ErrorNote, LoadMore, Show, useLoad, usePages } from '../ui.tsx';

type Task =
  paths['/v1/task-lists/{id}/tasks']['get']['responses'][200]['content']['application/json']['items'][number];

/**
 * A task list: progress per phase, and its tasks under their phases with live checkboxes.
 * A toggle shows at once and is rolled back if the API refuses it.
 */
export function TaskListView({ id }: { id: string }) {
  const path = { params: { path: { id } } };
  const list = useLoad(() => api.GET('/v1/task-lists/{id}', path), [id]);
  const sections = useLoad(() => api.GET('/v1/task-lists/{id}/sections', path), [id]);
  const users = useLoad(() => api.GET('/v1/users', { params: { query: { limit: 200 } } }), []);
  const pages = usePages(
    (cursor) =>
      api.GET('/v1/task-lists/{id}/tasks', {
        params: { path: { id }, query: { limit: 200, cursor } },
      }),
    [id],
  );
  const [changed, setChanged] = useState<Record<string, Task>>({});
  const [error, setError] = useState<string | null>(null);

  const toggle = async (task: Task) => {
    const checked = !task.checked;
    setError(null);
    setChanged((c) => ({ ...c, [task.id]: { ...task, checked } }));
    const { data, error } = await api.POST('/v1/tasks/{id}/toggle', {
      params: { path: { id: task.id } },
      body: { checked },
    });
    if (data) {
      setChanged((c) => ({ ...c, [task.id]: data }));
      sections.reload();
    } else {
      setChanged((c) => ({ ...c, [task.id]: task }));
      setError(`“${task.title}” was not changed: ${problemText(error)}`);
    }
  };

  const tasks = pages.items.map((t) => changed[t.id] ?? t);
  const phaseTitle = (sectionId: string) =>
    sections.data?.items.find((s) => s.id === sectionId)?.title ?? 'Section';
  const nameOf = (userId: string | null) =>
    userId ? (users.data?.items.find((u) => u.id === userId)?.name ?? userId.slice(0, 8)) : null;

  return (
    <Show state={list}>
      {(l) => (
        <>
          <hgroup>
            <h1>{l.name}</h1>
            <p>
              <a href={href(`/projects/${l.projectId}`)}>Back to the project</a> ·{' '}
              <button
                type="button"
                class="secondary outline small"
                onClick={() => exportMarkdown(id, l.name)}
              >
                Export as markdown
              </button>
            </p>
          </hgroup>
          {error && <ErrorNote text={error} />}
          <Show state={sections}>
            {(s) =>
              s.items.length > 0 && (
                <section aria-label="Progress per phase" class="phases">
                  {s.items.map((phase) => (
                    <div key={phase.id}>
                      <span>
                        {phase.title} — {phase.completed}/{phase.total}
                      </span>
                      <progress
                        value={phase.completed}
                        max={Math.max(phase.total, 1)}
                        aria-label={`${phase.title} progress`}
                      />
                    </div>
                  ))}
                </section>
              )
            }
          </Show>
          <Show state={pages}>
            {() => (
              <ul class="tasks">
                {tasks.map((task, i) => (
                  <Fragment key={task.id}>
                    {task.sectionId && task.sectionId !== tasks[i - 1]?.sectionId && (
                      <li class="phase">
                        <h2>{phaseTitle(task.sectionId)}</h2>
                      </li>
                    )}
                    <TaskRow
                      task={task}
                      assignee={nameOf(task.assigneeId)}
                      onToggle={() => toggle(task)}
                    />
                  </Fragment>
                ))}
              </ul>
            )}
          </Show>
          <LoadMore pages={pages} />
        </>
      )}
    </Show>
  );
}

function TaskRow(props: { task: Task; assignee: string | null; onToggle: () => void }) {
  const { task } = props;
  const [open, setOpen] = useState(false);
  return (
    <li class={task.parentTaskId ? 'subtask' : undefined}>
      <label>
        <input type="checkbox" checked={task.checked} onChange={props.onToggle} />
        <span class={task.checked ? 'done' : undefined}>{task.title}</span>
      </label>{' '}
      {task.effectiveStatus === 'blocked' && <span class="badge blocked">blocked</span>}
      {task.priority && <span class="badge">{task.priority}</span>}
      {props.assignee && <span class="badge">@{props.assignee}</span>}
      {task.dueDate && <small> due {task.dueDate}</small>}
      <details open={open} onToggle={(e) => setOpen((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>Details</summary>
        {open && <TaskDetails task={task} />}
      </details>
    </li>
  );
}

/** Loaded when opened: a long list does not fetch every task's dependencies. */
function TaskDetails({ task }: { task: Task }) {
  const dependencies = useLoad(
    () => api.GET('/v1/tasks/{id}/dependencies', { params: { path: { id: task.id } } }),
    [task.id],
  );
  return (
    <div>
      {task.description && <p>{task.description}</p>}
      <p>
        Status: {task.effectiveStatus}
        {task.labels.length > 0 && ` · labels: ${task.labels.join(', ')}`}
        {task.estimateHours != null && ` · estimate ${task.estimateHours} h`}
      </p>
      <Show state={dependencies}>
        {(d) =>
          d.items.length === 0 ? (
            <p>No dependencies.</p>
          ) : (
            <p>
              Waits for:{' '}
              {d.items.map((dep) => (
                <span key={dep.dependsOnId} class={dep.dependsOnChecked ? 'done badge' : 'badge'}>
                  {dep.dependsOnTitle}
                </span>
              ))}
            </p>
          )
        }
      </Show>
    </div>
  );
}

/** Downloads the list as markdown (fetched with the user's token, saved from a Blob). */
async function exportMarkdown(id: string, name: string) {
  const { data } = await api.GET('/v1/task-lists/{id}/markdown', {
    params: { path: { id } },
    parseAs: 'text',
  });
  if (typeof data !== 'string') return;
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([data], { type: 'text/markdown' }));
  link.download = `${name.replace(/[^\w.-]+/g, '-')}.md`;
  link.click();
  URL.revokeObjectURL(link.href);
}
