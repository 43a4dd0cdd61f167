import { contextJobs } from '@devctx/context/jobs';
import { contextRoutes } from '@devctx/context/routes';
import { type IdentityHarness, startIdentity } from '@devctx/identity/testing';
import { projectsRoutes } from '@devctx/projects/routes';
import { repositoriesRoutes } from '@devctx/repositories/routes';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mcpRoutes } from '../src/routes.ts';

export { addUser, type SignedUp, signup } from '@devctx/identity/testing';

/** Identity, the families the tools use, and the MCP endpoint, on one real server. */
export function startMcp(): Promise<IdentityHarness> {
  return startIdentity(
    { TASKS_POLL_MS: '50' },
    [...contextRoutes, ...projectsRoutes, ...repositoriesRoutes, ...mcpRoutes],
    contextJobs,
  );
}

/** The SDK's own client over Streamable HTTP, with an API key, as Claude Code connects. */
export async function mcpClient(baseUrl: string, key: string) {
  const client = new Client({ name: 'devctx-test', version: '1.0.0' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp`), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    }),
  );
  return client;
}

/** A tool's answer: its text (parsed when it is JSON) and whether it is an error. */
export async function callTool(
  client: Client,
  name: string,
  args: Record<string, unknown>,
): Promise<{ isError: boolean; text: string; json: unknown }> {
  const result = await client.callTool({ name, arguments: args });
  const text = (result.content as { type: string; text: string }[]).map((c) => c.text).join('');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { isError: result.isError === true, text, json };
}
