import type { ColumnType, Generated } from 'kysely';
import type { CreatedAt, UpdatedAt } from '../columns.ts';

export interface IdempotencyKeysTable {
  tenant_id: string;
  id: Generated<string>;
  scope: string;
  key: string;
  fingerprint: Buffer;
  state: Generated<'in_flight' | 'done'>;
  locked_until: Date;
  response_status: number | null;
  response_headers: Record<string, string> | null;
  response_body: string | null;
  created_at: CreatedAt;
  expires_at: Date;
}

export type JobState = 'pending' | 'dispatched' | 'running' | 'succeeded' | 'dead';

export interface JobsTable {
  tenant_id: string;
  id: Generated<string>;
  kind: string;
  payload: ColumnType<unknown, string, string>;
  state: Generated<JobState>;
  attempts: Generated<number>;
  max_attempts: Generated<number>;
  /** Hand retries so far: part of the Cloud Tasks task name. */
  generation: Generated<number>;
  run_after: Generated<Date>;
  dispatched_at: Date | null;
  last_error: string | null;
  result: ColumnType<unknown, string | null, string | null>;
  created_by: string | null;
  created_at: CreatedAt;
  updated_at: UpdatedAt;
  finished_at: Date | null;
}
