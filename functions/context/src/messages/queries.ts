import type { Trx } from '@devctx/shared';
import { sql } from 'kysely';

/** A conversation's messages with their bodies, in order, from a sequence number on. */
export function listMessages(
  trx: Trx,
  tenantId: string,
  conversationId: string,
  fromSequence: number,
  limit: number,
) {
  return trx
    .selectFrom('messages as m')
    .innerJoin('message_bodies as b', (j) =>
      j.onRef('b.tenant_id', '=', 'm.tenant_id').onRef('b.hash', '=', 'm.body_hash'),
    )
    .select([
      'm.id',
      'm.sequence',
      'm.role',
      'b.content',
      'm.body_hash',
      'm.external_id',
      'm.occurred_at',
      'm.input_tokens',
      'm.output_tokens',
      'm.tool_calls',
      'm.file_references',
      'm.commands',
      'm.tags',
      'm.model',
      'm.thinking',
      'm.sidechain',
      'm.parent_external_id',
      'm.answers_tool_calls',
    ])
    .where('m.tenant_id', '=', tenantId)
    .where('m.conversation_id', '=', conversationId)
    .where('m.sequence', '>=', fromSequence)
    .orderBy('m.sequence')
    .limit(limit + 1)
    .execute();
}

/** Which of these body hashes (SHA-256, raw bytes) the tenant stores already. */
export function storedBodyHashes(trx: Trx, tenantId: string, hashes: Buffer[]) {
  return trx
    .selectFrom('message_bodies')
    .select('hash')
    .where('tenant_id', '=', tenantId)
    .where('hash', '=', sql<Buffer>`any(${hashes}::bytea[])`)
    .execute();
}
