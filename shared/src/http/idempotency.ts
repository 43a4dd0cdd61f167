import { createHash } from 'node:crypto';
import { redactOpaqueTokens } from '../auth/opaque-tokens.ts';
import { withTenant } from '../db/with-tenant.ts';
import { AppError } from '../errors/app-error.ts';
import type { RequestContext, RouteResult } from './route.ts';

const KEEP_HOURS = 24;
const LOCK_SECONDS = 60;
const KEY = /^[\x21-\x7e]{1,255}$/;

/** Reads `Idempotency-Key` (an sf-string in the draft; plain tokens are accepted too). */
export function idempotencyKeyOf(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  const raw = (Array.isArray(header) ? header[0] : header)?.trim() ?? '';
  const key = raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw;
  if (!KEY.test(key)) {
    throw new AppError(
      'validation_failed',
      'Idempotency-Key must be 1 to 255 visible ASCII characters.',
    );
  }
  return key;
}

export function fingerprintOf(method: string, path: string, body: Buffer): Buffer {
  return createHash('sha256').update(`${method} ${path}\n`).update(body).digest();
}

/**
 * Runs `execute` at most once per (caller, key) within 24 hours (IETF httpapi
 * Idempotency-Key draft): the same key and body replay the stored response; the same key
 * with a different request is 422; while the first is still running, 409. Only successes
 * are kept: after an error nothing was done, so the key is released and a retry runs again.
 */
export async function runIdempotently(
  ctx: RequestContext,
  key: string,
  fingerprint: Buffer,
  execute: () => Promise<RouteResult>,
): Promise<RouteResult> {
  const actor = ctx.actor;
  if (!actor) return execute();
  const scope = actor.apiKeyId ? `api_key:${actor.apiKeyId}` : `user:${actor.userId}`;
  const tenant = { db: ctx.db, tenantId: actor.tenantId, userId: actor.userId };
  const where = { tenant_id: actor.tenantId, scope, key };

  const claim = await withTenant(tenant, async (trx) => {
    const now = new Date();
    const fresh = {
      ...where,
      fingerprint,
      state: 'in_flight' as const,
      locked_until: new Date(now.getTime() + LOCK_SECONDS * 1000),
      expires_at: new Date(now.getTime() + KEEP_HOURS * 3600 * 1000),
      response_status: null,
      response_headers: null,
      response_body: null,
    };
    const inserted = await trx
      .insertInto('idempotency_keys')
      .values(fresh)
      .onConflict((oc) => oc.columns(['tenant_id', 'scope', 'key']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return { kind: 'run' as const };

    const existing = await trx
      .selectFrom('idempotency_keys')
      .selectAll()
      .where('tenant_id', '=', where.tenant_id)
      .where('scope', '=', scope)
      .where('key', '=', key)
      .forUpdate()
      .executeTakeFirstOrThrow();
    const expired = existing.expires_at <= now;
    if (!expired && !existing.fingerprint.equals(fingerprint)) return { kind: 'mismatch' as const };
    if (!expired && existing.state === 'done') return { kind: 'replay' as const, row: existing };
    if (!expired && existing.locked_until > now) return { kind: 'busy' as const };
    // Expired, or abandoned mid-flight by a crashed instance: take it over.
    await trx
      .updateTable('idempotency_keys')
      .set(fresh)
      .where('tenant_id', '=', where.tenant_id)
      .where('id', '=', existing.id)
      .execute();
    return { kind: 'run' as const };
  });

  if (claim.kind === 'mismatch') {
    throw new AppError(
      'idempotency_key_reused',
      'This Idempotency-Key was already used with a different request.',
    );
  }
  if (claim.kind === 'busy') {
    throw new AppError(
      'idempotency_key_in_use',
      'The first request with this Idempotency-Key is still running; retry shortly.',
      {
        headers: { 'retry-after': '1' },
      },
    );
  }
  if (claim.kind === 'replay') {
    const row = claim.row;
    return {
      status: row.response_status ?? 200,
      ...(row.response_body !== null ? { body: JSON.parse(row.response_body) } : {}),
      headers: { ...(row.response_headers ?? {}), 'idempotent-replayed': 'true' },
    };
  }

  let result: RouteResult;
  try {
    result = await execute();
  } catch (error) {
    await forget(tenant, where);
    throw error;
  }
  // Only a JSON answer can be replayed; after a raw one (MCP's) the key is released, and a
  // retry runs again rather than replaying an empty answer. An answer that holds a secret
  // shown once (an API key, an invitation token) is never stored: it is released too.
  if (result.raw || holdsSecret(result.body)) await forget(tenant, where);
  else await remember(tenant, where, result);
  return result;
}

type Tenant = Parameters<typeof withTenant>[0];
type Where = { tenant_id: string; scope: string; key: string };

async function remember(tenant: Tenant, where: Where, result: RouteResult) {
  await withTenant(tenant, (trx) =>
    trx
      .updateTable('idempotency_keys')
      .set({
        state: 'done',
        response_status: result.status ?? (result.body === undefined ? 204 : 200),
        response_body: result.body === undefined ? null : JSON.stringify(result.body),
        response_headers: result.headers ?? {},
      })
      .where('tenant_id', '=', where.tenant_id)
      .where('scope', '=', where.scope)
      .where('key', '=', where.key)
      .execute(),
  );
}

async function forget(tenant: Tenant, where: Where) {
  await withTenant(tenant, (trx) =>
    trx
      .deleteFrom('idempotency_keys')
      .where('tenant_id', '=', where.tenant_id)
      .where('scope', '=', where.scope)
      .where('key', '=', where.key)
      .execute(),
  );
}

const holdsSecret = (body: unknown) => {
  const json = JSON.stringify(body ?? null);
  return redactOpaqueTokens(json) !== json;
};
