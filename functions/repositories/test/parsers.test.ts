import { describe, expect, it } from 'vitest';
import { parseCommitMessage } from '../src/commits/commit-message.ts';
import { parseGitLog } from '../src/sync/git-log.ts';
import { nextLink } from '../src/sync/github-commits.ts';

describe('commit messages', () => {
  it('read Conventional Commits headers', () => {
    expect(parseCommitMessage('feat(api): add x')).toMatchObject({
      type: 'feat',
      scope: 'api',
      breaking: false,
      subject: 'feat(api): add x',
      body: '',
    });
    expect(parseCommitMessage('Fix!: drop y\r\n\r\nbody')).toMatchObject({
      type: 'fix',
      scope: null,
      breaking: true,
      body: 'body',
    });
    expect(parseCommitMessage('chore: z\n\nBREAKING CHANGE: gone')).toMatchObject({
      breaking: true,
    });
    expect(parseCommitMessage('Merge branch main into x')).toMatchObject({
      type: null,
      scope: null,
    });
    expect(parseCommitMessage('feat:no space')).toMatchObject({ type: null });
  });

  it('find task references, closing keywords included, once per task', () => {
    const { tasks } = parseCommitMessage(
      'feat: x\n\nCloses task:1A2B3C4D, refs task:deadbeef00 and task:1a2b3c4d again.\nfixed: task:cafebabe\ntask:123 is too short; mytask:abcdef12 is not a reference',
    );
    expect(tasks).toEqual([
      { prefix: '1a2b3c4d', closes: true },
      { prefix: 'deadbeef00', closes: false },
      { prefix: 'cafebabe', closes: true },
    ]);
  });
});

describe('git log uploads', () => {
  it('parse records, numstat and binary files; skip malformed records', () => {
    const text =
      `\x1e${'a'.repeat(40)}\x1fAda\x1fada@x.example\x1f2026-11-01T10:00:00+02:00\x1fsubject\n\nbody\n\x1f\n\n5\t1\ta.ts\n-\t-\tb.png\n` +
      `\x1enot-a-sha\x1fB\x1fb@x\x1f2026-11-01T10:00:00Z\x1fm\x1f\n` +
      `\x1e${'b'.repeat(40)}\x1fB\x1fb@x\x1fnot a date\x1fm\x1f\n`;
    const { commits, skipped } = parseGitLog(text, 'main');
    expect(skipped).toBe(2);
    expect(commits).toEqual([
      {
        sha: 'a'.repeat(40),
        message: 'subject\n\nbody\n',
        authorName: 'Ada',
        authorEmail: 'ada@x.example',
        committedAt: '2026-11-01T10:00:00+02:00',
        branch: 'main',
        filesChanged: 2,
        insertions: 5,
        deletions: 1,
      },
    ]);
  });
});

describe('Link headers', () => {
  it('find rel="next" wherever it is, or nothing', () => {
    expect(nextLink('<https://a/x?page=1>; rel="prev", <https://a/x?page=3>; rel="next"')).toBe(
      'https://a/x?page=3',
    );
    expect(nextLink('<https://a/x?page=1>; rel="first"')).toBeNull();
    expect(nextLink(null)).toBeNull();
  });
});
