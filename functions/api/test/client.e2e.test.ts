import { readFile } from 'node:fs/promises';
import { createDevContextClient } from '@devctx/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED_SCHEMA, generateClientSchema } from '../../../scripts/lib/client-schema.ts';
import { type ApiServer, startApiServer } from './support/api-server.ts';

let running: ApiServer;
beforeAll(async () => {
  running = await startApiServer();
});
afterAll(() => running.close());

describe('the typed client', () => {
  it('is generated from the current document (run npm run client:generate if not)', async () => {
    expect(await readFile(GENERATED_SCHEMA, 'utf8')).toBe(await generateClientSchema());
  });

  it('drives the API end to end: sign up, read, create, an API key, and typed errors', async () => {
    const anonymous = createDevContextClient({ baseUrl: running.baseUrl });
    const signup = await anonymous.POST('/v1/auth/signup', {
      body: {
        tenant: { name: 'Client Co', slug: 'client-co' },
        user: { email: 'dev@client.example', password: 'a long enough password', name: 'Dev' },
      },
    });
    expect(signup.response.status).toBe(201);
    const session = signup.data;
    if (!session) throw new Error('signup failed');

    const api = createDevContextClient({
      baseUrl: running.baseUrl,
      credential: session.accessToken,
    });
    const me = await api.GET('/v1/me');
    expect(me.data?.user.email).toBe('dev@client.example');

    const team = await api.POST('/v1/teams', { body: { name: 'Clients' } });
    expect(team.data?.name).toBe('Clients');
    const read = await api.GET('/v1/teams/{id}', {
      params: { path: { id: team.data?.id as string } },
    });
    expect(read.data?.name).toBe('Clients');

    const key = await api.POST('/v1/api-keys', {
      body: { name: 'cli', permissions: ['teams:read'] },
    });
    const machine = createDevContextClient({
      baseUrl: running.baseUrl,
      credential: key.data?.secret,
    });
    const teams = await machine.GET('/v1/teams', { params: { query: { limit: 10 } } });
    expect(teams.data?.items.map((t) => t.name)).toEqual(['Clients']);

    const refused = await machine.GET('/v1/users', { params: { query: {} } });
    expect(refused.response.status).toBe(403);
    expect(refused.error).toMatchObject({ code: 'forbidden', status: 403 });
  });
});
