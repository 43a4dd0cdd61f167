import { defineFamily } from '@devctx/shared';
import { mcpRoutes } from './routes.ts';

/**
 * The MCP server: the team's context (sessions, search, briefs) and its tasks as tools an
 * AI assistant calls, through the same use cases, permissions and isolation as the API.
 */
export const mcpFamily = defineFamily({ name: 'mcp', routes: mcpRoutes, jobs: [] });
