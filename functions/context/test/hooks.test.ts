import { execFile, spawn } from 'node:child_process';
import {
  appendFile,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type SignedUp, signup, startContext } from './support.ts';

// The Claude Code hooks, installed by `devctx hook install` and then run exactly as Claude
// Code runs them: the installed command through a shell, the hook's JSON on stdin.
const CLI = path.resolve(import.meta.dirname, '..', '..', '..', 'client', 'src', 'cli.ts');
let h: Awaited<ReturnType<typeof startContext>>;
let owner: SignedUp;
let key: string;
let home: string;
let repository: { id: string };
beforeAll(async () => {
  h = await startContext({
    STORAGE_LOCAL_DIR: await mkdtemp(path.join(tmpdir(), 'devctx-hooks-storage-')),
  });
  owner = await signup(h.anonymous, 'hooks');
  key = (
    await owner.client.post('/v1/api-keys', {
      name: 'hooks',
      permissions: ['sessions:write', 'sessions:read', 'repositories:read'],
    })
  ).body.secret;
  repository = (
    await owner.client.post('/v1/repositories', { provider: 'github', fullName: 'Acme/Hooked' })
  ).body;
  home = await mkdtemp(path.join(tmpdir(), 'devctx-hooks-home-'));
});
afterAll(() => h.close());

/** A fresh HOME: its own Claude settings, devctx config and state. */
async function newHome() {
  const dir = await mkdtemp(path.join(home, 'home-'));
  return {
    dir,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: dir,
      DEVCTX_URL: h.server.baseUrl,
      DEVCTX_API_KEY: key,
    } as Record<string, string>,
    settings: path.join(dir, '.claude', 'settings.json'),
    state: path.join(dir, '.local', 'state', 'devctx'),
  };
}

async function devctx(args: string[], env: Record<string, string>, cwd?: string) {
  const { stdout } = await promisify(execFile)(process.execPath, [CLI, ...args], { env, cwd });
  return stdout;
}

/** The command install wrote for an event, run through a shell with the hook's JSON on stdin. */
async function runInstalled(
  settingsFile: string,
  event: string,
  input: Record<string, unknown>,
  env: Record<string, string>,
) {
  const settings = JSON.parse(await readFile(settingsFile, 'utf8'));
  const command = settings.hooks[event].at(-1).hooks[0].command as string;
  const started = Date.now();
  return new Promise<{ code: number | null; stdout: string; ms: number }>((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { env, cwd: input.cwd as string });
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout, ms: Date.now() - started }));
    child.stdin.end(JSON.stringify({ hook_event_name: event, ...input }));
  });
}

/** A git working copy whose origin names the tenant's repository. */
async function workingCopy(remote = 'git@github.com:acme/hooked.git', branch = 'feature/hooks') {
  const dir = await mkdtemp(path.join(tmpdir(), 'devctx-hooks-wc-'));
  const git = (...args: string[]) => promisify(execFile)('git', ['-C', dir, ...args]);
  await git('init', '-q', '-b', branch);
  await git('remote', 'add', 'origin', remote);
  return dir;
}

const turn = (session: string, n: number) =>
  `${[0, 1]
    .map((k) =>
      JSON.stringify({
        type: k ? 'assistant' : 'user',
        uuid: `${session}-u${n}-${k}`,
        sessionId: session,
        gitBranch: 'feature/hooks',
        timestamp: new Date(Date.UTC(2026, 11, 1, 0, n, k)).toISOString(),
        message: k
          ? {
              id: `${session}-m${n}`,
              role: 'assistant',
              content: [{ type: 'text', text: `answer ${n}` }],
            }
          : { role: 'user', content: `question ${n}` },
      }),
    )
    .join('\n')}\n`;

/** A home with the hooks installed, and a working copy whose transcript has one turn. */
async function installedWithTranscript(session: string) {
  const me = await newHome();
  await devctx(['hook', 'install'], me.env);
  const cwd = await workingCopy();
  const transcript = path.join(cwd, `${session}.jsonl`);
  await writeFile(transcript, turn(session, 0));
  return {
    me,
    session,
    transcript,
    input: { session_id: session, transcript_path: transcript, cwd },
  };
}

