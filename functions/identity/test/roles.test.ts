import { setTenantTier } from '@devctx/shared/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addUser, type IdentityHarness, type SignedUp, signup, startIdentity } from './support.ts';

let h: IdentityHarness;
let owner: SignedUp;
let roleIds: Record<string, string>;
beforeAll(async () => {
  h = await startIdentity();
  owner = await signup(h.anonymous, 'roles');
  await setTenantTier(h.database.adminUrl, owner.tenant.id, 'pro'); // room for more than 5 users
  const roles = await owner.client.get('/v1/roles');
  roleIds = Object.fromEntries(
    roles.body.items.map((r: { name: string; id: string }) => [r.name, r.id]),
  );
});
afterAll(() => h.close());

describe('permissions and system roles', () => {
  it('publishes the permission catalogue and the five system roles', async () => {
    const reply = await owner.client.get('/v1/permissions');
    const names = reply.body.items.map((p: { name: string }) => p.name);
    expect(names).toEqual(
      expect.arrayContaining(['users:invite', 'roles:manage', 'audit:read', 'projects:write']),
    );
    expect(reply.body.systemRoles.map((r: { name: string }) => r.name)).toEqual([
      'owner',
      'admin',
      'member',
      'viewer',
      'auditor',
    ]);
    expect(Object.keys(roleIds).sort()).toEqual(['admin', 'auditor', 'member', 'owner', 'viewer']);
  });

  it('system roles cannot be changed or deleted', async () => {
    expect(
      (await owner.client.patch(`/v1/roles/${roleIds.viewer}`, { name: 'reader' })).status,
    ).toBe(409);
    expect((await owner.client.delete(`/v1/roles/${roleIds.viewer}`)).status).toBe(409);
  });
});

describe('custom roles', () => {
  it('are created, read, changed and deleted, and take effect on the next request', async () => {
    const member = await addUser(owner, 'viewer', 'teamlead');
    expect((await member.client.post('/v1/teams', { name: 'Core' })).status).toBe(403);

    const created = await owner.client.post('/v1/roles', {
      name: 'team-admin',
      description: 'Runs teams',
      permissions: ['teams:manage', 'teams:read', 'teams:manage'],
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'team-admin',
      system: false,
      permissions: ['teams:manage', 'teams:read'],
    });
    expect((await owner.client.get(`/v1/roles/${created.body.id}`)).body.name).toBe('team-admin');

    expect(
      (await owner.client.post(`/v1/users/${member.user.id}/roles`, { roleId: created.body.id }))
        .status,
    ).toBe(201);
    expect(
      (await owner.client.post(`/v1/users/${member.user.id}/roles`, { roleId: created.body.id }))
        .status,
    ).toBe(200);
    expect((await member.client.post('/v1/teams', { name: 'Core' })).status).toBe(201);

    const changed = await owner.client.patch(`/v1/roles/${created.body.id}`, {
      permissions: ['teams:read'],
    });
    expect(changed.body).toMatchObject({ permissions: ['teams:read'], description: 'Runs teams' });
    expect((await member.client.post('/v1/teams', { name: 'Other' })).status).toBe(403);

    const held = await owner.client.get(`/v1/users/${member.user.id}/roles`);
    expect(held.body.items.map((r: { name: string }) => r.name).sort()).toEqual([
      'team-admin',
      'viewer',
    ]);

    expect((await owner.client.delete(`/v1/roles/${created.body.id}`)).status).toBe(204);
    expect((await owner.client.get(`/v1/roles/${created.body.id}`)).status).toBe(404);
    const after = await owner.client.get(`/v1/users/${member.user.id}/roles`);
    expect(after.body.items.map((r: { name: string }) => r.name)).toEqual(['viewer']);
  });

  it('refuse unknown permissions and duplicate names', async () => {
    const unknown = await owner.client.post('/v1/roles', {
      name: 'x',
      permissions: ['root:everything'],
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].path).toBe('body.permissions.0');
    await owner.client.post('/v1/roles', { name: 'dup', permissions: [] });
    expect((await owner.client.post('/v1/roles', { name: 'dup', permissions: [] })).status).toBe(
      409,
    );
  });
});

