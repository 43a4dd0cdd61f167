import { createHash } from 'node:crypto';
import { readFile, stat, unlink } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';
import type { JSONPath, Node } from 'jsonc-parser';
import { confinedPath } from '../confined-path.ts';
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

/** A settings file, as named and as really written (links followed). */
export interface SettingsFile {
  named: string;
  file: string;
}

/** `~/.claude/settings.json` (CLAUDE_CONFIG_DIR respected), or a project's, kept inside it. */
export async function settingsFile(
  project: string | undefined,
  env = process.env,
): Promise<SettingsFile> {
  const named = project
    ? path.join(project, '.claude', 'settings.json')
    : path.join(env.CLAUDE_CONFIG_DIR || path.join(homedir(), '.claude'), 'settings.json');
  return { named, file: await confinedPath(named, project) };
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
 * file changed. What the file was before is kept in the state folder, so uninstall can put
 * it back byte for byte.
 */
export async function installHooks(
  settings: SettingsFile,
  commandFor: (hook: string) => string,
  stateDir: string,
) {
  const { file } = settings;
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
  if (original === undefined) text = formatJson(text);
  await ensureDir(path.dirname(file));
  await writeAtomically(file, text);
  await remember(stateDir, file, { before: original ?? null, after: text });
  return true;
}

/**
 * Removes exactly what install added. A file nobody changed since is put back as it was
 * before install (or removed, if install made it). One changed since loses our groups
 * only (and our entry from any group a person merged it into), then an event, and the
 * `hooks` object, left empty by that.
 */
export async function uninstallHooks(settings: SettingsFile, stateDir: string) {
  const { file } = settings;
  const original = await readSettings(file);
  if (original === undefined) return false;
  const installed = await recalled(stateDir, file);
  const text = installed?.after === original ? installed.before : withoutOurs(original, file);
  if (text === original) return false;
  if (text === null) await unlink(file);
  else await writeAtomically(file, text);
  await forget(stateDir, file);
  return true;
}

function withoutOurs(original: string, file: string): string {
  let text = original;
  for (const event of Object.keys(EVENTS)) {
    for (;;) {
      const groups = parse(text, file).hooks?.[event];
      const [last] = findOurs(groups).slice(-1);
      if (!last || !Array.isArray(groups)) break;
      const [group, index] = last;
      const alone = (groups[group]?.hooks?.length ?? 0) === 1;
      const before = text;
      if (alone && groups.length === 1) text = editJson(text, ['hooks', event], undefined);
      else if (alone) text = removeItem(text, ['hooks', event], group);
      else text = removeItem(text, ['hooks', event, group, 'hooks'], index);
      // An edit that changes nothing would loop for ever: refuse instead.
      if (text === before) throw unchangeable(file);
    }
  }
  const hooks = parse(text, file).hooks;
  if (text !== original && hooks && Object.keys(hooks).length === 0)
    text = editJson(text, ['hooks'], undefined);
  return text;
}

const unchangeable = (file: string) =>
  new CliError(`${file}: our hooks cannot be edited out; left as it is.`, EXIT.data);

/** What install found and left, per settings file (by its real path). */
interface Installed {
  before: string | null;
  after: string;
}
const recordOf = (stateDir: string, file: string) =>
  path.join(stateDir, 'installed', `${createHash('sha256').update(file).digest('hex')}.json`);

async function remember(stateDir: string, file: string, installed: Installed) {
  await ensureDir(path.join(stateDir, 'installed'));
  await writeAtomically(recordOf(stateDir, file), JSON.stringify(installed));
}

async function recalled(stateDir: string, file: string): Promise<Installed | undefined> {
  try {
    return JSON.parse(await readFile(recordOf(stateDir, file), 'utf8')) as Installed;
  } catch {
    return undefined;
  }
}

const forget = (stateDir: string, file: string) =>
  unlink(recordOf(stateDir, file)).catch(() => undefined);

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
  if (!value || hasDuplicateKeys(text))
    throw new CliError(
      `${file} is not a JSON object (or repeats a key); left as it is.`,
      EXIT.data,
    );
  const hooks = value.hooks;
  if (hooks === undefined) return value as Settings;
  const events = Object.entries(EVENTS).map(
    ([event]) => (hooks as Record<string, unknown>)?.[event],
  );
  if (
    typeof hooks !== 'object' ||
    hooks === null ||
    Array.isArray(hooks) ||
    events.some((groups) => groups !== undefined && !Array.isArray(groups))
  )
    throw new CliError(
      `${file}: "hooks" is not as Claude Code reads it; left as it is.`,
      EXIT.data,
    );
  return value as Settings;
}

/** Whether some object of the text names a key twice (readers disagree on which counts). */
function hasDuplicateKeys(text: string): boolean {
  const walk = (node: Node | undefined): boolean => {
    if (!node) return false;
    if (node.type === 'object') {
      const keys = (node.children ?? []).map((p) => p.children?.[0]?.value);
      if (new Set(keys).size !== keys.length) return true;
    }
    return (node.children ?? []).some(walk);
  };
  return walk(jsonc.parseTree(text));
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
