import { randomBytes } from 'node:crypto';
import { type AnyJob, type AnyRoute, healthRoutes } from '@devctx/shared';
import {
  Client,
  createTestDatabase,
  startTestServer,
  type TestDatabase,
  type TestServer,
} from '@devctx/shared/testing';
import { identityFamily } from '../src/family.ts';
import { identityRoutes } from '../src/routes.ts';

export { Client };

export interface IdentityHarness {
  database: TestDatabase;
  server: TestServer;
  anonymous: Client;
  close(): Promise<void>;
}

/** A real server with the identity routes (to sign up and sign in) and any others. */
export async function startIdentity(
  env: Record<string, string> = {},
  otherRoutes: AnyRoute[] = [],
  jobs: AnyJob[] = [],
  writeLog?: (line: string) => void,
): Promise<IdentityHarness> {
  const database = await createTestDatabase();
  const server = await startTestServer(
    [...healthRoutes, ...identityRoutes, ...otherRoutes],
    database.appUrl,
    env,
    [...identityFamily.jobs, ...jobs],
    writeLog,
  );
  return {
    database,
    server,
    anonymous: new Client(server.baseUrl),
    close: async () => {
      await server.close();
      await database.drop();
    },
  };
}

export const PASSWORD = 'correct horse battery staple';

export interface SignedUp {
  client: Client;
  tenant: { id: string; slug: string };
  user: { id: string; email: string };
  accessToken: string;
  refreshToken: string;
}

export async function signup(
  anonymous: Client,
  label = 'acme',
  headers: Record<string, string> = {},
): Promise<SignedUp> {
  const slug = `${label}-${randomBytes(4).toString('hex')}`;
  const reply = await anonymous.post(
    '/v1/auth/signup',
    {
      tenant: { name: `${label} Inc`, slug },
      user: { email: `owner@${slug}.example`, password: PASSWORD, name: 'Owner' },
    },
    headers,
  );
  if (reply.status !== 201) throw new Error(`signup failed: ${JSON.stringify(reply.body)}`);
  return {
    client: anonymous.as(reply.body.accessToken),
    tenant: reply.body.tenant,
    user: reply.body.user,
    accessToken: reply.body.accessToken,
    refreshToken: reply.body.refreshToken,
  };
}

/** Invites a user with a system role and accepts the invitation: a signed-in client. */
export async function addUser(owner: SignedUp, role: string, name = role) {
  const roles = await owner.client.get('/v1/roles?limit=200');
  const roleId = roles.body.items.find((r: { name: string }) => r.name === role)?.id;
  const email = `${name}-${randomBytes(3).toString('hex')}@${owner.tenant.slug}.example`;
  const invited = await owner.client.post('/v1/users', { email, name, roleIds: [roleId] });
  if (invited.status !== 201) throw new Error(`invite failed: ${JSON.stringify(invited.body)}`);
  const anonymous = owner.client.as(undefined);
  const accepted = await anonymous.post('/v1/invitations/accept', {
    token: invited.body.invitation.token,
    password: PASSWORD,
  });
  if (accepted.status !== 200) throw new Error(`accept failed: ${JSON.stringify(accepted.body)}`);
  return {
    client: anonymous.as(accepted.body.accessToken),
    user: accepted.body.user as { id: string; email: string },
    refreshToken: accepted.body.refreshToken as string,
  };
}
