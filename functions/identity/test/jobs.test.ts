import { adminQuery } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type IdentityHarness, type SignedUp, signup, startIdentity } from './support.ts';

let h: IdentityHarness;
let owner: SignedUp;
const insertJob = async (state: string, extra = '') =>
  (
    await adminQuery(
      h.database.adminUrl,
      `insert into jobs (tenant_id, kind, payload, state, attempts, last_error${extra ? ', finished_at' : ''})
       values ($1, 'imports.v1', '{}', $2, 5, 'boom'${extra ? ', now()' : ''}) returning id`,
      [owner.tenant.id, state],
    )
  )[0]?.id as string;

beforeAll(async () => {
  h = await startIdentity();
  owner = await signup(h.anonymous, 'jobs');
});
afterAll(() => h.close());

describe('background jobs, as the tenant sees them', () => {
  it('lists dead jobs with their last error, newest first, page by page', async () => {
    const ids = [
      await insertJob('dead', 'x'),
      await insertJob('dead', 'x'),
      await insertJob('dead', 'x'),
    ];
    await insertJob('succeeded', 'x');
    const first = await owner.client.get('/v1/jobs?state=dead&limit=2');
    expect(first.status).toBe(200);
    expect(first.body.items).toHaveLength(2);
    expect(first.body.items[0]).toMatchObject({
      kind: 'imports.v1',
      state: 'dead',
      lastError: 'boom',
      nextAttemptAt: null,
    });
    const second = await owner.client.get(
      `/v1/jobs?state=dead&limit=2&cursor=${first.body.nextCursor}`,
    );
    const seen = [...first.body.items, ...second.body.items].map((j: { id: string }) => j.id);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(second.body.nextCursor).toBeNull();
  });

  it('an operator retries a dead job: fresh attempts, queued again, audited', async () => {
    const id = await insertJob('dead', 'x');
    const retried = await owner.client.post(`/v1/jobs/${id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ state: 'pending', attempts: 0, finishedAt: null });
    expect((await owner.client.get(`/v1/jobs/${id}`)).body.state).toBe('pending');
    expect((await owner.client.post(`/v1/jobs/${id}/retry`)).status).toBe(409);
    // Each hand retry is a new generation, so Cloud Tasks gets a task name it has not seen.
    const [row] = await adminQuery(
      h.database.adminUrl,
      'select generation from jobs where id = $1',
      [id],
    );
    expect(row?.generation).toBe(1);
    const log = await owner.client.get('/v1/audit-log?action=job.retried');
    expect(log.body.items[0]).toMatchObject({ targetId: id, details: { kind: 'imports.v1' } });
  });
});
