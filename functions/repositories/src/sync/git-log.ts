import type { IncomingCommit } from '../commits/upsert-commits.ts';

/**
 * The `git log` format an upload uses (docs/commits.md):
 *
 *   git log --numstat --date=iso-strict --format='%x1e%H%x1f%an%x1f%ae%x1f%cd%x1f%B%x1f'
 *
 * Each commit starts with RS (0x1E); its fields are separated by US (0x1F): sha, author
 * name, author e-mail, committer date, message; then `--numstat` lines
 * (`added<TAB>deleted<TAB>path`, `-` for binary files). Malformed records are counted and
 * skipped.
 */
export function parseGitLog(
  text: string,
  branch: string | null,
): { commits: IncomingCommit[]; skipped: number } {
  const commits: IncomingCommit[] = [];
  let skipped = 0;
  for (const record of text.split('\x1e')) {
    if (record.trim() === '') continue;
    const [sha, name, email, date, message, stats] = record.split('\x1f');
    if (
      !sha ||
      !/^[0-9a-f]{40}$/i.test(sha.trim()) ||
      message === undefined ||
      !date ||
      Number.isNaN(Date.parse(date.trim()))
    ) {
      skipped++;
      continue;
    }
    let files = 0;
    let insertions = 0;
    let deletions = 0;
    for (const line of (stats ?? '').split('\n')) {
      const match = /^(\d+|-)\t(\d+|-)\t.+$/.exec(line.trim());
      if (!match) continue;
      files++;
      insertions += match[1] === '-' ? 0 : Number(match[1]);
      deletions += match[2] === '-' ? 0 : Number(match[2]);
    }
    commits.push({
      sha: sha.trim(),
      message,
      authorName: name?.trim() || null,
      authorEmail: email?.trim() || null,
      committedAt: date.trim(),
      branch,
      filesChanged: files,
      insertions,
      deletions,
    });
  }
  return { commits, skipped };
}
