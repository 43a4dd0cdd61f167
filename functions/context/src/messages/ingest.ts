import { AppError, instantSchema, type Logger, notFound, type Trx } from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';
import { codeWords } from './code-words.ts';
import { normaliseContent, sha256Hex } from './normalise.ts';

export const messageInput = z.object({
  role: z.enum(['user', 'assistant', 'system', 'tool']),
  content: z.string().max(1_000_000),
  externalId: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe('The tool’s id for the message: sending it again is a no-op.'),
  occurredAt: instantSchema().optional(),
  inputTokens: z.number().int().min(0).optional(),
  outputTokens: z.number().int().min(0).optional(),
  toolCalls: z
    .array(
      z.object({
        id: z.string().max(200).optional(),
        name: z.string().max(200),
        input: z.unknown().optional(),
      }),
    )
    .max(200)
    .optional(),
  fileReferences: z
    .array(
      z.object({
        path: z.string().min(1).max(2000),
        operation: z.enum(['read', 'write', 'edit', 'mention']),
      }),
    )
    .max(500)
    .optional(),
  commands: z.array(z.string().max(10000)).max(200).optional(),
  tags: z.array(z.string().min(1).max(100)).max(50).optional(),
  model: z.string().max(200).optional().describe('The model that wrote it.'),
  thinking: z
    .string()
    .max(1_000_000)
    .optional()
    .describe('The assistant’s thinking: kept and shown, but not searched.'),
  sidechain: z.boolean().optional().describe('Written in a sidechain (a sub-agent’s thread).'),
  parentExternalId: z
    .string()
    .max(500)
    .optional()
    .describe('The externalId of the message it follows.'),
  answersToolCalls: z
    .array(z.string().max(200))
    .max(200)
    .optional()
    .describe('For a tool’s answer: the ids of the tool calls it answers.'),
});
export const ingestBody = z.object({ messages: z.array(messageInput).min(1).max(1000) });

export interface IngestOutcome {
  index: number;
  id: string | null;
  hash: string;
  /** The body was already stored in this tenant (nothing new was written for it). */
  duplicateBody: boolean;
  /** The same message (externalId) was already in this conversation: nothing was added. */
  duplicateMessage: boolean;
}

/**
 * Appends a batch to a conversation in one transaction. Each distinct body is written at
 * most once per tenant (insert … on conflict do nothing); messages keep their order after
 * the conversation's last one; a message whose externalId is already there is skipped.
 */
