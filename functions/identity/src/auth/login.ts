import {
  AppError,
  failureBudget,
  type RequestContext,
  recordAudit,
  withTenant,
} from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';
import { slugSchema } from '../tenant/representation.ts';
import { emailSchema, userColumns } from '../users/representation.ts';
import { addressKey } from './address-key.ts';
import { passwordsFor } from './passwords.ts';
import { signedInSchema, signIn } from './sessions.ts';

export const loginBody = z
  .object({
    tenant: slugSchema.describe('The tenant slug.'),
    email: emailSchema,
    password: z.string().min(1).max(256),
  })
  .meta({
    examples: [
      { tenant: 'acme', email: 'ada@acme.example', password: 'correct horse battery staple' },
    ],
  });

export const loginResponse = signedInSchema;

const badCredentials = () =>
  new AppError('unauthenticated', 'The tenant, email or password is not right.');

/**
 * Unknown tenant, unknown email, inactive user and wrong password all get the same answer
 * after one password verification each, so accounts cannot be told apart by reply or time.
 * Failures are counted twice: per account and IP (a typo-prone user is slowed alone), and
 * per account across every IP (guessing spread over many addresses). An empty bucket
 * closes the door until it refills; a success takes nothing.
 */
export async function login(ctx: RequestContext, body: z.infer<typeof loginBody>) {
  const account = addressKey(body.tenant, body.email);
  const budgets = [
    failureBudget(ctx.db, {
      key: `login:${account}:${ctx.ip}`,
      limit: ctx.config.LOGIN_FAILURES_PER_15_MIN,
      windowSeconds: 15 * 60,
      policy: 'login',
    }),
    failureBudget(ctx.db, {
      key: `login-account:${account}`,
      limit: ctx.config.LOGIN_FAILURES_PER_ACCOUNT_PER_HOUR,
      windowSeconds: 3600,
      policy: 'login',
    }),
  ];
  for (const budget of budgets) await budget.check();

  const found = await sql<{
    id: string | null;
  }>`select tenant_id_by_slug(${body.tenant}) as id`.execute(ctx.db);
  const tenantId = found.rows[0]?.id ?? undefined;
  const user = tenantId
    ? await withTenant({ db: ctx.db, tenantId }, (trx) =>
        trx
          .selectFrom('users')
          .select([...userColumns, 'password_hash'])
          .where('tenant_id', '=', tenantId)
          .where('email', '=', body.email)
          .executeTakeFirst(),
      )
    : undefined;

  const passwordOk = await passwordsFor(ctx.config.ARGON2_CONCURRENCY).verify(
    user?.password_hash,
    body.password,
  );
  if (!tenantId || !user || !passwordOk || user.status !== 'active') {
    for (const budget of budgets) await budget.spend();
    if (tenantId) {
      await withTenant({ db: ctx.db, tenantId }, (trx) =>
        recordAudit(trx, ctx, tenantId, {
          action: 'login.failed',
          actorUserId: user?.id,
          details: { email: body.email },
        }),
      );
    }
    throw badCredentials();
  }

  return withTenant({ db: ctx.db, tenantId, userId: user.id }, async (trx) => {
    const { sessionId, response } = await signIn(trx, ctx, tenantId, user);
    await recordAudit(trx, ctx, tenantId, {
      action: 'login.succeeded',
      actorUserId: user.id,
      targetType: 'session',
      targetId: sessionId,
    });
    return response;
  });
}
