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

export const eraseBody = z
  .object({
    password: z
      .string()
      .min(1)
      .max(256)
      .optional()
      .describe('Your password, when you erase yourself.'),
    alsoNames: z
      .array(z.string().trim().min(2).max(200))
      .max(10)
      .optional()
      .describe(
        'Other names the person went by (a first name, a nickname), replaced like their full name — owners only, and wherever each stands as a whole word.',
      ),
  })
  .default({});

/** Text taken literally in a regular expression (ARE: a backslash before any non-alphanumeric). */
const literal = (text: string) => text.replace(/[^\p{L}\p{N} ]/gu, (c) => `\\${c}`);
/**
 * Names as whole words, in either case, however they are surrounded; addresses as whole
 * addresses (`jo` + an address is someone else's). One pattern for each kind: PostgreSQL
 * keeps only a few dozen compiled patterns, and recompiling per row would be ruinous.
 */
const asWords = (names: string[]) =>
  `(?<![[:alnum:]_])(?:${names.map(literal).join('|')})(?![[:alnum:]_])`;
const asAddresses = (emails: string[]) =>
  `(?<![[:alnum:]._%+-])(?:${emails.map(literal).join('|')})(?![[:alnum:]_-]|\\.[[:alnum:]])`;
/**
 * A LIKE pattern that finds the text inside JSON text too: its longest stretch without the
 * characters JSON escapes (a quote, a backslash), LIKE's own wildcards escaped.
 */
const core = (text: string) => {
  const longest = text.split(/["\\]/).reduce((a, b) => (b.length > a.length ? b : a), '');
  return `%${longest.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
};

/**
 * Erases a person: their name and address become a pseudonym in their own record and in
 * the prose of the tenant's data (see findingThem: which of them, and when), their
 * credentials, sign-ins, keys, tokens, memberships and roles go, and export archives made
 * before (which hold them) are deleted. Their sessions, tasks and comments stay,
 * attributed to the pseudonym. The audit log keeps that an erasure happened, not what was
 * erased. An owner erases anyone; anyone erases themselves, with their password. The last
 * owner is not erased.
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
  if (self && body.alsoNames?.length)
    throw new AppError('forbidden', 'Only an owner replaces other names in the team’s texts.');
  const { tenantId } = actor;
  return withTenant(actorScope(ctx), async (trx) => {
    const user = await trx
      .selectFrom('users')
      .select(['id', 'email', 'name', 'password_hash', 'email_verified_at', 'erased_at'])
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .forUpdate()
      .executeTakeFirst();
    if (!user) throw notFound('user');
    // Under the row's lock: a second erasure racing the first finds it done.
    if (user.erased_at) throw new AppError('conflict', 'This person is erased already.');
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
        erased_at: new Date(),
      })
      .where('tenant_id', '=', tenantId)
      .where('id', '=', userId)
      .returning(userColumns)
      .executeTakeFirstOrThrow();
    const { names, addresses } = await findingThem(trx, tenantId, user, self, body.alsoNames ?? []);
    const found = [
      ...(addresses.length ? [[asAddresses(addresses), pseudonym.email] as const] : []),
      ...(names.length ? [[asWords(names), pseudonym.name] as const] : []),
    ];
    // It reads every prose column of the tenant: more than a request's usual statement
    // time for a big tenant, within the function's minute.
    await sql`set local statement_timeout = '50s'`.execute(trx);
    const { rows } = await sql<{ replaced: Record<string, number> }>`
      select erase_person(${tenantId}, ${userId}, ${found.map(([pattern]) => pattern)}::text[],
                          ${found.map(([, replacement]) => replacement)}::text[],
                          ${[...addresses, ...names].map(core)}::text[]) as replaced`.execute(trx);
    await dropArchives(trx, ctx, tenantId);
    await recordAudit(trx, ctx, tenantId, {
      action: 'user.erased',
      targetType: 'user',
      targetId: userId,
    });
    return { user: toUserView(erased), replaced: rows[0]?.replaced ?? {} };
  });
}

/**
 * What finds the person in the team's texts. Their addresses only where they proved them
 * (verified now, or before a change of address): an address typed but never verified
 * could be anyone's. Their name only when an owner erases them: a person erasing
 * themselves could first take a name that is a common word, and rewrite it everywhere.
 */
async function findingThem(
  trx: Trx,
  tenantId: string,
  user: { id: string; email: string; name: string; email_verified_at: Date | null },
  self: boolean,
  alsoNames: string[],
) {
  const proven = await trx
    .selectFrom('email_verifications')
    .select('email')
    .distinct()
    .where('tenant_id', '=', tenantId)
    .where('user_id', '=', user.id)
    .where('used_at', 'is not', null)
    .execute();
  const addresses = new Set(proven.map((v) => v.email));
  if (user.email_verified_at) addresses.add(user.email);
  const names = self ? [] : [user.name, ...alsoNames].filter((name) => name.length >= 2);
  return { addresses: [...addresses], names: [...new Set(names)] };
}

/** Archives made (or being made) before hold the person: they go; the owner exports again. */
async function dropArchives(trx: Trx, ctx: RequestContext, tenantId: string) {
  await trx
    .updateTable('tenant_exports')
    .set({
      status: 'failed',
      error: 'A person was erased while it was built: export again.',
      finished_at: new Date(),
    })
    .where('tenant_id', '=', tenantId)
    .where('status', '=', 'queued')
    .execute();
  const archives = await trx
    .updateTable('tenant_exports')
    .set({
      purged_at: new Date(),
      expires_at: new Date(),
      error: 'Deleted: a person was erased after it was built. Export again.',
    })
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
