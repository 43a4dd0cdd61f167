import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { V1_SAMPLE_DIR } from './fixtures.ts';
import { type SignedUp, signup, startContext } from './support.ts';

const fixtures = V1_SAMPLE_DIR;
const read = (file: string) => JSON.parse(readFileSync(path.join(fixtures, file), 'utf8'));
const v1 = {
  checkpoints: read('checkpoints.json'),
  messagePages: readdirSync(fixtures)
    .filter((f) => f.startsWith('messages-page-'))
    .sort()
    .map(read),
  commits: read('git-commits.json'),
  topics: read('topics.json'),
};

let h: Awaited<ReturnType<typeof startContext>>;
let owner: SignedUp;
beforeAll(async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'devctx-imports-'));
  h = await startContext({ STORAGE_LOCAL_DIR: dir });
  owner = await signup(h.anonymous, 'imports');
});
afterAll(() => h.close());

async function finished(id: string, by: SignedUp = owner) {
  for (let i = 0; i < 200; i++) {
    const reply = await by.client.get(`/v1/imports/${id}`);
    if (reply.body.status === 'succeeded' || reply.body.status === 'failed') return reply.body;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('import did not finish');
}

describe('imports', () => {
  it('the v1 sample: every hash verified, every message stored; importing it again adds nothing', async () => {
    const accepted = await owner.client.post('/v1/imports', { kind: 'v1-export', files: v1 });
    expect(accepted.status).toBe(202);
    const done = await finished(accepted.body.id);
    expect(done).toMatchObject({
      status: 'succeeded',
      report: {
        verifiedHashes: 153,
        mismatchedHashes: 0,
        sessions: 5,
        newMessages: 153,
        duplicateMessages: 0,
        commits: { repository: 'coditect-ai/coditect-rollout-master', commits: 30, inserted: 30 },
      },
    });
    const sessions = (await owner.client.get('/v1/sessions?tool=v1&limit=10')).body.items;
    expect(sessions).toHaveLength(5);
    // The commits went to the export's repository, and the sessions belong to it.
    const [repository] = (await owner.client.get('/v1/repositories')).body.items;
    expect(repository).toMatchObject({
      provider: 'github',
      fullName: 'coditect-ai/coditect-rollout-master',
    });
    const commits = (await owner.client.get(`/v1/repositories/${repository.id}/commits?limit=100`))
      .body.items;
    expect(commits).toHaveLength(30);
    expect(
      commits.find((c: { sha: string }) => c.sha === 'bb4711ab9e349d3edabd8446823ad1378c3a2ab7'),
    ).toMatchObject({
      subject: 'fix(export-dedup): Add missing except block for Step 1 try statement',
      conventional: { type: 'fix', scope: 'export-dedup' },
      committedAt: '2025-11-25T06:31:43.000Z',
      source: 'v1-import',
    });
    expect(sessions.every((s: { repositoryId: string }) => s.repositoryId === repository.id)).toBe(
      true,
    );
    // Imported sessions are over: each ends at its last message (its start without one).
    for (const s of sessions as { startedAt: string; endedAt: string | null }[]) {
      expect(s.endedAt).not.toBeNull();
      expect(Date.parse(s.endedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(s.startedAt));
    }

    const again = await finished(
      (await owner.client.post('/v1/imports', { kind: 'v1-export', files: v1 })).body.id,
    );
    expect(again.report).toMatchObject({
      newMessages: 0,
      duplicateMessages: 153,
      commits: { inserted: 0 },
    });
    expect((await owner.client.get('/v1/repositories')).body.items).toHaveLength(1);
    expect((await owner.client.get('/v1/sessions?tool=v1&limit=10')).body.items).toHaveLength(5);
    expect(
      (await owner.client.get('/v1/search/messages?q=nested_learning.py')).body.items.length,
    ).toBeGreaterThan(0);
  });

  it("a v1 import past the tier's repository limit keeps its sessions and says why its commits were skipped", async () => {
    const full = await signup(h.anonymous, 'imports-full');
    for (const name of ['a', 'b', 'c']) {
      const connected = await full.client.post('/v1/repositories', {
        provider: 'github',
        fullName: `acme/${name}`,
      });
      expect(connected.status).toBe(201);
    }
    const done = await finished(
      (await full.client.post('/v1/imports', { kind: 'v1-export', files: v1 })).body.id,
      full,
    );
    expect(done).toMatchObject({
      status: 'succeeded',
      report: {
        sessions: 5,
        newMessages: 153,
        commits: {
          repository: 'coditect-ai/coditect-rollout-master',
          inserted: 0,
          skipped: 'the tier allows no more repositories',
        },
      },
    });
    expect((await full.client.get('/v1/repositories')).body.items).toHaveLength(3);
    const sessions = (await full.client.get('/v1/sessions?tool=v1&limit=10')).body.items;
    expect(sessions).toHaveLength(5);
    expect(sessions.every((s: { repositoryId: string | null }) => s.repositoryId === null)).toBe(
      true,
    );
  });

  it('a Claude Code transcript: streamed chunks merged, broken lines counted; only new lines on re-import', async () => {
    const line = (v: Record<string, unknown>) =>
      JSON.stringify({ sessionId: 'cc-42', cwd: '/app', gitBranch: 'main', ...v });
    const transcript = [
      line({
        type: 'user',
        uuid: 'u1',
        timestamp: '2025-11-20T10:00:00Z',
        message: { role: 'user', content: 'Add a health check' },
      }),
      line({
        type: 'assistant',
        uuid: 'a1',
        timestamp: '2025-11-20T10:00:02Z',
        message: {
          id: 'msg_1',
          content: [{ type: 'text', text: 'Adding /health.' }],
          usage: { input_tokens: 5, output_tokens: 2 },
        },
      }),
      line({
        type: 'assistant',
        uuid: 'a2',
        timestamp: '2025-11-20T10:00:03Z',
        message: {
          id: 'msg_1',
          content: [
            { type: 'tool_use', id: 't1', name: 'Edit', input: { file_path: 'src/server.ts' } },
          ],
          usage: { input_tokens: 5, output_tokens: 9 },
        },
      }),
      '{broken',
      JSON.stringify({ type: 'summary', summary: 'Health check', leafUuid: 'a2' }),
    ].join('\n');
    const done = await finished(
      (await owner.client.post('/v1/imports', { kind: 'claude-code', transcript })).body.id,
    );
    expect(done.report).toMatchObject({ sessions: 1, newMessages: 2, malformedLines: 1 });
    const session = (await owner.client.get('/v1/sessions?tool=claude-code')).body.items[0];
    expect(session).toMatchObject({
      externalId: 'cc-42',
      title: 'Health check',
      gitBranch: 'main',
    });

    const longer = `${transcript}\n${line({ type: 'user', uuid: 'u2', timestamp: '2025-11-20T10:01:00Z', message: { role: 'user', content: 'Thanks!' } })}`;
    const again = await finished(
      (await owner.client.post('/v1/imports', { kind: 'claude-code', transcript: longer })).body.id,
    );
    expect(again.report).toMatchObject({ newMessages: 1, duplicateMessages: 2 });
  });

  it('refuses an unknown kind, and another tenant cannot see an import', async () => {
    expect((await owner.client.post('/v1/imports', { kind: 'zip' })).status).toBe(400);
    const transcript = JSON.stringify({
      type: 'user',
      sessionId: 'cc-private',
      uuid: 'u-private',
      message: { role: 'user', content: 'mine' },
    });
    const mine = await owner.client.post('/v1/imports', { kind: 'claude-code', transcript });
    const other = await signup(h.anonymous, 'imports-other');
    expect((await other.client.get(`/v1/imports/${mine.body.id}`)).status).toBe(404);
  });
});
