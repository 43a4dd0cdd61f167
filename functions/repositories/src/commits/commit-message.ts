/**
 * What a commit message says about itself: the Conventional Commits header
 * (`type(scope)!: subject`, https://www.conventionalcommits.org) and the tasks it names.
 *
 * Task references: `task:` followed by the first 8 (or more) hex digits of a task's id,
 * e.g. `task:1a2b3c4d`. Preceded by a closing keyword — `close(s|d)`, `fix(es|ed)`,
 * `resolve(s|d)`, any case, optional colon — the commit also checks the task:
 * `Fixes task:1a2b3c4d`. Documented in docs/commits.md.
 */
export interface ParsedMessage {
  subject: string;
  body: string;
  type: string | null;
  scope: string | null;
  breaking: boolean;
  tasks: { prefix: string; closes: boolean }[];
}

const HEADER = /^(?<type>[a-z][a-z0-9-]*)(?:\((?<scope>[^()\r\n]+)\))?(?<bang>!)?: \S/i;
const REFERENCE =
  /(?:\b(?<keyword>close[sd]?|fix(?:e[sd])?|resolve[sd]?):?\s+)?\btask:(?<prefix>[0-9a-f]{8,32})\b/gi;

export function parseCommitMessage(message: string): ParsedMessage {
  const text = message.replace(/\r\n?/g, '\n');
  const newline = text.indexOf('\n');
  const subject = (newline < 0 ? text : text.slice(0, newline)).trim();
  const body = newline < 0 ? '' : text.slice(newline + 1).trim();
  const header = HEADER.exec(subject)?.groups;
  const tasks = new Map<string, boolean>();
  for (const match of text.matchAll(REFERENCE)) {
    const prefix = (match.groups?.prefix ?? '').toLowerCase();
    tasks.set(prefix, (tasks.get(prefix) ?? false) || Boolean(match.groups?.keyword));
  }
  return {
    subject,
    body,
    type: header?.type?.toLowerCase() ?? null,
    scope: header?.scope?.trim() ?? null,
    breaking: Boolean(header?.bang) || /^BREAKING[ -]CHANGE:/m.test(body),
    tasks: [...tasks].map(([prefix, closes]) => ({ prefix, closes })),
  };
}
