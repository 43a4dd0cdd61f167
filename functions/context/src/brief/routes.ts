import { defineRoute } from '@devctx/shared';
import { briefQuery, briefSchema, buildBrief } from './build-brief.ts';

const tags = ['Context'];

export const briefRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/context/brief',
    summary:
      'What an assistant starting in a repository should know: recent sessions, open tasks, new commits',
    tags,
    permission: 'sessions:read',
    query: briefQuery,
    responses: {
      200: { description: 'The brief, as data and as markdown', schema: briefSchema },
      404: { description: 'No such repository in this tenant' },
    },
    handler: async (ctx, { query }) => ({ body: await buildBrief(ctx, query) }),
  }),
];
