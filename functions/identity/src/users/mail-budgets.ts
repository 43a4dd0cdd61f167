import { createHash } from 'node:crypto';
import { AppError, enforceRateLimit, type Trx, takeRateLimit } from '@devctx/shared';

const HOUR = 3600;
const DAY = 24 * HOUR;

/**
 * What the product may mail on anyone's behalf, so no tenant (or a hundred new ones) turns
 * its relay against an address: per tenant and kind an hour, and per recipient a day across
 * every tenant (the address as mail servers deliver it: case and +tag do not make a new
 * one). Beyond a budget: 429, and the caller's transaction changes nothing.
 */
export const MAIL_BUDGETS = { perTenantPerHour: 100, perRecipientPerDay: 5 };

export async function takeMailBudgets(trx: Trx, tenantId: string, kind: string, to: string) {
  for (const [key, limit, window] of [
    [`mail:${kind}:${tenantId}`, MAIL_BUDGETS.perTenantPerHour, HOUR],
    [`mail-to:${recipientKey(to)}`, MAIL_BUDGETS.perRecipientPerDay, DAY],
  ] as const)
    enforceRateLimit(await takeRateLimit(trx, key, limit, window), window, `mail-${kind}`);
}

function recipientKey(address: string): string {
  const [local = '', domain = ''] = address.toLowerCase().split('@');
  const mailbox = `${local.split('+')[0]}@${domain}`;
  return createHash('sha256').update(mailbox).digest('hex');
}

/**
 * For a job that mails on its own (nobody waits for an answer): whether the budgets allow
 * the mail; a spent budget is a reason to send nothing, not a failure to retry.
 */
export async function mailBudgetsAllow(trx: Trx, tenantId: string, kind: string, to: string) {
  try {
    await takeMailBudgets(trx, tenantId, kind, to);
    return true;
  } catch (error) {
    if (error instanceof AppError && error.code === 'rate_limited') return false;
    throw error;
  }
}
