import { PASSWORD } from '@devctx/identity/testing';
import type { Attack } from './target.ts';

// Finding 17.13: one noisy client behind a NAT blocked everyone's token refresh for an
// hour; a window boundary let twice the budget through; guessing from many addresses was
// not limited; two tabs refreshing at once revoked the session.
const from = (ip: string) => ({ 'x-forwarded-for': ip });

export const limitAttacks: Attack[] = [
  {
    finding: '17.13 shared budgets',
    name: 'exhaust the anonymous budget of one address, then refresh from it',
    expected: 'logins 429 at the limit; refresh 200 from the same address',
    async run(target) {
      const ip = '198.18.7.7';
      const signedIn = await target.anonymous.post(
        '/v1/auth/login',
        {
          tenant: target.b.owner.tenant.slug,
          email: target.b.owner.user.email,
          password: PASSWORD,
        },
        from('198.18.7.8'),
      );
      let status = 0;
      let tries = 0;
      while (status !== 429 && tries < 1100) {
        tries++;
        status = (
          await target.anonymous.post(
            '/v1/auth/signup',
            { tenant: { name: 'x', slug: '!' } },
            from(ip),
          )
        ).status;
      }
      const refreshed = await target.anonymous.post(
        '/v1/auth/refresh',
        { refreshToken: signedIn.body.refreshToken },
        from(ip),
      );
      return {
        observed: `429 after ${tries} requests; refresh ${refreshed.status}`,
        ok: status === 429 && refreshed.status === 200,
      };
    },
  },
  {
    finding: '17.13 guessing from many addresses',
    name: '20 wrong passwords for one account, each from another address',
    expected: 'then 429 for that account from any address, even with the right password',
    async run(target) {
      const account = { tenant: target.b.owner.tenant.slug, email: target.b.owner.user.email };
      for (let i = 0; i < 20; i++)
        await target.anonymous.post(
          '/v1/auth/login',
          { ...account, password: 'wrong password guess' },
          from(`198.19.0.${i}`),
        );
      const right = await target.anonymous.post(
        '/v1/auth/login',
        { ...account, password: PASSWORD },
        from('198.19.1.1'),
      );
      return { observed: String(right.status), ok: right.status === 429 };
    },
  },
  {
    finding: '17.13 two tabs revoke the session',
    name: 'one refresh token used by two tabs at the same moment',
    expected: 'both 200; the session lives on',
    async run(target) {
      const signedIn = await target.anonymous.post(
        '/v1/auth/login',
        {
          tenant: target.a.owner.tenant.slug,
          email: target.a.owner.user.email,
          password: PASSWORD,
        },
        from('198.20.0.1'),
      );
      const [one, two] = await Promise.all(
        [1, 2].map(() =>
          target.anonymous.post('/v1/auth/refresh', { refreshToken: signedIn.body.refreshToken }),
        ),
      );
      const after = await target.anonymous.as(one?.body.accessToken).get('/v1/me');
      return {
        observed: `${one?.status} and ${two?.status}; then /v1/me ${after.status}`,
        ok: one?.status === 200 && two?.status === 200 && after.status === 200,
      };
    },
  },
];
