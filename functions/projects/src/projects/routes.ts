import {
  actorOf,
  actorScope,
  assertReferenceExists,
  decodeCursor,
  defineRoute,
  pageQuery,
  recordAudit,
  toPage,
  withTenant,
} from '@devctx/shared';
import { z } from 'zod';
import { statistics, statisticsSchema } from '../tasks/statistics.ts';
import { projectCommits, projectCommitsSchema } from './commits.ts';
import {
  assertSlugFree,
  deleteProject,
  findProject,
  insertProject,
  listProjects,
  updateProject,
} from './queries.ts';
import { projectSchema, toProjectView } from './representation.ts';

const tags = ['projects'];
const idParams = z.object({ id: z.uuid() });
const slug = z
  .string()
  .regex(
    /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/,
    'Use lowercase letters, digits and inner hyphens.',
  )
  .describe('Unique within the tenant.');
const fields = {
  name: z.string().trim().min(1).max(200),
  description: z.string().max(5000),
  teamId: z.uuid().nullable().describe('The owning team, if any.'),
};

export const projectRoutes = [
  defineRoute({
    method: 'GET',
    path: '/v1/projects',
    summary: 'List projects',
    tags,
    permission: 'projects:read',
    query: pageQuery.extend({
      status: z.enum(['active', 'archived']).optional(),
      teamId: z.uuid().optional(),
      q: z.string().trim().min(1).max(200).optional().describe('Part of the name or slug.'),
    }),
    responses: {
      200: {
        description: 'A page of projects',
        schema: z.object({ items: z.array(projectSchema), nextCursor: z.string().nullable() }),
      },
    },
    handler: async (ctx, { query }) => {
      const after = decodeCursor(query.cursor, { after: 'text' });
      const rows = await withTenant(actorScope(ctx), (trx) =>
        listProjects(trx, actorOf(ctx).tenantId, query, query.limit, after),
      );
      return {
        body: toPage(rows, query.limit, (p) => ({ after: p.slug, id: p.id }), toProjectView),
      };
    },
  }),
  defineRoute({
    method: 'POST',
    path: '/v1/projects',
    summary: 'Create a project (counts against the tier’s project limit)',
    tags,
    permission: 'projects:write',
    body: z
      .object({
        slug,
        name: fields.name,
        description: fields.description.default(''),
        teamId: fields.teamId.optional(),
      })
      .meta({
        examples: [{ slug: 'dev-context', name: 'Dev Context', description: 'The v2 backend' }],
      }),
    responses: {
      201: { description: 'Created', schema: projectSchema },
      403: { description: 'The tier’s project limit (quota_exceeded)' },
      409: { description: 'The slug is taken' },
    },
    handler: async (ctx, { body }) => {
      const actor = actorOf(ctx);
      const project = await withTenant(actorScope(ctx), async (trx) => {
        await assertSlugFree(trx, actor.tenantId, body.slug);
        await assertReferenceExists(trx, actor.tenantId, 'teams', body.teamId);
        const created = await insertProject(trx, actor.tenantId, {
          slug: body.slug,
          name: body.name,
          description: body.description,
          teamId: body.teamId ?? null,
          createdBy: actor.userId,
        });
        await recordAudit(trx, ctx, actor.tenantId, {
          action: 'project.created',
          targetType: 'project',
          targetId: created.id,
          details: { slug: body.slug },
        });
        return created;
      });
      return {
        status: 201,
        body: toProjectView(project),
        headers: { location: `/v1/projects/${project.id}` },
      };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/projects/{id}',
    summary: 'A project',
    tags,
    permission: 'projects:read',
    params: idParams,
    responses: {
      200: { description: 'The project', schema: projectSchema },
      404: { description: 'No such project' },
    },
    handler: async (ctx, { params }) => ({
      body: toProjectView(
        await withTenant(actorScope(ctx), (trx) =>
          findProject(trx, actorOf(ctx).tenantId, params.id),
        ),
      ),
    }),
  }),
  defineRoute({
    method: 'PATCH',
    path: '/v1/projects/{id}',
    summary: 'Change a project; status archived archives it',
    tags,
    permission: 'projects:write',
    params: idParams,
    body: z.object({ ...fields, status: z.enum(['active', 'archived']) }).partial(),
    responses: {
      200: { description: 'The project', schema: projectSchema },
      404: { description: 'No such project' },
    },
    handler: async (ctx, { params, body }) => {
      const tenantId = actorOf(ctx).tenantId;
      const project = await withTenant(actorScope(ctx), async (trx) => {
        await findProject(trx, tenantId, params.id, true);
        await assertReferenceExists(trx, tenantId, 'teams', body.teamId);
        return updateProject(trx, tenantId, params.id, body);
      });
      return { body: toProjectView(project) };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/v1/projects/{id}',
    summary: 'Delete a project with its plans and task lists (archive it to keep them)',
    tags,
    permission: 'projects:delete',
    params: idParams,
    responses: { 204: { description: 'Deleted' }, 404: { description: 'No such project' } },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      await withTenant(actorScope(ctx), async (trx) => {
        const project = await findProject(trx, tenantId, params.id, true);
        await deleteProject(trx, tenantId, params.id);
        await recordAudit(trx, ctx, tenantId, {
          action: 'project.deleted',
          targetType: 'project',
          targetId: params.id,
          details: { slug: project.slug },
        });
      });
      return { status: 204 };
    },
  }),
  defineRoute({
    method: 'GET',
    path: '/v1/projects/{id}/stats',
    summary:
      'A project’s statistics: tasks by status, priority, assignee; progress; overdue; commits',
    tags,
    permission: 'projects:read',
    params: idParams,
    responses: {
      200: {
        description: 'Statistics',
        schema: statisticsSchema.extend({ commits: projectCommitsSchema }),
      },
      404: { description: 'No such project' },
    },
    handler: async (ctx, { params }) => {
      const tenantId = actorOf(ctx).tenantId;
      return {
        body: await withTenant(actorScope(ctx), async (trx) => {
          await findProject(trx, tenantId, params.id);
          return {
            ...(await statistics(trx, tenantId, { projectId: params.id })),
            commits: await projectCommits(trx, tenantId, params.id),
          };
        }),
      };
    },
  }),
];