describe('nobody grants what they lack', () => {
  it('an admin cannot create a role with, or give, or take away what only owners do', async () => {
    const admin = await addUser(owner, 'admin', 'admin');
    const withOwn = await admin.client.post('/v1/roles', {
      name: 'billing',
      permissions: ['tenant:own'],
    });
    expect(withOwn.status).toBe(403);
    expect(withOwn.body.detail).toContain('tenant:own');
    expect(
      (await admin.client.post(`/v1/users/${admin.user.id}/roles`, { roleId: roleIds.owner }))
        .status,
    ).toBe(403);
    expect(
      (await admin.client.delete(`/v1/users/${owner.user.id}/roles/${roleIds.owner}`)).status,
    ).toBe(403);
    // What an admin holds, an admin may give.
    const member = await addUser(owner, 'viewer', 'promoted');
    expect(
      (await admin.client.post(`/v1/users/${member.user.id}/roles`, { roleId: roleIds.member }))
        .status,
    ).toBe(201);
  });

  it('the last owner keeps the owner role; with a second owner it can go', async () => {
    const alone = await owner.client.delete(`/v1/users/${owner.user.id}/roles/${roleIds.owner}`);
    expect(alone.status).toBe(409);
    const second = await addUser(owner, 'member', 'second-owner');
    expect(
      (await owner.client.post(`/v1/users/${second.user.id}/roles`, { roleId: roleIds.owner }))
        .status,
    ).toBe(201);
    expect(
      (await owner.client.post(`/v1/users/${owner.user.id}/roles`, { roleId: roleIds.admin }))
        .status,
    ).toBe(201);
    expect(
      (await second.client.delete(`/v1/users/${owner.user.id}/roles/${roleIds.owner}`)).status,
    ).toBe(204);
    const me = await owner.client.get('/v1/me');
    expect(me.body.roles.map((r: { name: string }) => r.name)).toEqual(['admin']);
    expect(me.body.permissions).not.toContain('tenant:own');
    expect(
      (await second.client.delete(`/v1/users/${second.user.id}/roles/${roleIds.owner}`)).status,
    ).toBe(409);
  });

  it('role changes are in the audit log', async () => {
    const log = await h.anonymous.as(owner.accessToken).get('/v1/audit-log?limit=200');
    const actions = new Set(log.body.items.map((e: { action: string }) => e.action));
    for (const action of [
      'role.created',
      'role.updated',
      'role.deleted',
      'role.assigned',
      'role.revoked',
      'user.invited',
    ]) {
      expect(actions).toContain(action);
    }
  });
});

describe('teams', () => {
  it('create, list, rename, members with team roles, remove, delete', async () => {
    const team = await owner.client.post('/v1/teams', { name: 'Platform', description: 'Infra' });
    expect(team.status).toBe(201);
    expect((await owner.client.post('/v1/teams', { name: 'Platform' })).status).toBe(409);
    const list = await owner.client.get('/v1/teams');
    expect(list.body.items.map((t: { name: string }) => t.name)).toContain('Platform');
    const renamed = await owner.client.patch(`/v1/teams/${team.body.id}`, { name: 'Platform Eng' });
    expect(renamed.body).toMatchObject({ name: 'Platform Eng', description: 'Infra' });

    const dev = await addUser(owner, 'member', 'dev');
    const added = await owner.client.post(`/v1/teams/${team.body.id}/members`, {
      userId: dev.user.id,
      teamRole: 'maintainer',
    });
    expect(added.status).toBe(201);
    expect(added.body).toMatchObject({ userId: dev.user.id, teamRole: 'maintainer' });
    const members = await dev.client.get(`/v1/teams/${team.body.id}/members`);
    expect(members.body.items).toEqual([
      expect.objectContaining({ userId: dev.user.id, teamRole: 'maintainer' }),
    ]);
    expect(
      (
        await owner.client.post(`/v1/teams/${team.body.id}/members`, {
          userId: '00000000-0000-4000-8000-000000000000',
        })
      ).status,
    ).toBe(404);

    expect(
      (await owner.client.delete(`/v1/teams/${team.body.id}/members/${dev.user.id}`)).status,
    ).toBe(204);
    expect(
      (await owner.client.delete(`/v1/teams/${team.body.id}/members/${dev.user.id}`)).status,
    ).toBe(404);
    expect((await owner.client.delete(`/v1/teams/${team.body.id}`)).status).toBe(204);
    expect((await owner.client.get(`/v1/teams/${team.body.id}`)).status).toBe(404);
  });
});
