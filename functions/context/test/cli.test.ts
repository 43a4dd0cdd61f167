import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { V1_SAMPLE_DIR } from './fixtures.ts';
import { type SignedUp, signup, startContext } from './support.ts';

// The devctx command line, run as a process exactly as a person (or a hook) runs it.
const CLI = path.resolve(import.meta.dirname, '..', '..', '..', 'client', 'src', 'cli.ts');
let h: Awaited<ReturnType<typeof startContext>>;
let owner: SignedUp;
let pushKey: string;
let home: string;
beforeAll(async () => {
  h = await startContext({
    STORAGE_LOCAL_DIR: await mkdtemp(path.join(tmpdir(), 'devctx-cli-storage-')),
  });
  owner = await signup(h.anonymous, 'cli');
  pushKey = (
    await owner.client.post('/v1/api-keys', {
      name: 'cli',
      permissions: ['sessions:write', 'sessions:read'],
    })
  ).body.secret;
  home = await mkdtemp(path.join(tmpdir(), 'devctx-cli-home-'));
});
afterAll(() => h.close());

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}
async function devctx(args: string[], env: Record<string, string> = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', DEVCTX_CONFIG: path.join(home, 'config.json'), ...env },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
const withKey = (key = pushKey) => ({ DEVCTX_URL: h.server.baseUrl, DEVCTX_API_KEY: key });

const line = (session: string, n: number, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    type: n % 2 ? 'assistant' : 'user',
    uuid: `${session}-u${n}`,
    sessionId: session,
    timestamp: new Date(Date.UTC(2026, 10, 1, 0, n)).toISOString(),
    message:
      n % 2
        ? {
            id: `${session}-m${n}`,
            role: 'assistant',
            content: [{ type: 'text', text: `answer ${n}` }],
          }
        : { role: 'user', content: [{ type: 'text', text: `question ${n}` }] },
    ...extra,
  });
const transcript = (session: string, count: number) =>
  Array.from({ length: count }, (_, n) => line(session, n)).join('\n');

