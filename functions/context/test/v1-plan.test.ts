import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { planV1Import } from '../src/imports/v1/plan.ts';
import { V1_SAMPLE_DIR } from './fixtures.ts';

const fixtures = V1_SAMPLE_DIR;
const read = (file: string) => JSON.parse(readFileSync(path.join(fixtures, file), 'utf8'));
const files = {
  checkpoints: read('checkpoints.json'),
  messagePages: readdirSync(fixtures)
    .filter((f) => f.startsWith('messages-page-'))
    .sort()
    .map(read),
  commits: read('git-commits.json'),
  topics: read('topics.json'),
};

describe('planning a v1 import', () => {
  const plan = planV1Import(files);

  it('verifies every message hash and loses nothing', () => {
    expect(plan.report).toMatchObject({
      messages: 153,
      verified: 153,
      mismatched: [],
      skipped: [],
    });
    expect(plan.sessions.reduce((n, s) => n + s.messages.length, 0)).toBe(153);
  });

  it('makes a session of every checkpoint, dated even when the date is junk', () => {
    expect(plan.sessions).toHaveLength(5);
    expect(plan.sessions.every((s) => s.startedAt !== null)).toBe(true);
    const busy = plan.sessions.filter((s) => s.messages.length > 0).map((s) => s.messages.length);
    expect(busy).toEqual([51, 51, 51]);
  });

  it('keeps tags, file references and commands, in time order', () => {
    const messages = plan.sessions.flatMap((s) => s.messages);
    expect(messages.some((m) => m.tags.includes('artifact:python-code'))).toBe(true);
    expect(
      messages.some((m) =>
        m.fileReferences.some((f) => f.path === 'scripts/core/nested_learning.py'),
      ),
    ).toBe(true);
    expect(messages.filter((m) => m.commands.length > 0)).toHaveLength(17);
    for (const session of plan.sessions) {
      const times = session.messages.map((m) => m.occurredAt ?? '');
      expect(times).toEqual([...times].sort());
    }
  });

  it('carries the commits, their repository and the topics', () => {
    expect(plan.commits).toHaveLength(30);
    expect(plan.repositoryUrl).toBe('https://github.com/coditect-ai/coditect-rollout-master');
    expect(plan.topics.map((t) => t.name)).toContain('topic:documentation');
  });

  it('reports entries it cannot read, and still plans the rest', () => {
    const broken = planV1Import({
      ...files,
      messagePages: [{ messages: [{ hash: 'x' }, ...files.messagePages[0].messages.slice(0, 2)] }],
    });
    expect(broken.report.skipped).toEqual([
      { where: 'messages-page-1[0]', reason: expect.any(String) },
    ]);
    expect(broken.report.verified).toBe(2);
  });
});
