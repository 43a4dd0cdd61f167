// Claude Code integration benchmark: what an assistant waits for. The capture hook run as
// Claude Code runs it (a process, JSON on stdin) after each of 20 turns of a transcript that
// already holds 500, the session-start hook, and MCP tool calls through the SDK's client.
import { execFile, spawn } from 'node:child_process';
import { appendFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { startEnvironment } from './lib/environment.ts';
import { summarize } from './lib/load.ts';

const CLI = path.resolve(import.meta.dirname, '..', 'client', 'src', 'cli.ts');
const HISTORY_TURNS = 500;
const MEASURED_TURNS = 20;
const TOOL_CALLS = 50;

export async function claudeCodeScenario() {
  const env = await startEnvironment({ DATABASE_POOL_MAX: '10' });
  try {
    const { token } = await env.signup('bench-claude');
    await env.setTier('bench-claude', 'enterprise');
    const post = async (route: string, body: unknown) =>
      (await fetch(`${env.baseUrl}${route}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      }).then((r) => r.json())) as Record<string, string>;
    await post('/v1/repositories', { provider: 'github', fullName: 'bench/app' });
    const { secret: key } = await post('/v1/api-keys', {
      name: 'bench',
      permissions: ['sessions:read', 'sessions:write', 'repositories:read'],
    });

    const cwd = await env.scratchDirectory('wc');
    await promisify(execFile)('git', ['-C', cwd, 'init', '-q', '-b', 'main']);
    await promisify(execFile)('git', [
      '-C',
      cwd,
      'remote',
      'add',
      'origin',
      'git@github.com:bench/app.git',
    ]);
    const hookEnv = {
      PATH: process.env.PATH ?? '',
      HOME: await env.scratchDirectory('home'),
      DEVCTX_URL: env.baseUrl,
      DEVCTX_API_KEY: key as string,
    };
    // The hooks as `devctx hook install` sets them up: its bundled script.
    await promisify(execFile)(process.execPath, [CLI, 'hook', 'install'], { env: hookEnv });
    const script = path.join(hookEnv.HOME, '.local', 'state', 'devctx', 'bin', 'devctx.mjs');
    const transcript = path.join(cwd, 'bench.jsonl');
    const input = JSON.stringify({ session_id: 'bench', transcript_path: transcript, cwd });
    await writeFile(transcript, Array.from({ length: HISTORY_TURNS }, (_, n) => turn(n)).join(''));
    await runHook(script, 'capture', input, hookEnv); // the history, once

    const capture: number[] = [];
    for (let n = HISTORY_TURNS; n < HISTORY_TURNS + MEASURED_TURNS; n++) {
      await appendFile(transcript, turn(n));
      capture.push(await runHook(script, 'capture', input, hookEnv));
    }
    const start: number[] = [];
    for (let n = 0; n < 10; n++) start.push(await runHook(script, 'session-start', input, hookEnv));
    const bare: number[] = [];
    for (let n = 0; n < 10; n++) bare.push(await timed(process.execPath, ['-e', '0'], '', hookEnv));

    const client = new Client({ name: 'bench', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${env.baseUrl}/mcp`), {
        requestInit: { headers: { authorization: `Bearer ${key}` } },
      }),
    );
    const tool = async (name: string, args: Record<string, unknown>) => {
      const latencies: number[] = [];
      for (let n = 0; n < TOOL_CALLS; n++) {
        const started = performance.now();
        await client.callTool({ name, arguments: args });
        latencies.push(performance.now() - started);
      }
      return summarize({
        name: `MCP ${name}`,
        requests: TOOL_CALLS,
        errors: 0,
        seconds: 1,
        latenciesMs: latencies,
      });
    };
    const rows = [
      summarize({
        name: `hook capture (1 turn, ${HISTORY_TURNS} before)`,
        requests: MEASURED_TURNS,
        errors: 0,
        seconds: 1,
        latenciesMs: capture,
      }),
      summarize({
        name: 'hook session-start (brief)',
        requests: 10,
        errors: 0,
        seconds: 1,
        latenciesMs: start,
      }),
      summarize({
        name: 'node -e 0 (the floor: starting Node)',
        requests: 10,
        errors: 0,
        seconds: 1,
        latenciesMs: bare,
      }),
      await tool('context_brief', { repository: 'git@github.com:bench/app.git', branch: 'main' }),
      await tool('search_context', { query: 'answer' }),
    ].map(({ rps: _, ...row }) => row);
    await client.close();
    const [captureRow] = rows;
    return {
      name: 'claude code hooks and MCP',
      rows,
      checks: [
        {
          check: 'capture of one turn, p95 (ms)',
          value: captureRow?.p95,
          target: '< 1000',
          pass: (captureRow?.p95 ?? Infinity) < 1000,
        },
      ],
    };
  } finally {
    await env.stop();
  }
}

const turn = (n: number) =>
  `${JSON.stringify({ type: 'user', uuid: `u${n}`, sessionId: 'bench', timestamp: new Date(Date.UTC(2026, 11, 1, 0, 0, n)).toISOString(), message: { role: 'user', content: `question ${n} about src/module${n % 40}.ts` } })}\n${JSON.stringify({ type: 'assistant', uuid: `a${n}`, sessionId: 'bench', timestamp: new Date(Date.UTC(2026, 11, 1, 0, 0, n)).toISOString(), message: { id: `m${n}`, role: 'assistant', content: [{ type: 'text', text: `answer ${n}: edited src/module${n % 40}.ts and ran npm test` }] } })}\n`;

function runHook(script: string, hook: string, input: string, env: Record<string, string>) {
  return timed(process.execPath, [script, 'hook', hook], input, env);
}

/** Wall time of one process, from spawn to exit, as the caller waits for it. */
function timed(command: string, args: string[], input: string, env: Record<string, string>) {
  const started = performance.now();
  return new Promise<number>((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['pipe', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('close', () => resolve(performance.now() - started));
    child.stdin.end(input);
  });
}
