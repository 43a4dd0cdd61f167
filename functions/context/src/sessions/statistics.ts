import type { Trx } from '@devctx/shared';
import { sql } from 'kysely';
import { z } from 'zod';
import { countSessionCommits } from './commits.ts';

export const sessionStatisticsSchema = z.object({
  messages: z.number().int(),
  byRole: z.record(z.string(), z.number().int()),
  inputTokens: z.number().int(),
  outputTokens: z.number().int(),
  filesTouched: z.array(
    z.object({ path: z.string(), operations: z.array(z.string()), references: z.number().int() }),
  ),
  commands: z.array(z.string()),
  commits: z.number().int().describe('Commits in the session’s window (see /commits).'),
  durationSeconds: z.number().nullable(),
});

export async function sessionStatistics(
  trx: Trx,
  tenantId: string,
  session: Parameters<typeof countSessionCommits>[2],
) {
  const byRole = await sql<{ role: string; n: number; input: number; output: number }>`
    select role, count(*)::int as n, coalesce(sum(input_tokens), 0)::int as input, coalesce(sum(output_tokens), 0)::int as output
      from messages where tenant_id = ${tenantId} and session_id = ${session.id} group by role`.execute(
    trx,
  );
  // Files and commands come from the session's counts kept at ingest (session_terms).
  const files = await sql<{ path: string; operations: string[]; references: number }>`
    select term as path, operations, occurrences as references from session_terms
     where tenant_id = ${tenantId} and session_id = ${session.id} and kind = 'file'
     order by occurrences desc, term limit 200`.execute(trx);
  const commands = await sql<{ command: string }>`
    select term as command from session_terms
     where tenant_id = ${tenantId} and session_id = ${session.id} and kind = 'command'
     order by term limit 500`.execute(trx);
  const roles: Record<string, number> = { user: 0, assistant: 0, system: 0, tool: 0 };
  for (const row of byRole.rows) roles[row.role] = row.n;
  return {
    messages: byRole.rows.reduce((sum, r) => sum + r.n, 0),
    byRole: roles,
    inputTokens: byRole.rows.reduce((sum, r) => sum + r.input, 0),
    outputTokens: byRole.rows.reduce((sum, r) => sum + r.output, 0),
    filesTouched: files.rows,
    commands: commands.rows.map((r) => r.command),
    commits: await countSessionCommits(trx, tenantId, session),
    durationSeconds: session.ended_at
      ? Math.round((session.ended_at.getTime() - session.started_at.getTime()) / 1000)
      : null,
  };
}