// Each step starts the CLI as a Node process, some several: 20 s was too tight under a
// full test run.
describe('devctx', { timeout: 60_000 }, () => {
  it('shows help for itself and for each command, and exits 0', async () => {
    const help = await devctx(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('push');
    expect(help.stdout).toContain('imports');
    const push = await devctx(['push', '--help']);
    expect(push.code).toBe(0);
    expect(push.stdout).toContain('--project');
  });

  it('logs in once, saving the server and key readable by its owner only', async () => {
    const login = await devctx(['login', '--url', h.server.baseUrl, '--key', pushKey]);
    expect(login.code).toBe(0);
    const file = path.join(home, 'config.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({
      url: h.server.baseUrl,
      key: pushKey,
    });
    expect((await devctx(['imports'])).code).toBe(0);
  });

  it('pushes a grown transcript’s new lines only, whatever their content shape', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'devctx-cli-grow-'));
    const file = path.join(dir, 'grow.jsonl');
    await writeFile(file, transcript('grow', 4));
    const first = await devctx(['push', dir], withKey());
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(
      /✓ .*grow\.jsonl: import [\da-f-]{36} 1 session\(s\), 4 new message\(s\)/,
    );
    const unchanged = await devctx(['push', dir], withKey());
    expect(unchanged.stderr).toContain('skipped (up to date)');
    // Two more turns, with block content (the shape the old CLI never looked at).
    await writeFile(file, transcript('grow', 6));
    const grown = await devctx(['push', file], withKey());
    expect(grown.stderr).toMatch(/2 new message\(s\), 0 already there/);
    const sessions = (await owner.client.get('/v1/sessions?tool=claude-code')).body.items;
    const session = sessions.find((s: { externalId: string }) => s.externalId === 'grow');
    const [conversation] = (await owner.client.get(`/v1/sessions/${session.id}/conversations`)).body
      .items;
    expect(
      (await owner.client.get(`/v1/conversations/${conversation.id}/messages`)).body.items,
    ).toHaveLength(6);
  });

  it('says a pushed transcript is up to date even when it holds lines the importer stores nothing for', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'devctx-cli-thinking-'));
    const file = path.join(dir, 'thinking.jsonl');
    const thinking = JSON.stringify({
      type: 'assistant',
      uuid: 'thinking-u9',
      sessionId: 'thinking',
      message: {
        id: 'thinking-m9',
        role: 'assistant',
        content: [{ type: 'thinking', thinking: '' }],
      },
    });
    await writeFile(file, `${transcript('thinking', 2)}\n${thinking}\n`);
    expect((await devctx(['push', file], withKey())).code).toBe(0);
    const again = await devctx(['push', file], withKey());
    expect(again.code).toBe(0);
    expect(again.stderr).toContain('skipped (up to date)');
  });

  it('skips a file that is not a transcript, creating nothing', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'devctx-cli-garbage-'));
    await writeFile(path.join(dir, 'garbage.jsonl'), 'not json at all\n{"hello":"world"}\n');
    const before = (await owner.client.get('/v1/sessions?limit=200')).body.items.length;
    const run = await devctx(['push', dir], withKey());
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('garbage.jsonl: skipped (not a transcript');
    expect((await owner.client.get('/v1/sessions?limit=200')).body.items).toHaveLength(before);
  });

  it('pushes a v1 export, printing the import id and its report', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'devctx-cli-v1-'));
    await cp(V1_SAMPLE_DIR, dir, { recursive: true });
    const run = await devctx(['push', dir], withKey());
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /import [\da-f-]{36} 5 session\(s\), 153 new message\(s\), 0 already there, 153 v1 hash\(es\) verified, 0 mismatched/,
    );
    const id = /import ([\da-f-]{36})/.exec(run.stderr)?.[1] as string;
    const shown = await devctx(['import', id], withKey());
    expect(shown.stdout).toContain('succeeded');
    expect((await devctx(['imports', '--limit', '1'], withKey())).stdout).toContain(id);
  });

  it('fails in one line, with a code saying why: bad file, server down, wrong key, missing permission', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'devctx-cli-bad-'));
    await cp(V1_SAMPLE_DIR, dir, { recursive: true });
    const page = path.join(dir, 'messages-page-002.json');
    await writeFile(page, `${(await readFile(page, 'utf8')).slice(0, 5000)}\n  "broken`);
    const badFile = await devctx(['push', dir], withKey());
    expect(badFile).toMatchObject({ code: 65 });
    const lastLine = (run: Run) => run.stderr.trim().split('\n').at(-1);
    expect(lastLine(badFile)).toMatch(
      /^devctx: .*messages-page-002\.json: not valid JSON at line \d+, column \d+\.$/,
    );

    await mkdir(path.join(dir, 'ok'));
    await writeFile(path.join(dir, 'ok', 'a.jsonl'), transcript('a', 2));
    const down = await devctx(['push', path.join(dir, 'ok')], {
      DEVCTX_URL: 'http://127.0.0.1:9',
      DEVCTX_API_KEY: pushKey,
    });
    expect(down).toMatchObject({ code: 69 });
    expect(lastLine(down)).toMatch(
      /^devctx: The server at http:\/\/127\.0\.0\.1:9 cannot be reached/,
    );

    const wrongKey = await devctx(['push', path.join(dir, 'ok')], withKey('dck_not_a_key'));
    expect(wrongKey).toMatchObject({ code: 77 });
    expect(wrongKey.stderr).toContain('refused the API key');

    const writeOnly = (
      await owner.client.post('/v1/api-keys', {
        name: 'write only',
        permissions: ['sessions:write'],
      })
    ).body.secret;
    const started = Date.now();
    const noRead = await devctx(['push', path.join(dir, 'ok')], withKey(writeOnly));
    expect(noRead).toMatchObject({ code: 77 });
    expect(noRead.stderr).toContain('needs sessions:read');
    expect(Date.now() - started).toBeLessThan(15_000); // no polling of refusals
    for (const run of [badFile, down, wrongKey, noRead]) expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
