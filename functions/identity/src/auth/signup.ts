import {
  AppError,
  type RequestContext,
  recordAudit,
  systemRoleKeys,
  systemRoles,
} from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';
import { queueVerificationMail } from '../me/email-address.ts';
import { slugSchema } from '../tenant/representation.ts';
import { emailSchema, nameSchema, userColumns } from '../users/representation.ts';
import { passwordSchema, passwordsFor } from './passwords.ts';
import { signedInSchema, signIn } from './sessions.ts';

export const signupBody = z
  .object({
    tenant: z.object({ name: nameSchema, slug: slugSchema }),
    user: z.object({
      email: emailSchema,
      password: passwordSchema,
      name: nameSchema,
    }),
  })
  .meta({
    examples: [
      {
        tenant: { name: 'Acme Robotics', slug: 'acme' },
        user: { email: 'ada@acme.example', password: 'correct horse battery staple', name: 'Ada' },
      },
    ],
  });

export const signupResponse = signedInSchema;

/**
 * Creates a tenant on the free tier, its system roles and its owner, and signs the owner in
 * — all in one transaction, so a failure leaves no half-made tenant behind.
 */
export async function signup(ctx: RequestContext, body: z.infer<typeof signupBody>) {
  const passwordHash = await passwordsFor(ctx.config.ARGON2_CONCURRENCY).hash(body.user.password);
  try {
    return await ctx.db.transaction().execute(async (trx) => {
      const created = await sql<{
        id: string;
      }>`select create_tenant(${body.tenant.slug}, ${body.tenant.name}) as id`.execute(trx);
      const tenantId = created.rows[0]?.id as string;
      const roles = await trx
        .insertInto('roles')
        .values(
          systemRoleKeys.map((key) => ({
            tenant_id: tenantId,
            name: key,
            description: systemRoles[key].description,
            system_key: key,
          })),
        )
        .returning(['id', 'system_key'])
        .execute();
      const user = await trx
        .insertInto('users')
        .values({
          tenant_id: tenantId,
          email: body.user.email,
          name: body.user.name,
          password_hash: passwordHash,
        })
        .returning(userColumns)
        .executeTakeFirstOrThrow();
      const owner = roles.find((r) => r.system_key === 'owner');
      await trx
        .insertInto('user_roles')
        .values({ tenant_id: tenantId, user_id: user.id, role_id: owner?.id as string })
        .execute();
      const { response } = await signIn(trx, ctx, tenantId, user);
      await queueVerificationMail(trx, ctx, tenantId, user.id);
      await recordAudit(trx, ctx, tenantId, {
        action: 'tenant.created',
        actorUserId: user.id,
        targetType: 'tenant',
        targetId: tenantId,
        details: { slug: body.tenant.slug },
      });
      return response;
    });
  } catch (error) {
    if ((error as { code?: string }).code === '23505') {
      throw new AppError('conflict', `The tenant slug "${body.tenant.slug}" is taken.`, {
        fieldErrors: [{ path: 'body.tenant.slug', message: 'already taken' }],
      });
    }
    throw error;
  }
}
