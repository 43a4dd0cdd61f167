import { randomBytes } from 'node:crypto';
import {
  AppError,
  actorOf,
  actorScope,
  afterCommit,
  notFound,
  type RequestContext,
  recordAudit,
  storageFor,
  type Trx,
  withTenant,
} from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';
import { passwordsFor } from '../auth/passwords.ts';
import { assertOwnerRemains } from '../roles/queries.ts';
import { toUserView, userColumns } from './representation.ts';

export const eraseBody = z.object({
  password: z
    .string()
    .min(1)
    .max(256)
    .optional()
    .describe('Your password, when you erase yourself.'),
});

/** A character of a regular expression taken literally (ARE: a backslash before any non-alphanumeric). */
const literal = (text: string) => text.replace(/[^\p{L}\p{N} ]/gu, (c) => `\\${c}`);
/** The text as a whole word, in either case, however it is surrounded. */
const asWord = (text: string) => `(?<![[:alnum:]_])${literal(text)}(?![[:alnum:]_])`;
/** The text as it appears inside JSON (quotes and backslashes escaped). */
const inJson = (text: string) => JSON.stringify(text).slice(1, -1);

/**
 * Erases a person: their name and address become a pseudonym wherever the tenant's data
 * holds them (their sessions, tasks and comments stay, attributed to the pseudonym), their
 * credentials, sign-ins, keys, tokens, memberships and roles go, and earlier export
 * archives (which hold them) are deleted. The audit log keeps that an erasure happened,
 * not what was erased. An owner erases anyone; anyone erases themselves, with their
 * password. The last owner is not erased.
 */
export async function eraseUser(
  ctx: RequestContext,
  userId: string,
  body: z.infer<typeof eraseBody>,
) {
  const actor = actorOf(ctx);
  const self = actor.userId === userId;
  if (!self && !actor.permissions.has('tenant:own'))
    throw new AppError(
      'forbidden',
      'Only an owner erases another person; anyone may erase themselves.',
    );
  const { tenantId } = actor;
  return withTenant(actorScope(ctx), async (trx) => {
    const user = await trx
      .selectFrom('users')
      .select(['id', 'email', 'name', 'password_hash'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (!user) throw notFound('user');
    if (
      self &&
      !(await passwordsFor(ctx.config.ARGON2_CONCURRENCY).verify(
        user.password_hash,
        body.password ?? '',
      ))
    )
      throw new AppError('validation_failed', 'Give your password to erase yourself.', {
        fieldErrors: [{ path: 'body.password', message: 'wrong or missing password' }],
      });
    await assertOwnerRemains(trx, tenantId, userId);
    const tag = randomBytes(4).toString('hex');
    const pseudonym = { name: `Erased user ${tag}`, email: `erased-${tag}@erased.invalid` };
    // The person's row first: erase_person then finds them nowhere else but where they are
    // named (and removes their sign-ins, keys, tokens, memberships and roles).
    const erased = await trx
      .updateTable('users')
      .set({
        name: pseudonym.name,
        email: pseudonym.email,
        password_hash: null,
        status: 'deactivated',
        email_verified_at: null,
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .returning(userColumns)
      .executeTakeFirstOrThrow();
    // Their address anywhere, and their name as a whole word (a one-letter name only where
    // it is theirs: in their own row).
    const found = [
      [user.email, pseudonym.email, literal],
      ...(user.name.length >= 2 ? [[user.name, pseudonym.name, asWord] as const] : []),
    ] as const;
    const { rows } = await sql<{ replaced: Record<string, number> }>`
      select erase_person(${tenantId}, ${userId},
                          ${found.map(([text, , pattern]) => pattern(text))}::text[],
                          ${found.map(([text, , pattern]) => pattern(inJson(text)))}::text[],
                          ${found.map(([, replacement]) => replacement)}::text[]) as replaced`.execute(
      trx,
    );
    await dropArchives(trx, ctx, tenantId);
    await recordAudit(trx, ctx, tenantId, {
      action: 'user.erased',
      targetType: 'user',
      targetId: userId,
    });
    return { user: toUserView(erased), replaced: rows[0]?.replaced ?? {} };
  });
}

/** Archives made before hold the person: they go (the owner exports again). */
async function dropArchives(trx: Trx, ctx: RequestContext, tenantId: string) {
  const archives = await trx
    .updateTable('tenant_exports')
    .set({ purged_at: new Date() })
    .where('tenant_id', '=', tenantId)
    .where('purged_at', 'is', null)
    .where('status', '=', 'succeeded')
    .returning('storage_key')
    .execute();
  const storage = storageFor(ctx.config);
  afterCommit(trx, async () => {
    for (const a of archives) await storage.delete(tenantId, a.storage_key);
  });
}
