import type { Attack } from './target.ts';

// Members reaching beyond their permissions.
export const escalationAttacks: Attack[] = [
  {
    finding: '17.9 a write permission reads',
    name: 'push-only key (sessions:write) reads a session through an empty PATCH and If-Match',
    expected: 'empty PATCH 204 without a body; a stale If-Match 412 without the ETag',
    async run(target) {
      const created = await target.a.pushKey.post('/v1/sessions', {
        tool: 'claude-code',
        title: 'private title',
      });
      const path = `/v1/sessions/${created.body.id}`;
      const empty = await target.a.pushKey.patch(path, {});
      const stale = await target.a.pushKey.request(
        'PATCH',
        path,
        { title: 'x' },
        { 'if-match': '"stale"' },
      );
      const leaked = JSON.stringify([empty.body ?? '', stale.body]).includes('private title');
      const reader = await target.a.owner.client.patch(path, {});
      return {
        observed: `empty PATCH ${empty.status}${empty.body ? ' with a body' : ''}; If-Match ${stale.status}${stale.headers.get('etag') ? ' with ETag' : ''}; owner's empty PATCH ${reader.status}`,
        ok:
          created.status === 201 &&
          empty.status === 204 &&
          stale.status === 412 &&
          !stale.headers.get('etag') &&
          !leaked &&
          reader.status === 200 &&
          reader.body.title === 'private title',
      };
    },
  },
  {
    finding: '17.5 deactivation ignores the grant rule',
    name: 'an admin deactivates the owner',
    expected: '403; the owner still signs in',
    async run(target) {
      const reply = await target.a.admin.client.delete(`/v1/users/${target.a.owner.user.id}`);
      const owner = await target.a.owner.client.get('/v1/me');
      return {
        observed: `${reply.status}; owner /v1/me ${owner.status}`,
        ok: reply.status === 403 && owner.status === 200,
      };
    },
  },
  {
    finding: '17.8 owners raise their own tier',
    name: 'tenant B’s owner asks for the enterprise tier',
    expected: 'no such route; still free',
    async run(target) {
      const reply = await target.b.owner.client.put('/v1/tenant/tier', { tier: 'enterprise' });
      const usage = await target.b.owner.client.get('/v1/tenant/usage');
      return {
        observed: `${reply.status}; tier ${usage.body.tier}`,
        ok: reply.status === 404 && usage.body.tier === 'free',
      };
    },
  },
];
