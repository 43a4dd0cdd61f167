import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Settings } from './config.ts';
import { confinedPath } from './confined-path.ts';
import { CliError, EXIT } from './errors.ts';
import { writeAtomically } from './hooks/state.ts';
import { editJson, formatJson, parseJsonObject } from './json-edit.ts';

const NAME = 'devctx';
/**
 * The key is never written into a project's .mcp.json (projects commit it): Claude Code
 * expands this variable from its environment when it connects.
 */
// biome-ignore lint/suspicious/noTemplateCurlyInString: Claude Code's syntax, not ours
const KEY_REFERENCE = '${DEVCTX_API_KEY}';

/**
 * `devctx mcp [--install]`: how Claude Code reaches this server's MCP endpoint — the
 * `claude mcp add` command, and the project's `.mcp.json` entry (written with --install,
 * next to whatever servers the file names already).
 */
export async function mcpCommand(settings: Settings, projectDir: string | undefined) {
  const url = `${settings.url}/mcp`;
  const entry = { type: 'http', url, headers: { Authorization: `Bearer ${KEY_REFERENCE}` } };
  const lines = [
    'For every project (your user settings):',
    `  claude mcp add --transport http --scope user ${NAME} ${url} --header "Authorization: Bearer $DEVCTX_API_KEY"`,
  ];
  if (projectDir) {
    const file = await confinedPath(path.join(projectDir, '.mcp.json'), projectDir);
    const existing = await readFile(file, 'utf8').catch(() => undefined);
    const text = existing ?? '{}\n';
    if (!parseJsonObject(text))
      throw new CliError(`${file} is not a JSON object; left as it is.`, EXIT.data);
    const edited = editJson(text, ['mcpServers', NAME], entry);
    const updated = existing === undefined ? formatJson(edited) : edited;
    if (updated !== text) await writeAtomically(file, updated);
    lines.push(`${updated === text ? 'Already in' : 'Written to'} ${file} (for this project).`);
  } else {
    lines.push(
      'For this project only (.mcp.json, or run `devctx mcp --install`):',
      ...JSON.stringify({ mcpServers: { [NAME]: entry } }, null, 2)
        .split('\n')
        .map((l) => `  ${l}`),
    );
  }
  lines.push(
    'The key (sessions:read; projects:read and projects:write for the task tools) comes from DEVCTX_API_KEY: `claude mcp add` stores it once; the .mcp.json entry is read each time claude starts.',
  );
  if (!process.env.DEVCTX_API_KEY)
    lines.push('DEVCTX_API_KEY is not set in this shell: export DEVCTX_API_KEY=dck_… first.');
  return lines;
}
