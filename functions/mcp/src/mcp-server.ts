import {
  AppError,
  actorScope,
  type CallRoute,
  type RequestContext,
  translateDatabaseError,
  withRequestTransaction,
} from '@devctx/shared';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { type Tool, ToolRefusal, tools } from './tools.ts';

const INSTRUCTIONS = `Dev Context keeps what this team did with AI assistants: every session, its messages, files, commands and commits, and the project's tasks.
Begin with context_brief for the repository you work in (its git remote URL). Use search_context before solving something that may have been solved before. Ids in one tool's answer are what the other tools take. Record progress with update_task when you finish a task.`;

/**
 * Answers one MCP request (Streamable HTTP, stateless: a fresh server per request, so any
 * instance serves any request and nothing lives between them, as Cloud Run needs). The
 * server offers only the tools the caller's permissions allow.
 */
export async function answerMcp(
  ctx: RequestContext,
  call: CallRoute,
  headers: Record<string, string | string[] | undefined>,
  message: unknown,
) {
  const { McpServer, WebStandardStreamableHTTPServerTransport } = await sdk();
  const server = new McpServer(
    { name: 'devctx', title: 'Dev Context', version: '1.0.0' },
    { instructions: INSTRUCTIONS },
  );
  for (const tool of tools.filter((t) => t.permissions.every((p) => ctx.actor?.permissions.has(p))))
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        annotations: { readOnlyHint: tool.readOnly, openWorldHint: false },
      },
      (args: Record<string, unknown>) => runTool(ctx, call, tool, args),
    );
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  });
  await server.connect(transport);
  try {
    const request = new Request('http://mcp.internal/mcp', {
      method: 'POST',
      headers: forwarded(headers),
      body: JSON.stringify(message),
    });
    const response = await transport.handleRequest(request, { parsedBody: message });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      text: await response.text(),
    };
  } finally {
    await server.close();
  }
}

/**
 * The SDK, loaded on the first MCP request: the api variant serves every family, and most
 * of its instances never answer one (its size shows in every cold start otherwise).
 */
let loaded:
  | Promise<
      typeof import('@modelcontextprotocol/sdk/server/mcp.js') &
        typeof import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js')
    >
  | undefined;
const sdk = () => {
  loaded ??= Promise.all([
    import('@modelcontextprotocol/sdk/server/mcp.js'),
    import('@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'),
  ]).then(([mcp, transport]) => ({ ...mcp, ...transport }));
  return loaded;
};

/** The headers the transport reads; nothing else (the key stays out of it). */
function forwarded(headers: Record<string, string | string[] | undefined>) {
  const out = new Headers();
  for (const name of ['accept', 'content-type', 'mcp-protocol-version']) {
    const value = headers[name];
    if (typeof value === 'string') out.set(name, value);
  }
  return out;
}

/**
 * A tool's answer, or its refusal as the tool's error text (what the API would have said:
 * not found, forbidden, invalid) — never an internal error's message.
 */
async function runTool(
  ctx: RequestContext,
  call: CallRoute,
  tool: Tool,
  args: Record<string, unknown>,
): Promise<CallToolResult> {
  try {
    // A tool that writes lands all its writes or none.
    const result = tool.readOnly
      ? await tool.run(ctx, call, args)
      : await withRequestTransaction(actorScope(ctx), () => tool.run(ctx, call, args));
    const text = typeof result === 'string' ? result : JSON.stringify(result);
    return { content: [{ type: 'text', text }] };
  } catch (thrown) {
    const error = translateDatabaseError(thrown);
    if (error instanceof ToolRefusal || error instanceof AppError)
      return { isError: true, content: [{ type: 'text', text: error.message }] };
    ctx.log.error('mcp tool failed', { tool: tool.name, error: thrown });
    return {
      isError: true,
      content: [
        { type: 'text', text: `The tool failed on the server (request ${ctx.requestId}).` },
      ],
    };
  }
}
