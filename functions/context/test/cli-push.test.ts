import { cp, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { push } from '@devctx/client/push';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { V1_SAMPLE_DIR } from './fixtures.ts';
import { type SignedUp, signup, startContext } from './support.ts';

let h: Awaited<ReturnType<typeof startContext>>;
let owner: SignedUp;
let apiKey: string;
beforeAll(async () => {
  const storage = await mkdtemp(path.join(tmpdir(), 'devctx-push-storage-'));
  h = await startContext({ STORAGE_LOCAL_DIR: storage });
  owner = await signup(h.anonymous, 'push');
  apiKey = (
    await owner.client.post('/v1/api-keys', {
      name: 'cli',
      permissions: ['sessions:write', 'sessions:read'],
    })
  ).body.secret;
});
afterAll(() => h.close());

const transcript = (session: string, texts: string[]) =>
  texts
    .map((text, i) =>
      JSON.stringify({
        type: 'user',
        uuid: `${session}-${i}`,
        sessionId: session,
        timestamp: `2025-11-2${i}T10:00:00Z`,
        message: { role: 'user', content: text },
      }),
    )
    .join('\n');

describe('devctx push', () => {
  it('uploads a folder of transcripts, then skips what the server already has', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'devctx-transcripts-'));
    await mkdir(path.join(dir, 'project-a'));
    await writeFile(
      path.join(dir, 'project-a', 's1.jsonl'),
      transcript('s1', ['first question', 'second question']),
    );
    await writeFile(path.join(dir, 'project-a', 's2.jsonl'), transcript('s2', ['another session']));
    const lines: string[] = [];
    const first = await push({
      dir,
      baseUrl: h.server.baseUrl,
      apiKey,
      write: (t) => lines.push(t),
    });
    expect(first).toMatchObject({
      kind: 'claude-code',
      files: 2,
      uploaded: 2,
      skipped: 0,
      newMessages: 3,
      failed: [],
    });
    expect(lines.at(-1)).toContain('[####################] 2/2');

    const again = await push({ dir, baseUrl: h.server.baseUrl, apiKey, write: () => {} });
    expect(again).toMatchObject({ uploaded: 0, skipped: 2, newMessages: 0 });
  });

  it('uploads a v1 export folder as one import', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'devctx-v1-'));
    await cp(V1_SAMPLE_DIR, dir, {
      recursive: true,
    });
    const summary = await push({ dir, baseUrl: h.server.baseUrl, apiKey, write: () => {} });
    expect(summary).toMatchObject({
      kind: 'v1-export',
      files: 2,
      uploaded: 1,
      newMessages: 153,
      failed: [],
    });
  });

  it('reports a refused upload instead of failing silently', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'devctx-bad-'));
    await writeFile(path.join(dir, 'x.jsonl'), transcript('x', ['hello']));
    const summary = await push({
      dir,
      baseUrl: h.server.baseUrl,
      apiKey: 'dck_not_a_key',
      write: () => {},
    });
    expect(summary.failed).toHaveLength(1);
    expect(summary.uploaded).toBe(0);
  });
});
