import { realpath } from 'node:fs/promises';
import path from 'node:path';
import { CliError, EXIT } from './errors.ts';

/**
 * The file a settings path really names, links followed: a user's settings kept as a link
 * into a dotfiles folder are edited there, not replaced by a copy. Under `root` (a project),
 * the file must stay inside it: a link committed to a repository must not lead the CLI to
 * write (or copy into the project) a file elsewhere, such as the one holding the API key.
 */
export async function confinedPath(named: string, root?: string): Promise<string> {
  const target =
    (await realpath(named).catch(() => undefined)) ??
    path.join(
      await realpath(path.dirname(named)).catch(() => path.dirname(named)),
      path.basename(named),
    );
  if (root !== undefined) {
    const inside = `${await realpath(root).catch(() => path.resolve(root))}${path.sep}`;
    if (!target.startsWith(inside))
      throw new CliError(`${named} leads outside ${root} (a link); left as it is.`, EXIT.data);
  }
  return target;
}
