import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signup, startMcp } from './support.ts';

// `devctx mcp`: the configuration it prints and writes connects Claude Code (here the SDK's
// client, reading the entry as Claude Code does) to this server.
const CLI = path.resolve(import.meta.dirname, '..', '..', '..', 'client', 'src', 'cli.ts');
let h: Awaited<ReturnType<typeof startMcp>>;
let key: string;
// Claude Code's syntax for an environment variable in .mcp.json.
const KEY_VARIABLE = ['$', '{DEVCTX_API_KEY}'].join('');
beforeAll(async () => {
  h = await startMcp();
  const owner = await signup(h.anonymous, 'mcp-cli');
  key = (await owner.client.post('/v1/api-keys', { name: 'mcp', permissions: ['sessions:read'] }))
    .body.secret;
});
afterAll(() => h.close());

const devctx = async (args: string[], env: Record<string, string>) =>
  (
    await promisify(execFile)(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', DEVCTX_URL: h.server.baseUrl, ...env },
    })
  ).stdout;

describe('devctx mcp', { timeout: 60_000 }, () => {
  it('prints the claude mcp add command and the .mcp.json entry, without the key', async () => {
    const printed = await devctx(['mcp'], { DEVCTX_API_KEY: key });
    expect(printed).toContain(
      `claude mcp add --transport http --scope user devctx ${h.server.baseUrl}/mcp --header "Authorization: Bearer $DEVCTX_API_KEY"`,
    );
    expect(printed).toContain(`"Authorization": "Bearer ${KEY_VARIABLE}"`);
    expect(printed).not.toContain(key);
  });

  it('--install adds its entry beside the project’s other servers, and that entry connects', async () => {
    const project = await mkdtemp(path.join(tmpdir(), 'devctx-mcp-project-'));
    const file = path.join(project, '.mcp.json');
    const mine = '{\n\t"mcpServers": {\n\t\t"other": { "command": "other-server" }\n\t}\n}\n';
    await writeFile(file, mine);
    await devctx(['mcp', '--install'], { DEVCTX_API_KEY: key, INIT_CWD: project });
    const written = await readFile(file, 'utf8');
    expect(
      written.startsWith('{\n\t"mcpServers": {\n\t\t"other": { "command": "other-server" },'),
    ).toBe(true);
    expect(written).not.toContain(key);
    await devctx(['mcp', '--install', project], { DEVCTX_API_KEY: key });
    expect(await readFile(file, 'utf8')).toBe(written);
    // A project without one gets a file of its own, laid out.
    const fresh = await mkdtemp(path.join(tmpdir(), 'devctx-mcp-fresh-'));
    await devctx(['mcp', '--install', fresh], { DEVCTX_API_KEY: key });
    expect(await readFile(path.join(fresh, '.mcp.json'), 'utf8')).toBe(
      `${JSON.stringify({ mcpServers: { devctx: JSON.parse(written).mcpServers.devctx } }, null, 2)}\n`,
    );

    // As Claude Code reads it: the variable from the environment.
    const entry = JSON.parse(written).mcpServers.devctx;
    expect(entry.type).toBe('http');
    const headers = Object.fromEntries(
      Object.entries(entry.headers as Record<string, string>).map(([name, value]) => [
        name,
        value.replace(KEY_VARIABLE, key),
      ]),
    );
    const client = new Client({ name: 'claude-code-stand-in', version: '1.0.0' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(entry.url), { requestInit: { headers } }),
    );
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('context_brief');
    await client.close();
  });
});
