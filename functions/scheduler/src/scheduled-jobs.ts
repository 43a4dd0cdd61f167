import { queueGitHubSync } from '@devctx/repositories/jobs';
import { type JobRef, type RequestContext, storageFor, withTenant } from '@devctx/shared';
import { sql } from 'kysely';

export interface ScheduledJob {
  name: string;
  description: string;
  /** Cloud Scheduler cron (UTC); infra/scheduler-jobs.yaml is checked against this. */
  schedule: string;
  run(ctx: RequestContext): Promise<unknown>;
}

const SWEEP_BATCH = 100;
const SWEEP_BUDGET_MS = 20_000;
/** An AI session with no message for this long is ended. */
const SESSION_IDLE_MINUTES = 4 * 60;
const SYNC_BATCH = 200;
const PURGE_BATCH = 500;
const RELEASE_BATCH = 5000;
/** Tenants purged per run: each is a few statements per table. */
const TENANT_PURGE_BATCH = 5;
const PURGE_START_WITHIN_MS = 60_000;

/** A handed-out job not finished within this is handed out again. */
const DISPATCH_LEASE_SECONDS = 15 * 60;

/**
 * The periodic jobs. Each is idempotent and crosses tenants only through the narrow
 * SECURITY DEFINER functions of the migrations (claim_due_jobs, purge_expired,
 * reconcile_usage, release_unused_bodies), never by reading tenant tables directly.
 */
export const scheduledJobs: ScheduledJob[] = [
  {
    name: 'outbox-sweep',
    description:
      'Dispatch jobs left behind: committed but never handed over, or whose delivery was lost.',
    schedule: '* * * * *',
    run: async (ctx) => {
      const started = Date.now();
      let dispatched = 0;
      for (;;) {
        const { rows } = await sql<JobRef>`
          select tenant_id as "tenantId", id, kind, generation from claim_due_jobs(${SWEEP_BATCH}, ${DISPATCH_LEASE_SECONDS})`.execute(
          ctx.db,
        );
        for (const job of rows) await ctx.dispatcher.dispatch(job);
        dispatched += rows.length;
        if (rows.length < SWEEP_BATCH || Date.now() - started > SWEEP_BUDGET_MS)
          return { dispatched };
      }
    },
  },
  {
    name: 'purge-expired',
    description:
      'Delete expired sessions, invitations, idempotency keys, rate-limit windows and old finished jobs.',
    schedule: '17 * * * *',
    run: async (ctx) =>
      (await sql<{ purged: unknown }>`select purge_expired() as purged`.execute(ctx.db)).rows[0]
        ?.purged,
  },
  {
    name: 'purge-import-uploads',
    description:
      'Delete the uploads of imports that failed more than seven days ago (kept that long for a retry).',
    schedule: '27 * * * *',
    run: async (ctx) => {
      const { rows } = await sql<{ tenant_id: string; storage_key: string }>`
        select tenant_id, storage_key from purge_failed_import_uploads(${PURGE_BATCH})`.execute(
        ctx.db,
      );
      const storage = storageFor(ctx.config);
      for (const upload of rows) await storage.delete(upload.tenant_id, upload.storage_key);
      return { deleted: rows.length };
    },
  },
  {
    name: 'purge-tenant-exports',
    description: 'Delete the archives of tenant exports whose day to be downloaded has passed.',
    schedule: '37 * * * *',
    run: async (ctx) => {
      const { rows } = await sql<{ tenant_id: string; storage_key: string }>`
        select tenant_id, storage_key from purge_expired_tenant_exports(${PURGE_BATCH})`.execute(
        ctx.db,
      );
      const storage = storageFor(ctx.config);
      for (const archive of rows) await storage.delete(archive.tenant_id, archive.storage_key);
      return { deleted: rows.length };
    },
  },
  {
    name: 'purge-deleted-tenants',
    description:
      'Delete the tenants whose 30 days after a scheduled deletion have passed: their stored objects, then every row.',
    schedule: '7 * * * *',
    run: async (ctx) => {
      const { rows } = await sql<{ tenant_id: string }>`
        select tenant_id from due_tenant_deletions(${TENANT_PURGE_BATCH})`.execute(ctx.db);
      const storage = storageFor(ctx.config);
      const deleteObjects = async (tenantId: string) => {
        for (const key of await storage.list(tenantId)) await storage.delete(tenantId, key);
      };
      const purged: Record<string, unknown> = {};
      const started = Date.now();
      for (const { tenant_id } of rows) {
        // Within the job's five minutes: no tenant is begun after the second.
        if (Date.now() - started > PURGE_START_WITHIN_MS) break;
        try {
          // Objects first: a purge cut short runs again next time, the rows still there.
          await deleteObjects(tenant_id);
          purged[tenant_id] = await ctx.db.transaction().execute(async (trx) => {
            // A big tenant is many rows: more than a request's statement time.
            await sql`set local statement_timeout = '150s'`.execute(trx);
            return (
              await sql<{ deleted: unknown }>`select purge_tenant(${tenant_id}) as deleted`.execute(
                trx,
              )
            ).rows[0]?.deleted;
          });
          // And again: an archive an export finished meanwhile.
          await deleteObjects(tenant_id);
        } catch (error) {
          // One tenant that fails waits for the next run; the others go on.
          ctx.log.error('purging a deleted tenant failed', { tenantId: tenant_id, error });
          // It waits behind the others next time (too big for one run needs the operator).
          await sql`select note_tenant_purge_failed(${tenant_id})`.execute(ctx.db);
          purged[tenant_id] = { failed: true };
        }
      }
      return { purged };
    },
  },
  {
    name: 'reconcile-usage',
    description: 'Recount usage counters from the rows they count and repair any drift.',
    schedule: '43 3 * * *',
    run: async (ctx) =>
      (await sql<{ result: unknown }>`select reconcile_usage() as result`.execute(ctx.db)).rows[0]
        ?.result,
  },
  {
    name: 'release-unused-bodies',
    description:
      'Free the stored texts no message uses any more (deletes racing each other leave some), so usage falls with them.',
    schedule: '*/10 * * * *',
    run: async (ctx) => ({
      released: (
        await sql<{ n: number }>`select release_unused_bodies(${RELEASE_BATCH}) as n`.execute(
          ctx.db,
        )
      ).rows[0]?.n,
    }),
  },
  {
    name: 'close-idle-sessions',
    description: `End AI sessions left open with no message for ${SESSION_IDLE_MINUTES / 60} hours, at their last message.`,
    schedule: '*/30 * * * *',
    run: async (ctx) =>
      (
        await sql<{
          closed: number;
        }>`select close_idle_sessions(${SESSION_IDLE_MINUTES}) as closed`.execute(ctx.db)
      ).rows[0],
  },
  {
    name: 'repository-sync',
    description: 'Queue a GitHub sync for every repository with sync on whose interval has passed.',
    schedule: '*/15 * * * *',
    run: async (ctx) => {
      const { rows } = await sql<{ tenant_id: string; id: string }>`
        select tenant_id, id from repositories_due_for_sync(${SYNC_BATCH})`.execute(ctx.db);
      let queued = 0;
      for (const repository of rows) {
        const event = await withTenant({ db: ctx.db, tenantId: repository.tenant_id }, (trx) =>
          queueGitHubSync(trx, ctx.dispatcher, repository.tenant_id, repository.id, 'scheduled'),
        );
        if (event) queued++;
      }
      return { due: rows.length, queued };
    },
  },
];
