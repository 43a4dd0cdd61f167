import type { paths } from '@devctx/client';
import { useState } from 'preact/hooks';
import { api, problemText } from '../api.ts';
import { ErrorNote } from '../ui.tsx';

type ImportBody = paths['/v1/imports']['post']['requestBody']['content']['application/json'];
type Files = {
  checkpoints?: unknown;
  messagePages: unknown[];
  commits?: unknown;
  topics?: unknown;
};

/**
 * v1's export files (checkpoints.json, messages-page-NNN.json, git-commits.json,
 * topics.json) or a Claude Code transcript (.jsonl), imported by the API in the background.
 * The page follows the import until it has finished and shows its report.
 */
export function Import() {
  const [status, setStatus] = useState<string | null>(null);
  const [report, setReport] = useState<unknown>(null);
  const [error, setError] = useState<string | null>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    const input = (event.currentTarget as HTMLFormElement).elements.namedItem(
      'files',
    ) as HTMLInputElement;
    const chosen = [...(input.files ?? [])].sort((a, b) => a.name.localeCompare(b.name));
    setError(null);
    setReport(null);
    let body: ImportBody;
    try {
      const transcript = chosen.find((f) => f.name.endsWith('.jsonl'));
      body = transcript
        ? { kind: 'claude-code', transcript: await transcript.text() }
        : { kind: 'v1-export', files: await v1Files(chosen) };
    } catch (e) {
      return setError((e as Error).message);
    }
    setStatus('uploading');
    const { data, error } = await api.POST('/v1/imports', { body });
    if (!data) {
      setStatus(null);
      return setError(problemText(error));
    }
    for (let current = data; ; ) {
      setStatus(current.status);
      if (current.status === 'succeeded' || current.status === 'failed') {
        setReport(current.report);
        if (current.error) setError(current.error);
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
      const next = await api.GET('/v1/imports/{id}', { params: { path: { id: current.id } } });
      if (!next.data) return setError(problemText(next.error));
      current = next.data;
    }
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
        <button type="submit" aria-busy={status !== null && !report}>
          Import
        </button>
      </form>
      {status && <p role="status">Import {status}.</p>}
      {error && <ErrorNote text={error} />}
      {report !== null && (
        <details open>
          <summary>Report</summary>
          <pre>{JSON.stringify(report, null, 2)}</pre>
        </details>
      )}
    </>
  );
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
