import { contextRoutes } from '@devctx/context/routes';
import { projectsRoutes } from '@devctx/projects/routes';
import { type AnyRoute, AppError, defineRoute, routeCaller } from '@devctx/shared';
import { z } from 'zod';
import { answerMcp } from './mcp-server.ts';

const call = routeCaller([...contextRoutes, ...projectsRoutes]);

const jsonRpcMessage = z
  .object({ jsonrpc: z.literal('2.0') })
  .loose()
  .describe('A JSON-RPC 2.0 request, notification or response (MCP).');

export const mcpRoutes: AnyRoute[] = [
  defineRoute({
    method: 'POST',
    path: '/mcp',
    summary:
      'The MCP server (Streamable HTTP, stateless, JSON answers): tools for an assistant to read the team’s context and update tasks',
    tags: ['MCP'],
    // The base of every tool; the tools that also need projects permissions are offered
    // only to callers holding them.
    permission: 'sessions:read',
    // One message per request: MCP dropped JSON-RPC batches (2025-06-18), and a request
    // that may make only one tool call has a bounded cost.
    body: jsonRpcMessage,
    responses: {
      200: { description: 'The JSON-RPC answer (application/json)' },
      202: { description: 'A notification or response, accepted' },
      406: { description: 'The Accept header must list application/json and text/event-stream' },
    },
    handler: async (ctx, { body, headers }) => {
      const answer = await answerMcp(ctx, call, headers, body);
      // A refused request (not JSON-RPC, a wrong Accept) is a problem like any other 4xx.
      if (answer.status >= 400) throw refusal(answer.status, answer.text);
      return {
        status: answer.status,
        ...(answer.text
          ? { raw: { type: answer.type ?? 'application/json', data: answer.text } }
          : {}),
      };
    },
  }),
];

const REFUSALS = {
  406: 'not_acceptable',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
} as const;

/** The transport's JSON-RPC error answer as the problem it is, with its message. */
function refusal(status: number, text: string) {
  let message = 'Not a valid MCP request.';
  try {
    message = JSON.parse(text)?.error?.message ?? message;
  } catch {
    // Not JSON: keep the general message.
  }
  const code = REFUSALS[status as keyof typeof REFUSALS] ?? 'validation_failed';
  return new AppError(code, String(message).slice(0, 300));
}
