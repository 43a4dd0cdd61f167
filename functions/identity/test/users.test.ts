import { adminQuery, type Reply, setTenantTier } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  addUser,
  type IdentityHarness,
  PASSWORD,
  type SignedUp,
  signup,
  startIdentity,
} from './support.ts';

let h: IdentityHarness;
let owner: SignedUp;
beforeAll(async () => {
  h = await startIdentity();
  owner = await signup(h.anonymous, 'users');
});
afterAll(() => h.close());

describe('invitations', () => {
  it('invite -> accept with a password -> signed in with the given role', async () => {
    const invited = await owner.client.post('/v1/users', {
      email: 'Grace@Users.Example',
      name: 'Grace',
    });
    expect(invited.status).toBe(201);
    expect(invited.body.user).toMatchObject({ email: 'grace@users.example', status: 'invited' });
    expect(invited.body.invitation.token).toMatch(/^inv_/);

    const accepted = await h.anonymous.post('/v1/invitations/accept', {
      token: invited.body.invitation.token,
      password: PASSWORD,
      name: 'Grace H.',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user).toMatchObject({ status: 'active', name: 'Grace H.' });
    const me = await h.anonymous.as(accepted.body.accessToken).get('/v1/me');
    expect(me.body.roles.map((r: { name: string }) => r.name)).toEqual(['member']);

    const again = await h.anonymous.post('/v1/invitations/accept', {
      token: invited.body.invitation.token,
      password: PASSWORD,
    });
    expect(again.status).toBe(404);
    const login = await h.anonymous.post('/v1/auth/login', {
      tenant: owner.tenant.slug,
      email: 'grace@users.example',
      password: PASSWORD,
    });
    expect(login.status).toBe(200);
  });

  it('an invited user cannot sign in before accepting', async () => {
    const invited = await owner.client.post('/v1/users', {
      email: 'pending@users.example',
      name: 'Pending',
    });
    expect(invited.status).toBe(201);
    const login = await h.anonymous.post('/v1/auth/login', {
      tenant: owner.tenant.slug,
      email: 'pending@users.example',
      password: PASSWORD,
    });
    expect(login.status).toBe(401);
  });

  it('refuses an email that is already a user, and unknown roles', async () => {
    expect(
      (await owner.client.post('/v1/users', { email: owner.user.email, name: 'Dup' })).status,
    ).toBe(409);
    const unknownRole = await owner.client.post('/v1/users', {
      email: 'r@users.example',
      name: 'R',
      roleIds: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(unknownRole.status).toBe(400);
  });

  it('rejects a malformed invitation token as not found', async () => {
    expect(
      (await h.anonymous.post('/v1/invitations/accept', { token: 'garbage', password: PASSWORD }))
        .status,
    ).toBe(404);
  });

  it('never puts an invitation token in a URL: its path has none, and the logs keep none', async () => {
    const lines: string[] = [];
    const logged = await startIdentity({ LOG_LEVEL: 'info' }, [], [], (line) => lines.push(line));
    try {
      const t = await signup(logged.anonymous, 'logs');
      const invited = await t.client.post('/v1/users', { email: 'l@logs.example', name: 'L' });
      const token = invited.body.invitation.token as string;
      // Even a client that puts it in a URL by mistake leaves no usable token in the logs.
      await logged.anonymous.post(`/v1/invitations/${token}/accept`, { password: PASSWORD });
      await logged.anonymous.post('/v1/invitations/accept', {
        token: `${token}x`,
        password: PASSWORD,
      });
      expect(lines.length).toBeGreaterThan(0);
      expect(lines.join('\n')).not.toContain(token.slice(-43));
      expect(lines.join('\n')).toContain('inv_[redacted]');
    } finally {
      await logged.close();
    }
  });
});

describe('users', () => {
  it('lists with search and cursor pagination', async () => {
    const all = [];
    let cursor: string | null = null;
    do {
      const page: Reply = await owner.client.get(
        `/v1/users?limit=1${cursor ? `&cursor=${cursor}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(1);
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor);
    const emails = all.map((u) => u.email);
    expect(emails).toEqual([...emails].sort());
    expect(new Set(emails).size).toBe(emails.length);
    expect(emails).toContain(owner.user.email);

    const search = await owner.client.get('/v1/users?q=GRACE');
    expect(search.body.items.map((u: { email: string }) => u.email)).toEqual([
      'grace@users.example',
    ]);
    const invitedOnly = await owner.client.get('/v1/users?status=invited');
    expect(invitedOnly.body.items.every((u: { status: string }) => u.status === 'invited')).toBe(
      true,
    );
    expect((await owner.client.get('/v1/users?cursor=not-a-cursor')).status).toBe(400);
    expect((await owner.client.get('/v1/users?limit=500')).status).toBe(400);
  });

  it('reads one user with roles, and renames them', async () => {
    const member = await addUser(owner, 'member', 'renamee');
    const read = await owner.client.get(`/v1/users/${member.user.id}`);
    expect(read.body.roles.map((r: { name: string }) => r.name)).toEqual(['member']);
    const renamed = await owner.client.patch(`/v1/users/${member.user.id}`, { name: 'New Name' });
    expect(renamed.body.name).toBe('New Name');
    expect((await owner.client.get('/v1/users/00000000-0000-4000-8000-000000000000')).status).toBe(
      404,
    );
  });

  it('deactivation ends their sessions and keys at once, frees the seat, and keeps the record', async () => {
    const member = await addUser(owner, 'member', 'leaver');
    const key = await member.client.post('/v1/api-keys', {
      name: 'ci',
      permissions: ['profile:read'],
    });
    const keyClient = h.anonymous.as(key.body.secret);
    expect((await keyClient.get('/v1/me')).status).toBe(200);
    const usersBefore = (await owner.client.get('/v1/tenant/usage')).body.users.used;

    expect((await owner.client.delete(`/v1/users/${member.user.id}`)).status).toBe(204);
    expect((await member.client.get('/v1/me')).status).toBe(401);
    expect((await keyClient.get('/v1/me')).status).toBe(401);
    expect(
      (await h.anonymous.post('/v1/auth/refresh', { refreshToken: member.refreshToken })).status,
    ).toBe(401);
    expect((await owner.client.get(`/v1/users/${member.user.id}`)).body.status).toBe('deactivated');
    expect((await owner.client.get('/v1/tenant/usage')).body.users.used).toBe(usersBefore - 1);
    expect((await owner.client.delete(`/v1/users/${member.user.id}`)).status).toBe(204);
  });

  it('nobody deactivates a user holding a permission they lack, and reactivation follows the same rule', async () => {
    const t = await signup(h.anonymous, 'grants');
    const admin = await addUser(t, 'admin', 'admin');
    const secondOwner = await addUser(t, 'owner', 'second-owner');
    // An admin cannot lock out an owner.
    const refused = await admin.client.delete(`/v1/users/${secondOwner.user.id}`);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('you lack');
    // A custom role holding only users:deactivate cannot lock out an admin either.
    const role = await t.client.post('/v1/roles', {
      name: 'door-keeper',
      permissions: ['users:deactivate', 'profile:read'],
    });
    const keeper = await addUser(t, 'door-keeper', 'keeper');
    expect((await keeper.client.delete(`/v1/users/${admin.user.id}`)).status).toBe(403);
    expect((await t.client.get(`/v1/users/${admin.user.id}`)).body.status).toBe('active');
    expect(role.status).toBe(201);
    // The owner can, and can bring the admin back: signing in works again, old sessions do not.
    expect((await t.client.delete(`/v1/users/${admin.user.id}`)).status).toBe(204);
    expect((await keeper.client.post(`/v1/users/${admin.user.id}/reactivate`)).status).toBe(403);
    expect((await t.client.post(`/v1/users/${admin.user.id}/reactivate`)).status).toBe(204);
    expect((await t.client.get(`/v1/users/${admin.user.id}`)).body.status).toBe('active');
    expect((await admin.client.get('/v1/me')).status).toBe(401);
    const login = await h.anonymous.post('/v1/auth/login', {
      tenant: t.tenant.slug,
      email: admin.user.email,
      password: PASSWORD,
    });
    expect(login.status).toBe(200);
    const log = await t.client.get('/v1/audit-log?action=user.reactivated');
    expect(log.body.items).toHaveLength(1);
  });

  it('the last owner cannot be deactivated', async () => {
    const reply = await owner.client.delete(`/v1/users/${owner.user.id}`);
    expect(reply.status).toBe(409);
    expect((await owner.client.get('/v1/me')).status).toBe(200);
  });
});

describe('tiers and quotas', () => {
  it('the free tier allows 5 users; the 6th invitation is refused naming the limit', async () => {
    const t = await signup(h.anonymous, 'quota');
    for (let i = 1; i <= 4; i++) {
      expect(
        (await t.client.post('/v1/users', { email: `u${i}@quota.example`, name: `U${i}` })).status,
      ).toBe(201);
    }
    const sixth = await t.client.post('/v1/users', { email: 'u5@quota.example', name: 'U5' });
    expect(sixth.status).toBe(403);
    expect(sixth.body.code).toBe('quota_exceeded');
    expect(sixth.body.detail).toContain('5 users');
    const usage = await t.client.get('/v1/tenant/usage');
    expect(usage.body).toMatchObject({ tier: 'free', users: { used: 5, limit: 5 } });
  });

  it('concurrent invitations cannot overshoot the limit', async () => {
    const t = await signup(h.anonymous, 'race');
    const replies = await Promise.all(
      [1, 2, 3, 4, 5, 6, 7, 8].map((i) =>
        t.client.post('/v1/users', { email: `r${i}@race.example`, name: `R${i}` }),
      ),
    );
    expect(replies.filter((r) => r.status === 201)).toHaveLength(4);
    expect(
      replies.filter((r) => r.status === 403).every((r) => r.body.code === 'quota_exceeded'),
    ).toBe(true);
    const [row] = await adminQuery(
      h.database.adminUrl,
      'select count(*)::int as n from users where tenant_id = $1',
      [t.tenant.id],
    );
    expect(row?.n).toBe(5);
  });

  it('no tenant credential changes the tier, not even the owner’s', async () => {
    const t = await signup(h.anonymous, 'tiers-own');
    const attempt = await t.client.put('/v1/tenant/tier', { tier: 'enterprise' });
    expect(attempt.status).toBe(404);
    expect((await t.client.get('/v1/tenant/usage')).body.tier).toBe('free');
  });

  it('after the operator’s downgrade every user stays, but new ones are refused', async () => {
    const t = await signup(h.anonymous, 'tiers');
    await setTenantTier(h.database.adminUrl, t.tenant.id, 'pro');
    expect((await t.client.get('/v1/tenant/usage')).body.users.limit).toBe(50);
    for (let i = 1; i <= 6; i++) {
      expect(
        (await t.client.post('/v1/users', { email: `p${i}@tiers.example`, name: `P${i}` })).status,
      ).toBe(201);
    }
    await setTenantTier(h.database.adminUrl, t.tenant.id, 'free');
    const usage = await t.client.get('/v1/tenant/usage');
    expect(usage.body).toMatchObject({ tier: 'free', users: { used: 7, limit: 5 } });
    expect((await t.client.get('/v1/users?limit=200')).body.items).toHaveLength(7);
    const refused = await t.client.post('/v1/users', { email: 'p7@tiers.example', name: 'P7' });
    expect(refused.body.code).toBe('quota_exceeded');
  });

  it('reads and renames the tenant', async () => {
    const tenant = await owner.client.get('/v1/tenant');
    expect(tenant.body).toMatchObject({
      id: owner.tenant.id,
      slug: owner.tenant.slug,
      tier: 'free',
    });
    const renamed = await owner.client.patch('/v1/tenant', { name: 'Renamed Ltd' });
    expect(renamed.body.name).toBe('Renamed Ltd');
    const me = await owner.client.patch('/v1/me', { name: 'Boss' });
    expect(me.body.name).toBe('Boss');
  });
});
