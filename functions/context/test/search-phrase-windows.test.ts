import { adminQuery } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchHelpers } from './search-support.ts';
import { type SignedUp, startContext } from './support.ts';

// A phrase's windows of candidates may hold no match; one call takes at most four of them
// (sql/migrations/0035). A database of its own: the planner's estimates are this
// tenant's, so its windows are found by reading its newest texts.
let h: Awaited<ReturnType<typeof startContext>>;
let dry: SignedUp;
const { tenantWithTexts, everyHit, byDefinition, cursorKinds, windowsOf } = searchHelpers(() => h);

beforeAll(async () => {
  h = await startContext();
  // The newest 300 texts hold "omega psi"; 12,000 older ones hold both words apart. The
  // first window of candidates holds the first page, the next six hold no match.
  dry = await tenantWithTexts('dry-phrase', [
    ...Array.from({ length: 12 }, (_, batch) => [1000, `omega apart from psi ${batch}`] as const),
    [300, 'omega psi together'],
  ]);
  await adminQuery(h.database.adminUrl, 'analyze message_bodies');
}, 120_000);
afterAll(() => h.close());

describe('a window between pages', () => {
  it('keeps its ends when texts of it are deleted: no hit skipped or shown twice', async () => {
    // 500 older texts rank highest; the newest 2,000 are the first window. Ten texts of
    // the first window are deleted after the first page: rebuilt from its newest text
    // alone, the window would take ten of the older texts, above the cursor's rank.
    const shift = await tenantWithTexts('shifting-window', [
      [500, 'kappa kappa kappa older'],
      [1000, 'kappa newer'],
      [1000, 'kappa newest'],
    ]);
    const page = (cursor: string | null) =>
      shift.client.get(`/v1/search/messages?q=kappa&limit=50${cursor ? `&cursor=${cursor}` : ''}`);
    const first = await page(null);
    const seen: string[] = first.body.items.map((hit: { messageId: string }) => hit.messageId);
    const gone = await adminQuery<{ id: string }>(
      h.database.adminUrl,
      `with doomed as (
         select m.id, m.body_hash from messages m join message_bodies b
             on b.tenant_id = m.tenant_id and b.hash = m.body_hash
          where m.tenant_id = $1 and b.content like 'kappa newest %' and m.id <> all ($2::uuid[])
          order by m.id limit 10),
       deleted as (delete from messages m using doomed d where m.id = d.id returning m.id)
       select id::text from deleted`,
      [shift.tenant.id, seen],
    );
    expect(gone).toHaveLength(10);
    let cursor: string | null = first.body.nextCursor;
    while (cursor) {
      const next = await page(cursor);
      expect(next.status).toBe(200);
      seen.push(...next.body.items.map((hit: { messageId: string }) => hit.messageId));
      cursor = next.body.nextCursor;
    }
    expect(seen).toHaveLength(2490);
    expect(new Set(seen).size).toBe(2490);
  }, 120_000);
});

describe('windows of candidates', () => {
  const q = '"omega psi"';

  it('give every match once, by the order’s definition, and say so in every cursor', async () => {
    const expected = await byDefinition(dry, q, 'omega psi');
    expect(expected).toHaveLength(300);
    expect(await everyHit(dry, q)).toEqual(expected);
    expect(await cursorKinds(dry, q)).toEqual(['c']);
  });

  it('are at most four in one call, then windows of matches', async () => {
    const first = await windowsOf(dry, q, [300, ...Array(7).fill(null)]);
    expect(first.rows).toHaveLength(300);
    // From the first window's last hit: that window again, three more of candidates (no
    // match in them), then a window of matches (none left).
    const last = first.rows[299];
    const rest = await windowsOf(dry, q, [
      22,
      last?.window_at,
      last?.window_hash,
      last?.rank,
      last?.hash,
      true,
      last?.bottom_at,
      last?.bottom_hash,
    ]);
    expect(rest.rows).toHaveLength(1); // the cursor's own hit, as the route expects
    expect(rest.notices.filter((n) => n === 'search window of candidates')).toHaveLength(4);
  });
});
