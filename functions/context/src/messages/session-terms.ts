import type { Trx } from '@devctx/shared';
import { sql } from 'kysely';

/** What a new message names: the parts of it that the insights views count. */
export interface MessageTerms {
  occurred_at: string | null;
  tags: string[];
  file_references: { path: string; operation: string }[];
  commands: string[];
}

interface Term {
  kind: 'tag' | 'file' | 'command';
  term: string;
  occurrences: number;
  operations: string[];
  last_at: string | null;
}

/**
 * Adds new messages' tags, files and commands to their session's counts (session_terms),
 * in the caller's transaction, so the counts always match the messages stored. Only
 * messages that were really inserted may be passed: a message sent again is not counted
 * twice.
 */
export async function addSessionTerms(
  trx: Trx,
  tenantId: string,
  sessionId: string,
  messages: MessageTerms[],
): Promise<void> {
  const terms = new Map<string, Term>();
  const add = (kind: Term['kind'], term: string, at: string | null, operation?: string) => {
    const key = `${kind}\0${term}`;
    const found = terms.get(key) ?? { kind, term, occurrences: 0, operations: [], last_at: null };
    found.occurrences++;
    if (operation && !found.operations.includes(operation)) found.operations.push(operation);
    if (at && (!found.last_at || Date.parse(at) > Date.parse(found.last_at))) found.last_at = at;
    terms.set(key, found);
  };
  for (const m of messages) {
    for (const tag of m.tags) add('tag', tag, m.occurred_at);
    for (const f of m.file_references) add('file', f.path, m.occurred_at, f.operation);
    for (const command of m.commands) add('command', command, m.occurred_at);
  }
  if (terms.size === 0) return;
  for (const t of terms.values()) t.operations.sort();
  // Rows are locked in key order, so two batches of one session cannot deadlock.
  await sql`
    insert into session_terms (tenant_id, session_id, kind, term, occurrences, operations, last_at)
    select ${tenantId}, ${sessionId}, r.kind, r.term, r.occurrences, r.operations, r.last_at
      from json_to_recordset(${JSON.stringify([...terms.values()])}::json)
           as r (kind text, term text, occurrences integer, operations text[], last_at timestamptz)
     order by r.kind, decode(md5(r.term), 'hex')
    on conflict (tenant_id, kind, session_id, term_digest) do update
       set occurrences = session_terms.occurrences + excluded.occurrences,
           operations = array(select distinct o from unnest(session_terms.operations || excluded.operations) o order by o),
           last_at = greatest(session_terms.last_at, excluded.last_at)`.execute(trx);
}
