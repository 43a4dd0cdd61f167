import { PASSWORD } from '@devctx/identity/testing';
import { freePort, spawnNode } from '../process.ts';
import type { Attack } from './target.ts';

// Tenants never name server-side secrets, and no secret reaches a log or an error.
export const secretAttacks: Attack[] = [
  {
    finding: '17.3 tenants name server secrets',
    name: 'connect a repository with tokenSecret: ENCRYPTION_KEY, then sync it',
    expected: 'the name is ignored: no token is set, nothing is sent',
    async run(target) {
      const owner = target.a.owner.client;
      const repository = await owner.post('/v1/repositories', {
        provider: 'github',
        fullName: 'attack/secret-name',
        tokenSecret: 'ENCRYPTION_KEY',
      });
      const tooShort = await owner.post('/v1/repositories', {
        provider: 'github',
        fullName: 'attack/short-token',
        githubToken: 'ENCRYPTION_KEY',
      });
      return {
        observed: `201, githubToken ${JSON.stringify(repository.body.sync?.githubToken)}; a name as githubToken: ${tooShort.status}`,
        ok:
          repository.status === 201 &&
          repository.body.sync.githubToken === null &&
          tooShort.status === 400,
      };
    },
  },
  {
    finding: '17.10 secrets in logs',
    name: 'an invitation token put in a URL, a failed accept',
    expected: 'no usable token in the server’s logs',
    async run(target) {
      const invited = await target.a.owner.client.post('/v1/users', {
        email: 'logged@attack.example',
        name: 'L',
      });
      const token = invited.body.invitation.token as string;
      await target.anonymous.post(`/v1/invitations/${token}/accept`, { password: PASSWORD });
      await target.anonymous.post('/v1/invitations/accept', {
        token: `${token}x`,
        password: PASSWORD,
      });
      const leaked = target.logs().includes(token.slice(-43));
      return { observed: leaked ? 'token in the logs' : 'logs show inv_[redacted]', ok: !leaked };
    },
  },
  {
    finding: '17.10 secrets in start-up errors',
    name: 'start the server with a wrong ENCRYPTION_KEY and JWT_KEYS_FILE',
    expected: 'exit 78 naming the variable, without its value',
    async run() {
      const secret = 'c2VjcmV0LXRoYXQtaXMtbm90LTMyLWJ5dGVz';
      const server = spawnNode(['src/main.ts'], {
        DATABASE_URL: 'postgres://devctx_app:hunter2@127.0.0.1:1/x',
        PORT: String(await freePort()),
        ENCRYPTION_KEY: secret,
        JWT_KEYS: 'file',
        JWT_KEYS_FILE: '/nonexistent/keys.json',
      });
      const code = await server.exited;
      const output = server.output();
      const leaked = output.includes(secret) || output.includes('hunter2');
      return {
        observed: `exit ${code}; ${leaked ? 'a value leaked' : 'names ENCRYPTION_KEY, no value'}`,
        ok: code === 78 && output.includes('ENCRYPTION_KEY') && !leaked,
      };
    },
  },
];