async function sessionByExternalId(externalId: string) {
  const items = (await owner.client.get('/v1/sessions?tool=claude-code&limit=200')).body.items;
  return items.find((s: { externalId: string }) => s.externalId === externalId);
}

async function messagesOf(externalId: string): Promise<string[]> {
  const session = await sessionByExternalId(externalId);
  if (!session) return [];
  const [conversation] = (await owner.client.get(`/v1/sessions/${session.id}/conversations`)).body
    .items;
  const messages = (
    await owner.client.get(`/v1/conversations/${conversation.id}/messages?limit=200`)
  ).body.items;
  return messages.map((m: { content: string }) => m.content);
}

/** Imports run in the background: waits until every one has ended. */
async function importsSettled() {
  for (let i = 0; i < 200; i++) {
    const items = (await owner.client.get('/v1/imports?limit=50')).body.items;
    if (items.every((i: { status: string }) => i.status === 'succeeded' || i.status === 'failed'))
      return items;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('imports did not end');
}

/** A port that accepts connections and never answers: a server that hangs. */
async function hangingServer(): Promise<{ url: string; server: Server }> {
  const server = createServer(() => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, server };
}

describe('Claude Code hooks', { timeout: 120_000 }, () => {
  it('install adds the hooks beside the user’s own; again changes nothing; uninstall restores the file byte for byte', async () => {
    const me = await newHome();
    await mkdir(path.dirname(me.settings), { recursive: true });
    // The user's own settings: other hooks, a comment, four-space indentation.
    const original = `{
    // mine
    "model": "opus",
    "hooks": {
        "Stop": [
            { "hooks": [ { "type": "command", "command": "say done" } ] }
        ],
        "PreToolUse": [
            { "matcher": "Bash", "hooks": [ { "type": "command", "command": "./guard.sh" } ] }
        ]
    },
    "permissions": { "allow": ["Bash(npm test)"] }
}
`;
    await writeFile(me.settings, original);
    expect(await devctx(['hook', 'install'], me.env)).toContain('Added the devctx hooks');
    const installed = await readFile(me.settings, 'utf8');
    const parsed = JSON.parse(installed.replace('// mine', ''));
    // The bundled script in the state folder, run by this Node.
    for (const event of ['SessionStart', 'PreCompact', 'Stop', 'SessionEnd'])
      expect(parsed.hooks[event].at(-1).hooks[0].command).toBe(
        `'${process.execPath}' '${path.join(me.state, 'bin', 'devctx.mjs')}' hook ${event === 'SessionStart' ? 'session-start' : 'capture'}`,
      );
    expect(parsed.hooks.Stop[0].hooks[0].command).toBe('say done');
    expect(parsed.hooks.PreToolUse).toHaveLength(1);
    expect(parsed.permissions).toEqual({ allow: ['Bash(npm test)'] });
    expect(installed).toContain(
      '            { "hooks": [ { "type": "command", "command": "say done" } ] },',
    );

    expect(await devctx(['hook', 'install'], me.env)).toContain('has the devctx hooks already');
    expect(await readFile(me.settings, 'utf8')).toBe(installed);

    expect(await devctx(['hook', 'uninstall'], me.env)).toContain('Removed the devctx hooks');
    expect(await readFile(me.settings, 'utf8')).toBe(original);
    expect(await devctx(['hook', 'uninstall'], me.env)).toContain('has no devctx hooks');

    // Changed by its owner in between: only our hooks go, the change stays.
    await devctx(['hook', 'install'], me.env);
    const changed = (await readFile(me.settings, 'utf8')).replace('"opus"', '"sonnet"');
    await writeFile(me.settings, changed);
    await devctx(['hook', 'uninstall'], me.env);
    expect(await readFile(me.settings, 'utf8')).toBe(original.replace('"opus"', '"sonnet"'));
  });

  it('leaves alone a settings file it cannot edit safely: repeated keys, hooks of another shape, a link out of the project', async () => {
    const me = await newHome();
    await mkdir(path.dirname(me.settings), { recursive: true });
    const run = (args: string[]) =>
      promisify(execFile)(process.execPath, [CLI, ...args], { env: me.env, timeout: 20_000 }).then(
        () => ({ code: 0 }),
        (e: { code: number }) => ({ code: e.code }),
      );
    for (const text of [
      '{"hooks":{"Notification":[]},"hooks":{"Stop":[{"hooks":[{"type":"command","command":"x/devctx.mjs hook capture"}]}]}}',
      '{"hooks":{"Stop":"echo hi"}}',
      '{"hooks":null}',
    ]) {
      await writeFile(me.settings, text);
      expect(await run(['hook', 'install'])).toEqual({ code: 65 });
      expect(await run(['hook', 'uninstall'])).toEqual({ code: 65 });
      expect(await readFile(me.settings, 'utf8')).toBe(text);
    }

    // A project whose .claude/settings.json links to the file holding the key.
    const project = await mkdtemp(path.join(tmpdir(), 'devctx-hooks-link-'));
    const secret = path.join(me.dir, 'secret.json');
    await writeFile(secret, '{"key": "dck_secret"}\n');
    await mkdir(path.join(project, '.claude'));
    await symlink(secret, path.join(project, '.claude', 'settings.json'));
    expect(await run(['hook', 'install', '--project', project])).toEqual({ code: 65 });
    expect(await readFile(secret, 'utf8')).toBe('{"key": "dck_secret"}\n');
    expect((await lstat(path.join(project, '.claude', 'settings.json'))).isSymbolicLink()).toBe(
      true,
    );

    // The user's own settings kept as a link (dotfiles): edited where the link leads.
    const dotfiles = path.join(me.dir, 'dotfiles-settings.json');
    await writeFile(dotfiles, '{"model": "opus"}\n');
    await rm(me.settings);
    await symlink(dotfiles, me.settings);
    expect(await run(['hook', 'install'])).toEqual({ code: 0 });
    expect((await lstat(me.settings)).isSymbolicLink()).toBe(true);
    expect(JSON.parse(await readFile(dotfiles, 'utf8')).hooks.Stop).toHaveLength(1);
    await run(['hook', 'uninstall']);
    expect(await readFile(dotfiles, 'utf8')).toBe('{"model": "opus"}\n');
  });

  it('install --project writes a project’s .claude/settings.json (the folder npm ran in, or the one named); uninstall removes the file it made; a broken one is left alone', async () => {
    const me = await newHome();
    const project = await mkdtemp(path.join(tmpdir(), 'devctx-hooks-project-'));
    const file = path.join(project, '.claude', 'settings.json');
    for (const [args, env] of [
      [['--project'], { INIT_CWD: project }],
      [['--project', project], {}],
    ] as const) {
      await devctx(['hook', 'install', ...args], { ...me.env, ...env });
      const made = await readFile(file, 'utf8');
      expect(made.startsWith('{\n  "hooks": {\n    "SessionStart": [')).toBe(true);
      expect(Object.keys(JSON.parse(made).hooks)).toEqual([
        'SessionStart',
        'PreCompact',
        'Stop',
        'SessionEnd',
      ]);
      await devctx(['hook', 'uninstall', ...args], { ...me.env, ...env });
      expect(await readdir(path.dirname(file))).toEqual([]);
    }

    await writeFile(file, '{ "hooks": ');
    const broken = await promisify(execFile)(
      process.execPath,
      [CLI, 'hook', 'install', '--project'],
      {
        env: { ...me.env, INIT_CWD: project },
      },
    ).catch((e: { code: number; stderr: string }) => e);
    expect(broken).toMatchObject({ code: 65 });
    expect(await readFile(file, 'utf8')).toBe('{ "hooks": ');
  });

  it('capture after each turn stores each line once, linked to the repository the git remote names; session-start then briefs it', async () => {
    const me = await newHome();
    await devctx(['hook', 'install'], me.env);
    const cwd = await workingCopy();
    const session = 'hook-session-1';
    const transcript = path.join(cwd, `${session}.jsonl`);
    await writeFile(transcript, '');
    const input = { session_id: session, transcript_path: transcript, cwd };
    for (let n = 0; n < 3; n++) {
      await appendFile(transcript, turn(session, n));
      const run = await runInstalled(me.settings, 'Stop', input, me.env);
      expect(run).toMatchObject({ code: 0, stdout: '' });
      await importsSettled();
      expect(await messagesOf(session)).toHaveLength(2 * (n + 1));
    }
    // A line still being written is left for the next capture, then sent whole.
    const partial = turn(session, 3);
    await appendFile(transcript, partial.slice(0, 40));
    await runInstalled(me.settings, 'PreCompact', input, me.env);
    await appendFile(transcript, partial.slice(40));
    await runInstalled(me.settings, 'SessionEnd', input, me.env);
    await importsSettled();
    const contents = await messagesOf(session);
    expect(contents).toHaveLength(8);
    expect(new Set(contents).size).toBe(8);
    expect((await sessionByExternalId(session)).repositoryId).toBe(repository.id);

    const start = await runInstalled(
      me.settings,
      'SessionStart',
      { ...input, source: 'startup' },
      me.env,
    );
    expect(start.code).toBe(0);
    const output = JSON.parse(start.stdout);
    expect(output.hookSpecificOutput.hookEventName).toBe('SessionStart');
    expect(output.hookSpecificOutput.additionalContext).toContain('# Dev Context: Acme/Hooked');
    expect(output.hookSpecificOutput.additionalContext).toContain('feature/hooks');
  });

  it('with the server down or hanging both hooks exit 0 within their budget; the spool is sent by the next call', async () => {
    const { me, session, transcript, input } = await installedWithTranscript('hook-offline');
    const hanging = await hangingServer();
    try {
      for (const url of ['http://127.0.0.1:9', hanging.url]) {
        const env = { ...me.env, DEVCTX_URL: url, DEVCTX_HOOK_TIMEOUT_MS: '1000' };
        const captured = await runInstalled(me.settings, 'Stop', input, env);
        const started = await runInstalled(me.settings, 'SessionStart', input, env);
        for (const run of [captured, started]) {
          expect(run.code).toBe(0);
          expect(run.ms).toBeLessThan(4000); // the budget, the start of Node, and slack
        }
        expect(started.stdout).toBe('');
        await appendFile(transcript, turn(session, url === hanging.url ? 2 : 1));
      }
    } finally {
      hanging.server.close();
    }
    expect(await readdir(path.join(me.state, 'spool'))).toHaveLength(2);
    expect(await messagesOf(session)).toEqual([]);
    expect(await readFile(path.join(me.state, 'hook.log'), 'utf8')).not.toContain(key);

    // Back online: the next capture sends the spool first, then its own turn.
    const back = await runInstalled(me.settings, 'Stop', input, me.env);
    expect(back.code).toBe(0);
    expect(await readdir(path.join(me.state, 'spool'))).toEqual([]);
    await importsSettled();
    expect((await messagesOf(session)).sort()).toEqual([
      'answer 0',
      'answer 1',
      'answer 2',
      'question 0',
      'question 1',
      'question 2',
    ]);
  });

  it('a line longer than a run reads (8 MiB) is skipped, and the turns after it still arrive', async () => {
    const { me, session, transcript, input } = await installedWithTranscript('hook-huge-line');
    await appendFile(transcript, `${'x'.repeat(9 * 1024 * 1024)}\n${turn(session, 1)}`);
    for (let run = 0; run < 3; run++)
      expect((await runInstalled(me.settings, 'Stop', input, me.env)).code).toBe(0);
    await importsSettled();
    expect((await messagesOf(session)).sort()).toEqual([
      'answer 0',
      'answer 1',
      'question 0',
      'question 1',
    ]);
  });

  it('a turn of lines the importer stores nothing for (thinking only) leaves nothing behind', async () => {
    const { me, session, transcript, input } = await installedWithTranscript('hook-thinking');
    expect((await runInstalled(me.settings, 'Stop', input, me.env)).code).toBe(0);
    await appendFile(
      transcript,
      `${JSON.stringify({ type: 'assistant', uuid: 't1', sessionId: session, message: { id: 'only-thinking', role: 'assistant', content: [{ type: 'thinking', thinking: '' }] } })}\n`,
    );
    expect((await runInstalled(me.settings, 'Stop', input, me.env)).code).toBe(0);
    expect(await readdir(me.state)).not.toContain('rejected');
    expect(await readdir(path.join(me.state, 'spool'))).toEqual([]);
  });

  it('a token in the git remote never leaves the machine; a FIFO as transcript does not hang the hook', async () => {
    const me = await newHome();
    await devctx(['hook', 'install'], me.env);
    const cwd = await workingCopy('https://deploy:ghp_SECRET123@github.com/acme/hooked.git');
    const session = 'hook-token';
    const transcript = path.join(cwd, `${session}.jsonl`);
    await writeFile(transcript, turn(session, 0));
    const input = { session_id: session, transcript_path: transcript, cwd };
    const offline = { ...me.env, DEVCTX_URL: 'http://127.0.0.1:9' };
    expect((await runInstalled(me.settings, 'Stop', input, offline)).code).toBe(0);
    const [spooled = ''] = await readdir(path.join(me.state, 'spool'));
    const body = await readFile(path.join(me.state, 'spool', spooled), 'utf8');
    expect(JSON.parse(body).repository).toBe('https://github.com/acme/hooked.git');
    expect(body).not.toContain('SECRET');
    expect((await runInstalled(me.settings, 'Stop', input, me.env)).code).toBe(0);
    await importsSettled();
    expect((await sessionByExternalId(session)).repositoryId).toBe(repository.id);

    const fifo = path.join(cwd, 'fifo.jsonl');
    await promisify(execFile)('mkfifo', [fifo]);
    const stuck = await runInstalled(
      me.settings,
      'Stop',
      { ...input, transcript_path: fifo },
      { ...me.env, DEVCTX_HOOK_TIMEOUT_MS: '1000' },
    );
    expect(stuck.code).toBe(0);
    expect(stuck.ms).toBeLessThan(4000);
  });

  it('without a key yet, capture keeps the turn in the spool until one is saved', async () => {
    const { me, session, input } = await installedWithTranscript('hook-no-key');
    const { DEVCTX_API_KEY: _, ...noKey } = me.env;
    expect((await runInstalled(me.settings, 'Stop', input, noKey)).code).toBe(0);
    expect(await readdir(path.join(me.state, 'spool'))).toHaveLength(1);
    await devctx(['login', '--url', h.server.baseUrl, '--key', key], noKey);
    expect((await runInstalled(me.settings, 'SessionEnd', input, noKey)).code).toBe(0);
    await importsSettled();
    expect(await messagesOf(session)).toHaveLength(2);
  });

  it('garbage on stdin, a missing transcript, a folder without git, DEVCTX_HOOKS=off: exit 0 and print nothing', async () => {
    const me = await newHome();
    await devctx(['hook', 'install'], me.env);
    const plain = await mkdtemp(path.join(tmpdir(), 'devctx-hooks-plain-'));
    for (const input of [
      { cwd: plain, transcript_path: path.join(plain, 'missing.jsonl') },
      { cwd: plain, transcript_path: 'relative/path.jsonl', session_id: '../../etc' },
    ])
      for (const event of ['Stop', 'SessionStart']) {
        const run = await runInstalled(me.settings, event, input, me.env);
        expect(run).toMatchObject({ code: 0, stdout: '' });
      }
    // A session kept out: none of what it wrote is ever sent.
    const kept = await workingCopy();
    const transcript = path.join(kept, 'private.jsonl');
    await writeFile(transcript, turn('private', 0));
    const quiet = await newHome();
    await devctx(['hook', 'install'], quiet.env);
    const off = { ...quiet.env, DEVCTX_HOOKS: 'off' };
    const input = { session_id: 'private', transcript_path: transcript, cwd: kept };
    for (const event of ['Stop', 'SessionStart'])
      expect(await runInstalled(quiet.settings, event, input, off)).toMatchObject({
        code: 0,
        stdout: '',
      });
    // Nothing sent or spooled; the transcript is only passed over.
    expect(await readdir(quiet.state)).toContain('cursors');
    expect(await readdir(quiet.state)).not.toContain('spool');
    expect(await messagesOf('private')).toEqual([]);
    // Resumed with the hooks on, only what comes after is sent.
    await appendFile(transcript, turn('private', 1));
    expect((await runInstalled(quiet.settings, 'Stop', input, quiet.env)).code).toBe(0);
    await importsSettled();
    expect((await messagesOf('private')).sort()).toEqual(['answer 1', 'question 1']);

    const child = spawn(process.execPath, [CLI, 'hook', 'capture'], { env: me.env });
    child.stdin.end('not json {');
    expect(await new Promise((r) => child.on('close', r))).toBe(0);
  });
});
