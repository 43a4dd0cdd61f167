import { AppError, type Trx } from '@devctx/shared';
import { normaliseContent, sha256Hex } from '../messages/normalise.ts';
import { storedBodyHashes } from '../messages/queries.ts';
import type { ImportPlan } from './plan-import.ts';
import { usageAndLimits } from './queries.ts';

const CHUNK = 10_000;

/**
 * Refuses, before anything is stored or queued, an import its tenant's tier cannot hold:
 * the new messages it would store (bodies the tenant does not have yet) against the
 * messages left, and those bodies' bytes plus the upload's against the storage left. The
 * answer names the limit, what the import needs and what is left — nothing is imported.
 */
export async function assertQuotaAllows(
  trx: Trx,
  tenantId: string,
  plan: ImportPlan,
  uploadBytes: number,
) {
  const bodies = new Map<string, number>();
  for (const session of plan.sessions)
    for (const message of session.messages) {
      const content = normaliseContent(message.content);
      bodies.set(sha256Hex(content), Buffer.byteLength(content));
    }
  const hashes = [...bodies.keys()];
  const stored = new Set<string>();
  for (let i = 0; i < hashes.length; i += CHUNK) {
    const rows = await storedBodyHashes(
      trx,
      tenantId,
      hashes.slice(i, i + CHUNK).map((h) => Buffer.from(h, 'hex')),
    );
    for (const row of rows) stored.add(row.hash.toString('hex'));
  }
  const fresh = hashes.filter((h) => !stored.has(h));
  const needs = {
    messages: fresh.length,
    storageBytes: uploadBytes + fresh.reduce((sum, h) => sum + (bodies.get(h) ?? 0), 0),
  };
  const usage = await usageAndLimits(trx, tenantId);
  const left = {
    messages: Number(usage.max_messages) - Number(usage.messages),
    storageBytes: Number(usage.max_storage_bytes) - Number(usage.storage_bytes),
  };
  for (const resource of ['messages', 'storageBytes'] as const) {
    if (needs[resource] <= left[resource]) continue;
    const what = resource === 'messages' ? 'new messages' : 'bytes of storage';
    throw new AppError(
      'quota_exceeded',
      `This import needs ${needs[resource].toLocaleString('en')} ${what}; the ${usage.tier} tier has ${Math.max(0, left[resource]).toLocaleString('en')} left. Nothing was imported.`,
      {
        extensions: {
          quota: {
            resource,
            tier: usage.tier,
            needed: needs[resource],
            remaining: Math.max(0, left[resource]),
            limit: Number(resource === 'messages' ? usage.max_messages : usage.max_storage_bytes),
          },
        },
      },
    );
  }
}