export async function ingestMessages(
  trx: Trx,
  log: Logger,
  tenantId: string,
  conversation: { id: string; session_id: string },
  messages: z.infer<typeof messageInput>[],
): Promise<IngestOutcome[]> {
  const prepared = messages.map((m) => {
    const content = normaliseContent(m.content);
    return { ...m, content, hash: sha256Hex(content) };
  });

  // Parents first, in the order a delete takes them (the session, then its conversations):
  // the session held (key share) and the conversation locked, which also serialises
  // appends so sequences never collide. A racing delete either waits for this batch or
  // has removed them, and the batch is 404 — never a deadlock.
  const session = await sql`
    select 1 from ai_sessions where tenant_id = ${tenantId} and id = ${conversation.session_id}
       for key share`.execute(trx);
  const appendable = await sql`
    select 1 from conversations where tenant_id = ${tenantId} and id = ${conversation.id}
       for update`.execute(trx);
  if (session.rows.length === 0 || appendable.rows.length === 0) throw notFound('conversation');

  const last = await trx
    .selectFrom('messages')
    .select((eb) => eb.fn.max('sequence').as('max'))
    .where('tenant_id', '=', tenantId)
    .where('conversation_id', '=', conversation.id)
    .executeTakeFirst();
  let sequence = (last?.max ?? -1) + 1;

  // Messages already in this conversation (same externalId) are not added again, nor is
  // an externalId repeated within the batch.
  const externalIds = prepared
    .map((m) => m.externalId)
    .filter((id): id is string => id !== undefined);
  const present = new Set(
    externalIds.length === 0
      ? []
      : (
          await sql<{ external_id: string }>`
            select external_id from messages
             where tenant_id = ${tenantId} and conversation_id = ${conversation.id}
               and external_id = any (${externalIds}::text[])`.execute(trx)
        ).rows.map((r) => r.external_id),
  );
  const planned = prepared.map((m) => {
    const skip = m.externalId !== undefined && present.has(m.externalId);
    if (m.externalId !== undefined) present.add(m.externalId);
    return skip ? null : sequence++;
  });

  // Only the bodies of messages that will be stored: a skipped message (its externalId is
  // already here) must not leave a text nobody can see counting against the quota.
  const distinct = new Map(
    prepared.filter((_, index) => planned[index] !== null).map((m) => [m.hash, m.content]),
  );
  const newBodies = await storeBodies(trx, tenantId, distinct);

  const rows = prepared.flatMap((m, index) => {
    const position = planned[index];
    if (position === null || position === undefined) return [];
    return [
      {
        sequence: position,
        role: m.role,
        hash: m.hash,
        external_id: m.externalId ?? null,
        occurred_at: m.occurredAt ?? null,
        input_tokens: m.inputTokens ?? null,
        output_tokens: m.outputTokens ?? null,
        tool_calls: m.toolCalls ?? [],
        file_references: m.fileReferences ?? [],
        commands: m.commands ?? [],
        tags: m.tags ?? [],
        model: m.model ?? null,
        thinking: m.thinking ?? null,
        sidechain: m.sidechain ?? false,
        parent_external_id: m.parentExternalId ?? null,
        answers_tool_calls: m.answersToolCalls ?? [],
      },
    ];
  });
  const ids = new Map(
    rows.length === 0
      ? []
      : (
          await sql<{ id: string; sequence: number }>`
            insert into messages (tenant_id, conversation_id, session_id, sequence, role, body_hash,
                                  external_id, occurred_at, input_tokens, output_tokens,
                                  tool_calls, file_references, commands, tags, model, thinking,
                                  sidechain, parent_external_id, answers_tool_calls)
            select ${tenantId}, ${conversation.id}, ${conversation.session_id}, r.sequence, r.role,
                   decode(r.hash, 'hex'), r.external_id, r.occurred_at, r.input_tokens,
                   r.output_tokens, r.tool_calls, r.file_references, r.commands, r.tags, r.model,
                   r.thinking, r.sidechain, r.parent_external_id, r.answers_tool_calls
              from json_to_recordset(${JSON.stringify(rows)}::json) as r (
                     sequence integer, role text, hash text, external_id text,
                     occurred_at timestamptz, input_tokens integer, output_tokens integer,
                     tool_calls jsonb, file_references jsonb, commands text[], tags text[],
                     model text, thinking text, sidechain boolean, parent_external_id text,
                     answers_tool_calls text[])
            returning id, sequence`.execute(trx)
        ).rows.map((r) => [r.sequence, r.id]),
  );

  const outcomes: IngestOutcome[] = [];
  const firstOfBody = new Set<string>();
  for (const [index, m] of prepared.entries()) {
    const hex = m.hash;
    const position = planned[index];
    const isNewBody = newBodies.has(hex) && !firstOfBody.has(hex);
    firstOfBody.add(hex);
    const id = position === null || position === undefined ? null : (ids.get(position) ?? null);
    outcomes.push({
      index,
      id,
      hash: hex,
      duplicateBody: !isNewBody,
      duplicateMessage: id === null,
    });
  }
  log.debug('ingested messages', { count: messages.length, newBodies: newBodies.size });
  return outcomes;
}

/**
 * Writes the bodies not stored yet and holds every body of the batch (key share) until the
 * transaction ends, so that the removal of unused bodies (when the last message using one
 * is deleted) cannot take one this batch is about to reference. Bodies go in hash order:
 * two batches holding the same new bodies cannot deadlock. A body removed between the
 * insert and the hold is written again. Returns the hashes written by this call.
 */
async function storeBodies(trx: Trx, tenantId: string, bodies: Map<string, string>) {
  if (bodies.size === 0) return new Set<string>();
  // Whole batches travel as one JSON parameter and are unpacked by json_to_recordset:
  // far cheaper than thousands of bind parameters, on both sides of the connection.
  const rows = JSON.stringify(
    [...bodies].map(([hash, content]) => ({ hash, content, code_words: codeWords(content) })),
  );
  const hashes = JSON.stringify([...bodies.keys()]);
  const written = new Set<string>();
  for (let attempt = 0; attempt < 3; attempt++) {
    const inserted = await sql<{ hash: string }>`
      insert into message_bodies (tenant_id, hash, content, byte_size, code_words)
      select ${tenantId}, decode(r.hash, 'hex'), r.content, octet_length(r.content), r.code_words
        from json_to_recordset(${rows}::json) as r (hash text, content text, code_words text)
       order by r.hash
      on conflict (tenant_id, hash) do nothing
      returning encode(hash, 'hex') as hash`.execute(trx);
    for (const row of inserted.rows) written.add(row.hash);
    const held = await sql<{ n: number }>`
      select hold_message_bodies(array(
        select decode(h, 'hex') from json_array_elements_text(${hashes}::json) as h)) as n`.execute(
      trx,
    );
    if (held.rows[0]?.n === bodies.size) return written;
  }
  throw new AppError('service_unavailable', 'Stored messages changed meanwhile; retry shortly.', {
    headers: { 'retry-after': '1' },
  });
}
