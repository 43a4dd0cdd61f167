import { readFile, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { JSONPath, Node } from 'jsonc-parser';
import { CliError, EXIT } from '../errors.ts';
import { editJson, formatJson, jsonc, parseJsonObject } from '../json-edit.ts';
import { ensureDir, writeAtomically } from './state.ts';

/**
 * Our hooks in a Claude Code settings file, added and removed as text edits (jsonc-parser)
 * so that everything else in the file — the user's other hooks, settings, comments, their
 * formatting — stays byte for byte as it was.
 */

/** The events each hook command runs on. */
const EVENTS = {
  SessionStart: 'session-start',
  PreCompact: 'capture',
  Stop: 'capture',
  SessionEnd: 'capture',
} as const;
/** Claude Code's own limit on one run, in seconds; the hooks keep to their shorter budget. */
const TIMEOUT_SECONDS = 10;

/** `~/.claude/settings.json` (CLAUDE_CONFIG_DIR respected), or a project's. */
export function settingsFile(project: string | undefined, env = process.env): string {
  if (project) return path.join(project, '.claude', 'settings.json');
  return path.join(env.CLAUDE_CONFIG_DIR || path.join(homedir(), '.claude'), 'settings.json');
}

/**
 * Ours: a command hook running this CLI's `hook session-start` or `hook capture`, from its
 * bundle or its sources (hook-script.ts).
 */
const OURS = /(devctx\.mjs|cli\.ts)'? hook (session-start|capture)$/;
const isOurs = (hook: unknown) =>
  typeof hook === 'object' &&
  hook !== null &&
  typeof (hook as { command?: unknown }).command === 'string' &&
  OURS.test((hook as { command: string }).command);

type Settings = { hooks?: Record<string, { hooks?: unknown[] }[]> };

/**
 * Adds a group with our hook to each event, or points an existing one at `command` when
 * this CLI moved. Running it twice changes nothing the second time. Returns whether the
 * file changed.
 */
export async function installHooks(file: string, commandFor: (hook: string) => string) {
  const original = await readSettings(file);
  let text = original ?? '{}\n';
  for (const [event, hook] of Object.entries(EVENTS)) {
    const command = commandFor(hook);
    const groups = parse(text, file).hooks?.[event];
    const found = findOurs(groups);
    if (found.length > 0) {
      for (const [group, index] of found)
        text = editJson(text, ['hooks', event, group, 'hooks', index, 'command'], command);
      continue;
    }
    const group = { hooks: [{ type: 'command', command, timeout: TIMEOUT_SECONDS }] };
    text = Array.isArray(groups)
      ? editJson(text, ['hooks', event, -1], group)
      : editJson(text, ['hooks', event], [group]);
  }
  if (text === original) return false;
  await ensureDir(path.dirname(file));
  await writeAtomically(file, original === undefined ? formatJson(text) : text);
  return true;
}

/**
 * Removes exactly our hooks: the groups install added (and our entry from any group a
 * person merged it into), then an event, and the `hooks` object, left empty by that.
 */
export async function uninstallHooks(file: string) {
  const original = await readSettings(file);
  if (original === undefined) return false;
  let text = original;
  for (const event of Object.keys(EVENTS)) {
    for (;;) {
      const groups = parse(text, file).hooks?.[event];
      const [last] = findOurs(groups).slice(-1);
      if (!last || !Array.isArray(groups)) break;
      const [group, index] = last;
      const alone = (groups[group]?.hooks?.length ?? 0) === 1;
      if (alone && groups.length === 1) text = editJson(text, ['hooks', event], undefined);
      else if (alone) text = removeItem(text, ['hooks', event], group);
      else text = removeItem(text, ['hooks', event, group, 'hooks'], index);
    }
  }
  const hooks = parse(text, file).hooks;
  if (text !== original && hooks && Object.keys(hooks).length === 0)
    text = editJson(text, ['hooks'], undefined);
  if (text === original) return false;
  // A file left holding nothing at all (install made it) goes, as it came.
  if (text.replace(/\s/g, '') === '{}') await unlink(file);
  else await writeAtomically(file, text);
  return true;
}

/** [group index, hook index] of each of our hooks under one event, in document order. */
function findOurs(groups: unknown): [number, number][] {
  if (!Array.isArray(groups)) return [];
  return groups.flatMap((group, g) =>
    Array.isArray(group?.hooks)
      ? (group.hooks as unknown[]).flatMap((hook, h) => (isOurs(hook) ? [[g, h]] : []))
      : [],
  ) as [number, number][];
}

async function readSettings(file: string): Promise<string | undefined> {
  const exists = await stat(file).then(
    () => true,
    () => false,
  );
  return exists ? readFile(file, 'utf8') : undefined;
}

function parse(text: string, file: string): Settings {
  const value = parseJsonObject(text);
  if (!value) throw new CliError(`${file} is not a JSON object; left as it is.`, EXIT.data);
  if (value.hooks !== undefined && (typeof value.hooks !== 'object' || Array.isArray(value.hooks)))
    throw new CliError(`${file}: "hooks" is not an object; left as it is.`, EXIT.data);
  return value as Settings;
}

/**
 * Removes one array item with exactly the separator inserting it added (the comma and
 * line break before it), so the text around it is as it was before.
 */
function removeItem(text: string, array: JSONPath, index: number): string {
  const node = jsonc.findNodeAtLocation(jsonc.parseTree(text) as Node, array);
  const items = node?.children ?? [];
  const item = items[index];
  if (!item) return text;
  const before = items[index - 1];
  const after = items[index + 1];
  const [from, to] = before
    ? [before.offset + before.length, item.offset + item.length]
    : [item.offset, after ? after.offset : item.offset + item.length];
  return text.slice(0, from) + text.slice(to);
}
